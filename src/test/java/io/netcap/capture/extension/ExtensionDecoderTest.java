package io.netcap.capture.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netcap.bpf.ElfSections;
import io.netcap.bpf.TestPrograms;
import io.netcap.capture.CaptureException;
import io.netcap.pcap.PacketNote;
import io.netcap.pcap.TextColor;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The struct's bytes decoded by the layout clang chose: a struct is compiled with an initialized
 * instance, whose bytes in .data are what a BPF program would have written; the decoder reads
 * the layout from the object's BTF.
 */
class ExtensionDecoderTest {
    private static final String TYPES = """
            typedef unsigned char u8;
            typedef unsigned short u16;
            typedef unsigned int u32;
            typedef unsigned long long u64;
            typedef signed char s8;
            typedef long long s64;
            typedef u32 uint32_t;
            typedef _Bool bool;
            """;

    private static final String STRUCT = """
            enum way { WAY_IN = 1, WAY_OUT = 2, WAY_BACK = -1 };
            struct pair { u16 first; u16 second; /* no formats here */ };
            struct xcap_user_extend {
                u8 tag;              // format: %c
                u64 big;             /* after 7 bytes of padding */
                int negative;
                s8 small;
                enum way way;
                enum way back;
                enum way unknown;
                char dev[16];
                u32 mark;            // format: 0x%x
                u16 ports[3];
                u8 mac[6];           // format: %02x
                bool yes;
                bool no;
                char letter;
                struct pair pair;
                union { u32 v4; u8 bytes[4]; };
                unsigned int low : 3;
                int high : 5;
                uint32_t typed;
                long along;
                u64 max;
                void *ptr;
                char name[8];        // format: <%s>
            };
            """;

    private static final String SAMPLE = """
            struct xcap_user_extend sample = {
                .tag = 'M', .big = 0x1122334455667788ULL, .negative = -42, .small = -3, .way = WAY_OUT,
                .back = WAY_BACK, .unknown = 7, .dev = "veth0", .mark = 42, .ports = {80, 443, 65535},
                .mac = {0x02, 0, 0x5e, 0x10, 0xa, 0xff}, .yes = 1, .no = 0, .letter = 'q',
                .pair = {1, 2}, .v4 = 0x04030201, .low = 5, .high = -9, .typed = 4000000000u, .along = -1L,
                .max = 0xffffffffffffffffULL, .ptr = (void *)0x7fff1234, .name = "a\\"b",
            };
            """;

    private static final String ACTION = """
            static inline int xcap_ext_action(void *ext, void *pkt, u32 pkt_len, struct xcap_user_extend *user,
                                              u16 trace_index)
            {
                return 1;
            }
            """;

    /** The decoder for STRUCT and the bytes of SAMPLE, as clang laid them out. */
    private static Object[] compiled(String struct, String sample) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("sample.bpf.c", TYPES + struct + sample);
        byte[] elf = TestPrograms.CLANG.compile(files).object();
        ExtensionSource source = ExtensionSource.of(ExtensionKind.ACTION, Path.of("/x/action.c"), struct + ACTION);
        ExtensionDecoder decoder = ExtensionDecoder.fromObject(elf, source, TextColor.CYAN);
        byte[] data = ElfSections.find(elf, ".data").orElseThrow();
        // the event carries the struct padded to 8 bytes
        return new Object[] {decoder, Arrays.copyOf(data, (decoder.struct().size() + 7) / 8 * 8)};
    }

    @Test
    void everyKindOfFieldIsShownAsTheProgramWroteIt() {
        Object[] c = compiled(STRUCT, SAMPLE);
        ExtensionDecoder decoder = (ExtensionDecoder) c[0];
        assertEquals(8, decoder.struct().members().get(1).bitOffset() / 8, "clang padded the u8 before the u64");
        assertEquals("ext: tag=M big=1234605616436508552 negative=-42 small=-3 way=WAY_OUT back=WAY_BACK unknown=7"
                + " dev=\"veth0\" mark=0x2a ports=[80, 443, 65535] mac=[02, 00, 5e, 10, 0a, ff] yes=true no=false"
                + " letter='q' pair={first=1 second=2} v4=67305985 bytes=[1, 2, 3, 4] low=5 high=-9 typed=4000000000"
                + " along=-1 max=18446744073709551615 ptr=0x7fff1234 name=<a\"b>", decoder.text((byte[]) c[1]));
        PacketNote note = decoder.note((byte[]) c[1]);
        assertEquals("\t" + decoder.text((byte[]) c[1]), note.lines().get(0));
        assertEquals(TextColor.CYAN, note.color());
        assertEquals("ext", note.jsonField());
    }

    @Test
    void theJsonHasTypedValuesWhateverTheFormats() throws Exception {
        Object[] c = compiled(STRUCT, SAMPLE);
        StringWriter out = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            ((ExtensionDecoder) c[0]).note((byte[]) c[1]).writeJsonValue(g);
        }
        JsonNode ext = new ObjectMapper().readTree(out.toString());
        assertEquals(77, ext.get("tag").asInt(), "a u8 is a number, whatever its %c format");
        assertEquals("q", ext.get("letter").asText(), "a char is a character");
        assertEquals(0x1122334455667788L, ext.get("big").asLong());
        assertEquals(-42, ext.get("negative").asInt());
        assertEquals("WAY_BACK", ext.get("back").asText());
        assertEquals(7, ext.get("unknown").asInt());
        assertEquals("veth0", ext.get("dev").asText());
        assertEquals(42, ext.get("mark").asInt());
        assertEquals("[80,443,65535]", ext.get("ports").toString());
        assertEquals("[2,0,94,16,10,255]", ext.get("mac").toString());
        assertTrue(ext.get("yes").isBoolean() && ext.get("yes").asBoolean());
        assertEquals("{\"first\":1,\"second\":2}", ext.get("pair").toString());
        assertEquals(-9, ext.get("high").asInt());
        assertEquals("18446744073709551615", ext.get("max").bigIntegerValue().toString());
        assertEquals("0x7fff1234", ext.get("ptr").asText());
        assertEquals("a\"b", ext.get("name").asText());
    }

    @Test
    void fieldsNetcapCannotShowAndFormatsThatDoNotFitAreUsageErrors() {
        assertUsage("struct xcap_user_extend { float f; };\n", "struct xcap_user_extend sample = { 1.5f };\n",
                "field f of struct xcap_user_extend is a float");
        assertUsage("struct xcap_user_extend { int a; // format: %s\n};\n", "struct xcap_user_extend sample = { 1 };\n",
                ":1: format \"%s\" of struct xcap_user_extend.a uses %s, which is for char arrays");
        assertUsage("struct xcap_user_extend { int a; // format: %f\n};\n", "struct xcap_user_extend sample = { 1 };\n",
                "has %f");
        assertUsage("struct xcap_user_extend { char big[5000]; };\n", "struct xcap_user_extend sample = { \"x\" };\n",
                "is 5000 bytes; netcap sends at most 1024");
    }

    private static void assertUsage(String struct, String sample, String expected) {
        CaptureException e = assertThrows(CaptureException.class, () -> compiled(struct, sample));
        assertEquals(CaptureException.Kind.USAGE, e.kind());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}

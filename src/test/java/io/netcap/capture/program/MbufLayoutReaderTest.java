package io.netcap.capture.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rte_mbuf layout read from a program's DWARF, and the rule for which fields it needs. */
class MbufLayoutReaderTest {
    /** A struct rte_mbuf laid out unlike DPDK 17.05+, as an older or patched DPDK might. */
    private static final String PROGRAM = """
            #include <stdint.h>
            struct rte_mbuf;
            struct rte_mbuf {
                uint64_t cookie;
                void *buf_addr;
                union { uint64_t buf_iova; uint64_t buf_physaddr; };
                uint16_t refcnt;
                uint16_t data_off;
                uint16_t nb_segs;
                uint16_t port;
                uint32_t pkt_len;
                uint32_t data_len;
                struct rte_mbuf *next;
            };
            __attribute__((noinline)) void process_one(struct rte_mbuf *m) { asm volatile("" :: "r"(m) : "memory"); }
            int main(void) { struct rte_mbuf m = {0}; process_one(&m); return 0; }
            """;

    @Test
    void readsTheOffsetsFromDwarf(@TempDir Path dir) throws Exception {
        Path binary = compile(dir, PROGRAM, "-g");
        Optional<MbufLayoutReader.Found> found = MbufLayoutReader.read(binary);
        assertTrue(found.isPresent(), "no layout found in " + binary);
        assertEquals(new MbufLayout(8, 26, 30, 32, 36, 40), found.get().layout());
        assertEquals("DWARF of " + binary, found.get().source());
    }

    /** The same struct in a .BTF section (clang emits one for -target bpf -g) is read from there first. */
    @Test
    void readsTheOffsetsFromBtf(@TempDir Path dir) throws Exception {
        Path c = dir.resolve("layout.c");
        Files.writeString(c, PROGRAM.substring(0, PROGRAM.indexOf("__attribute__")) + "struct rte_mbuf probe_target;\n");
        Path object = dir.resolve("layout.o");
        Process clang;
        try {
            clang = new ProcessBuilder("clang", "-g", "-O2", "-target", "bpf", "-ffreestanding", "-c", c.toString(), "-o", object.toString())
                    .redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "clang is not installed (Debian package clang): " + e.getMessage());
            throw e;
        }
        String output = new String(clang.getInputStream().readAllBytes());
        assertTrue(clang.waitFor(60, TimeUnit.SECONDS) && clang.exitValue() == 0, output);
        Optional<MbufLayoutReader.Found> found = MbufLayoutReader.read(object);
        assertEquals(Optional.of(new MbufLayoutReader.Found(new MbufLayout(8, 26, 30, 32, 36, 40), "BTF of " + object)),
                found);
    }

    @Test
    void withoutDebugInformationThereIsNone(@TempDir Path dir) throws Exception {
        assertEquals(Optional.empty(), MbufLayoutReader.read(compile(dir, PROGRAM, "-g0")));
    }

    @Test
    void aLayoutNeedsEveryFieldNetcapReads() {
        Map<String, Integer> all = Map.of("buf_addr", 0, "data_off", 16, "port", 22, "pkt_len", 36, "data_len", 40,
                "next", 64, "nb_segs", 20);
        assertEquals(Optional.of(MbufLayout.DPDK_17_05), MbufLayoutReader.layout(all));
        Map<String, Integer> noNext = new java.util.HashMap<>(all);
        noNext.remove("next");
        assertEquals(Optional.empty(), MbufLayoutReader.layout(noNext));
    }

    @Test
    void takesOnlyTheCompleteStructsDirectMembers() {
        List<String> dump = List.of(
                "0x00000010: DW_TAG_structure_type",
                "              DW_AT_name\t(\"rte_mbuf\")",
                "              DW_AT_declaration\t(true)",
                "",
                "0x00000020: DW_TAG_structure_type",
                "              DW_AT_name\t(\"rte_mbuf\")",
                "              DW_AT_byte_size\t(0x80)",
                "",
                "0x00000030:   DW_TAG_member",
                "                DW_AT_name\t(\"buf_addr\")",
                "                DW_AT_data_member_location\t(0x08)",
                "",
                "0x00000040:   DW_TAG_union_type",
                "",
                "0x00000050:     DW_TAG_member",
                "                  DW_AT_name\t(\"inner\")",
                "                  DW_AT_data_member_location\t(0x00)",
                "",
                "0x00000060:   DW_TAG_member",
                "                DW_AT_name\t(\"next\")",
                "                DW_AT_data_member_location\t(72)",
                "",
                "0x00000070: DW_TAG_structure_type",
                "              DW_AT_name\t(\"other\")",
                "",
                "0x00000080:   DW_TAG_member",
                "                DW_AT_name\t(\"port\")",
                "                DW_AT_data_member_location\t(0x02)");
        assertEquals(Map.of("buf_addr", 8, "next", 72), MbufLayoutReader.dwarfMembers(dump));
    }

    private static Path compile(Path dir, String source, String debug) throws Exception {
        Path c = dir.resolve("app.c");
        Files.writeString(c, source);
        Path out = dir.resolve("app" + debug);
        Process gcc;
        try {
            gcc = new ProcessBuilder("gcc", "-O2", debug, c.toString(), "-o", out.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "gcc is not installed (Debian package gcc): " + e.getMessage());
            throw e;
        }
        String output = new String(gcc.getInputStream().readAllBytes());
        assertTrue(gcc.waitFor(60, TimeUnit.SECONDS) && gcc.exitValue() == 0, output);
        return out;
    }
}

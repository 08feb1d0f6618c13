package io.netcap.bpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netcap.bpf.btf.Btf;
import io.netcap.bpf.btf.BtfStructLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link ElfSections} on an object clang compiles, and its .BTF read back through {@link Btf}. */
class ElfSectionsTest {
    /** Where clang must put each member of struct layout_probe; the C asserts the same numbers. */
    private static final Map<String, Integer> PROBE_OFFSETS = new LinkedHashMap<>();
    private static final int PROBE_SIZE = 48;

    static {
        PROBE_OFFSETS.put("tag", 0);
        PROBE_OFFSETS.put("count", 4);
        PROBE_OFFSETS.put("port", 8);
        PROBE_OFFSETS.put("stamp", 16);
        PROBE_OFFSETS.put("addr4", 24); // the two members of an anonymous union
        PROBE_OFFSETS.put("addr6", 24);
        PROBE_OFFSETS.put("tail", 41);  // after the bitfields low:3, high:5 in byte 40
    }

    private static byte[] object;

    @BeforeAll
    static void compile() {
        StringBuilder c = new StringBuilder("""
                struct layout_probe {
                    __u8 tag;
                    __u32 count;
                    __u16 port;
                    __u64 stamp;
                    union {
                        __u32 addr4;
                        __u8 addr6[16];
                    };
                    __u32 low : 3, high : 5;
                    __u8 tail;
                };
                struct layout_probe probe_global;

                SEC("syscall")
                int touch(void *ctx)
                {
                    return probe_global.tag + probe_global.high;
                }
                """);
        // If clang laid the struct out differently, compiling fails here rather than the
        // comparison below passing or failing for a reason nobody can see.
        c.append("_Static_assert(sizeof(struct layout_probe) == ").append(PROBE_SIZE).append(", \"size\");\n");
        PROBE_OFFSETS.forEach((member, offset) -> c.append("_Static_assert(__builtin_offsetof(struct layout_probe, ")
                .append(member).append(") == ").append(offset).append(", \"").append(member).append("\");\n"));
        object = TestPrograms.compile(c.toString());
    }

    @Test
    void btfSectionParsesAndDescribesTheStructAsClangLaidItOut() throws Exception {
        byte[] btfBytes = ElfSections.find(object, ".BTF").orElseThrow();
        Btf btf = Btf.parse(ByteBuffer.wrap(btfBytes), "test");
        BtfStructLayout layout = btf.findStructLayout("layout_probe").orElseThrow();
        assertEquals(new BtfStructLayout("layout_probe", PROBE_SIZE, PROBE_OFFSETS), layout);
        assertEquals(PROBE_OFFSETS.keySet().stream().toList(), layout.offsets().keySet().stream().toList());
    }

    @Test
    void sectionBytesAreTheSectionsContent() {
        assertArrayEquals("GPL\0".getBytes(StandardCharsets.US_ASCII), ElfSections.find(object, "license").orElseThrow());
        assertTrue(ElfSections.find(object, ".BTF.ext").orElseThrow().length > 0);
        assertEquals(0, ElfSections.find(object, ".bss").orElseThrow().length, "SHT_NOBITS has no file bytes");
    }

    @Test
    void absentSectionIsEmpty() {
        assertEquals(Optional.empty(), ElfSections.find(object, ".no_such_section"));
        assertEquals(Optional.empty(), ElfSections.find(object, ".BT"), "names match whole, not by prefix");
        assertEquals(Optional.empty(), ElfSections.find(object, ""), "the null section is not found by its empty name");
    }

    @Test
    void objectsWithoutASectionTableHaveNoSections() {
        byte[] noTable = object.clone();
        ByteBuffer.wrap(noTable).order(ByteOrder.LITTLE_ENDIAN).putLong(0x28, 0); // e_shoff
        assertEquals(Optional.empty(), ElfSections.find(noTable, ".BTF"));
    }

    @Test
    void anythingButElf64LittleEndianIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> ElfSections.find("this is not an ELF file".getBytes(StandardCharsets.US_ASCII), ".BTF"));
        assertThrows(IllegalArgumentException.class, () -> ElfSections.find(new byte[0], ".BTF"));
        assertThrows(IllegalArgumentException.class, () -> ElfSections.find(Arrays.copyOf(object, 63), ".BTF"),
                "shorter than the 64-byte ELF64 header");

        byte[] elf32 = object.clone();
        elf32[4] = 1; // EI_CLASS = ELFCLASS32
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ElfSections.find(elf32, ".BTF"));
        assertTrue(e.getMessage().contains("ELF64 little-endian"), e.getMessage());

        byte[] bigEndian = object.clone();
        bigEndian[5] = 2; // EI_DATA = ELFDATA2MSB
        assertThrows(IllegalArgumentException.class, () -> ElfSections.find(bigEndian, ".BTF"));
    }

    @Test
    void headersPointingOutsideTheFileAreRefused() {
        // clang puts the section header table at the end: cutting the file loses it.
        IllegalArgumentException cut = assertThrows(IllegalArgumentException.class,
                () -> ElfSections.find(Arrays.copyOf(object, object.length - 1), ".BTF"));
        assertTrue(cut.getMessage().startsWith("malformed ELF object: "), cut.getMessage());

        byte[] hugeOffset = object.clone();
        ByteBuffer.wrap(hugeOffset).order(ByteOrder.LITTLE_ENDIAN).putLong(0x28, Long.MAX_VALUE - 8);
        assertThrows(IllegalArgumentException.class, () -> ElfSections.find(hugeOffset, ".BTF"));

        byte[] badNames = object.clone();
        ByteBuffer.wrap(badNames).order(ByteOrder.LITTLE_ENDIAN).putShort(0x3e, (short) 0xfff0); // e_shstrndx
        assertThrows(IllegalArgumentException.class, () -> ElfSections.find(badNames, ".BTF"));
    }
}

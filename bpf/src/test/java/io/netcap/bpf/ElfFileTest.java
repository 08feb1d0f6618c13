package io.netcap.bpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ElfFile} on real shared libraries, read from a file and from an array, checked against readelf. */
class ElfFileTest {
    private static final Path LIBC = Path.of("/usr/lib/x86_64-linux-gnu/libc.so.6");
    /** readelf -S -W: "  [ 6] .dynsym  DYNSYM  0000000000008a50 008a50 011d60 18   A  7   1  8". */
    private static final Pattern SECTION_LINE = Pattern.compile(
            "^\\s*\\[\\s*(\\d+)]\\s+(\\S*)\\s+(\\S+)\\s+([0-9a-f]{16})\\s+([0-9a-f]+)\\s+([0-9a-f]+)\\s+([0-9a-f]+)"
                    + "\\s+(\\S*)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s*$");

    @Test
    void sectionHeadersMatchReadelf() throws Exception {
        assumeTrue(Files.isReadable(LIBC), "needs " + LIBC + " (Debian package libc6)");
        List<String[]> expected = readelfSections(LIBC);
        try (ElfFile elf = ElfFile.open(LIBC)) {
            assertEquals(ElfFile.ET_DYN, elf.type());
            assertEquals(ElfFile.EM_X86_64, elf.machine());
            assertEquals(expected.size(), elf.sections().size());
            for (String[] row : expected) {
                ElfFile.Section s = elf.sections().get(Integer.parseInt(row[0]));
                String what = "section " + row[0] + " " + row[1];
                // readelf -W still cuts names longer than its column; compare what it printed.
                assertTrue(s.name().startsWith(row[1].replace("[...]", "")), what + ": " + s.name());
                assertEquals(Long.parseLong(row[3], 16), s.address(), what);
                assertEquals(Long.parseLong(row[4], 16), s.offset(), what);
                assertEquals(Long.parseLong(row[5], 16), s.size(), what);
                assertEquals(Long.parseLong(row[6], 16), s.entrySize(), what);
                assertEquals(Integer.parseInt(row[8]), s.link(), what);
                assertEquals(Integer.parseInt(row[9]), s.info(), what);
                assertEquals(Long.parseLong(row[10]), s.alignment(), what);
            }
        }
    }

    @Test
    void aFileReadsAsItsBytesDo() throws Exception {
        assumeTrue(Files.isReadable(LIBC), "needs " + LIBC + " (Debian package libc6)");
        byte[] whole = Files.readAllBytes(LIBC);
        ElfFile fromArray = ElfFile.of(whole);
        try (ElfFile fromFile = ElfFile.open(LIBC)) {
            assertEquals(fromArray.sections(), fromFile.sections());
            assertEquals(whole.length, fromFile.length());
            // .dynsym is above the read limit (mapped), .dynstr and .gnu.version_d below it (read).
            for (String name : List.of(".dynsym", ".dynstr", ".gnu.version_d", ".text")) {
                ElfFile.Section section = fromFile.section(name).orElseThrow();
                assertEquals(fromArray.content(section), fromFile.content(section), name);
            }
            ElfFile.Section dynsym = fromFile.firstOfType(ElfFile.SHT_DYNSYM).orElseThrow();
            assertTrue(dynsym.size() > 64 * 1024, "the mapped path is exercised: " + dynsym.size());
            assertEquals(".dynsym", dynsym.name());
        }
    }

    @Test
    void stringsEndAtTheirNul() {
        ByteBuffer table = ByteBuffer.wrap("\0abc\0de".getBytes(StandardCharsets.US_ASCII));
        assertEquals("", ElfFile.string(table, 0));
        assertEquals("abc", ElfFile.string(table, 1));
        assertEquals("bc", ElfFile.string(table, 2));
        assertEquals("", ElfFile.string(table, 5), "not terminated inside the table");
        assertEquals("", ElfFile.string(table, 99), "outside the table");
    }

    @Test
    void filesThatAreNotElf64AreRefusedWithTheReason(@TempDir Path dir) throws IOException {
        Path script = Files.writeString(dir.resolve("script.sh"), "#!/bin/sh\necho this is no ELF file, but long enough"
                + " to hold an ELF header if it were one\n");
        IllegalArgumentException notElf = assertThrows(IllegalArgumentException.class, () -> ElfFile.open(script));
        assertTrue(notElf.getMessage().startsWith("not an ELF file"), notElf.getMessage());

        Path empty = Files.createFile(dir.resolve("empty"));
        assertThrows(IllegalArgumentException.class, () -> ElfFile.open(empty));

        assumeTrue(Files.isReadable(LIBC), "needs " + LIBC);
        byte[] elf32 = Files.readAllBytes(LIBC);
        elf32[4] = 1; // EI_CLASS = ELFCLASS32
        Path file = Files.write(dir.resolve("elf32"), elf32);
        IllegalArgumentException wrongClass = assertThrows(IllegalArgumentException.class, () -> ElfFile.open(file));
        assertTrue(wrongClass.getMessage().contains("ELF64 little-endian"), wrongClass.getMessage());
    }

    @Test
    void readsOutsideTheFileAreRefused() throws Exception {
        assumeTrue(Files.isReadable(LIBC), "needs " + LIBC);
        try (ElfFile elf = ElfFile.open(LIBC)) {
            assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, bytes(elf.read(0, 4)));
            assertEquals(0, elf.read(elf.length(), 0).limit());
            assertThrows(IllegalArgumentException.class, () -> elf.read(elf.length() - 1, 2));
            assertThrows(IllegalArgumentException.class, () -> elf.read(-1, 1));
            assertThrows(IllegalArgumentException.class, () -> elf.read(Long.MAX_VALUE, 1));
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    /** readelf -S -W's rows: index, name, type, address, offset, size, entsize, flags, link, info, align. */
    private static List<String[]> readelfSections(Path file) throws Exception {
        Process readelf;
        try {
            readelf = new ProcessBuilder("readelf", "-S", "-W", file.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "needs readelf (Debian package binutils)");
            throw e;
        }
        String out = new String(readelf.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(readelf.waitFor(30, TimeUnit.SECONDS));
        List<String[]> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            Matcher m = SECTION_LINE.matcher(line);
            if (m.matches()) {
                String[] row = new String[11];
                for (int i = 0; i < 11; i++) {
                    row[i] = m.group(i + 1);
                }
                rows.add(row);
            }
        }
        assertFalse(rows.isEmpty(), "readelf printed no sections:\n" + out);
        return rows;
    }
}

package io.netcap.capture.user;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netcap.bpf.ElfFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ElfSymbols} on the system's libc (checked against readelf and objdump) and on programs gcc builds. */
class ElfSymbolsTest {
    static final Path LIBC = Path.of("/usr/lib/x86_64-linux-gnu/libc.so.6");
    /** readelf --dyn-syms -W: "  1744: 0000000000098930   791 FUNC    GLOBAL DEFAULT   16 malloc@@GLIBC_2.2.5". */
    private static final Pattern SYMBOL_LINE = Pattern.compile(
            "^\\s*\\d+: ([0-9a-f]{16})\\s+\\d+ (\\S+)\\s+(\\S+)\\s+\\S+\\s+(\\S+)\\s+(\\S+)\\s*$");

    /** A shared library with one function in two versions, as glibc has many. */
    static final String VERSIONED = """
            __asm__(".symver foo_old, foo@NETCAP_1");
            __asm__(".symver foo_new, foo@@NETCAP_2");
            int foo_old(int x) { return x * 3; }
            int foo_new(int x) { return x + 1; }
            int bar(int x) { return x - 1; }
            """;
    static final String VERSIONED_MAP = """
            NETCAP_1 { global: bar; local: foo_old; foo_new; };
            NETCAP_2 { } NETCAP_1;
            """;

    @Test
    void libcFunctionsAreThoseReadelfLists() throws Exception {
        assumeTrue(Files.isReadable(LIBC), "needs " + LIBC + " (Debian package libc6)");
        String listing = NativeBuild.readelf("--dyn-syms", "-W", LIBC.toString());
        ElfSymbols symbols = ElfSymbols.read(LIBC);
        assertFalse(symbols.hasSymtab(), "Debian's libc is stripped");
        assertTrue(symbols.hasDynsym());
        assertEquals(ElfFile.ET_DYN, symbols.elfType());
        int expected = 0;
        for (String line : listing.split("\n")) {
            Matcher m = SYMBOL_LINE.matcher(line);
            if (!m.matches() || !(m.group(2).equals("FUNC") || m.group(2).equals("IFUNC"))
                    || m.group(4).equals("UND") || m.group(4).equals("ABS") || Long.parseUnsignedLong(m.group(1), 16) == 0) {
                continue;
            }
            expected++;
            String raw = m.group(5);
            String name = raw.contains("@") ? raw.substring(0, raw.indexOf('@')) : raw;
            long address = Long.parseUnsignedLong(m.group(1), 16);
            boolean defaultVersion = !raw.contains("@") || raw.contains("@@");
            List<FunctionSymbol> found = symbols.definitions(name);
            assertTrue(found.stream().anyMatch(s -> s.address() == address && s.defaultVersion() == defaultVersion
                            && s.indirect() == m.group(2).equals("IFUNC") && s.weak() == m.group(3).equals("WEAK")
                            && s.table() == ElfSymbols.Table.DYNSYM),
                    raw + " at " + m.group(1) + " not among " + found);
        }
        assertTrue(expected > 1000, "readelf listed " + expected + " functions");
        assertEquals(expected, symbols.count(ElfSymbols.Table.DYNSYM));
        assertEquals(0, symbols.count(ElfSymbols.Table.SYMTAB));
    }

    @Test
    void fileOffsetsPointAtTheCodeObjdumpShows() throws Exception {
        assumeTrue(Files.isReadable(LIBC), "needs " + LIBC + " (Debian package libc6)");
        assumeTrue(NativeBuild.onPath("objdump"), "needs objdump (Debian package binutils)");
        FunctionSymbol malloc = ElfSymbols.read(LIBC).definitions("malloc").get(0);
        String dump = NativeBuild.run(List.of("objdump", "-d", "--start-address=0x" + Long.toHexString(malloc.address()),
                "--stop-address=0x" + Long.toHexString(malloc.address() + 8), LIBC.toString()));
        // "   98930:	f3 0f 1e fa          	endbr64": the bytes objdump found at the address.
        Matcher bytes = Pattern.compile("^\\s*[0-9a-f]+:\\t((?:[0-9a-f]{2} )+)", Pattern.MULTILINE).matcher(dump);
        StringBuilder hex = new StringBuilder();
        while (bytes.find()) {
            hex.append(bytes.group(1).replace(" ", ""));
        }
        assertTrue(hex.length() >= 8, dump);
        byte[] expected = java.util.HexFormat.of().parseHex(hex.substring(0, 8));
        try (ElfFile elf = ElfFile.open(LIBC)) {
            ByteBuffer code = elf.read(malloc.fileOffset(), 4);
            byte[] actual = new byte[4];
            code.get(actual);
            assertArrayEquals(expected, actual, "bytes at file offset 0x" + Long.toHexString(malloc.fileOffset()));
        }
    }

    @Test
    void anUnstrippedProgramHasItsStaticFunctionsInSymtab(@TempDir Path dir) throws Exception {
        Path app = NativeBuild.app(dir, "app");
        ElfSymbols symbols = ElfSymbols.read(app);
        assertTrue(symbols.hasSymtab());
        assertEquals(ElfFile.ET_DYN, symbols.elfType(), "Debian's gcc builds PIEs");
        FunctionSymbol helper = symbols.definitions("helper_twice").get(0);
        assertEquals(ElfSymbols.Table.SYMTAB, helper.table());
        assertTrue(helper.fileOffset() > 0 && helper.size() > 0, helper.toString());
        assertEquals(ElfSymbols.Table.SYMTAB, symbols.definitions("process_one").get(0).table());
        assertTrue(symbols.names().containsAll(List.of("main", "process_one", "process_burst", "process_gated")));
        assertTrue(symbols.definitions("printf").isEmpty(), "imported, not defined");
    }

    @Test
    void strippingLeavesOnlyExportedFunctions(@TempDir Path dir) throws Exception {
        Path plain = NativeBuild.stripped(NativeBuild.app(dir, "app"), "app-stripped");
        ElfSymbols symbols = ElfSymbols.read(plain);
        assertFalse(symbols.hasSymtab());
        assertTrue(symbols.definitions("process_one").isEmpty(), "a program exports nothing by default");

        Path exported = NativeBuild.stripped(NativeBuild.app(dir, "app-rdynamic", "-rdynamic"), "app-rdynamic-stripped");
        ElfSymbols dynamic = ElfSymbols.read(exported);
        assertFalse(dynamic.hasSymtab());
        assertEquals(ElfSymbols.Table.DYNSYM, dynamic.definitions("process_one").get(0).table());
        assertTrue(dynamic.definitions("helper_twice").isEmpty(), "static: never exported");
    }

    @Test
    void versionSuffixesAreDroppedAndTheDefaultVersionMarked(@TempDir Path dir) throws Exception {
        Path library = versionedLibrary(dir);
        Map<Long, Boolean> expected = new HashMap<>();
        for (String line : NativeBuild.readelf("-s", "-W", library.toString()).split("\n")) {
            Matcher m = SYMBOL_LINE.matcher(line);
            if (m.matches() && m.group(5).startsWith("foo@")) {
                expected.put(Long.parseUnsignedLong(m.group(1), 16), m.group(5).startsWith("foo@@"));
            }
        }
        assertEquals(2, expected.size(), "readelf shows two versions of foo");

        ElfSymbols full = ElfSymbols.read(library);
        List<FunctionSymbol> inSymtab = full.definitions("foo");
        assertTrue(inSymtab.stream().allMatch(s -> s.table() == ElfSymbols.Table.SYMTAB), inSymtab.toString());
        inSymtab.forEach(s -> assertEquals(expected.get(s.address()), s.defaultVersion(), s.toString()));
        assertFalse(full.names().stream().anyMatch(n -> n.contains("@")), "names carry no version");

        ElfSymbols dynamic = ElfSymbols.read(NativeBuild.stripped(library, "libversioned-stripped.so"));
        List<FunctionSymbol> inDynsym = dynamic.definitions("foo");
        assertEquals(2, inDynsym.size(), inDynsym.toString());
        inDynsym.forEach(s -> assertEquals(expected.get(s.address()), s.defaultVersion(), "from .gnu.version: " + s));
    }

    static Path versionedLibrary(Path dir) throws Exception {
        Path map = Files.writeString(dir.resolve("versioned.map"), VERSIONED_MAP);
        return NativeBuild.gcc(dir, "libversioned.so", List.of("-O2", "-shared", "-fPIC",
                "-Wl,--version-script=" + map), "versioned.c", VERSIONED);
    }

    @Test
    void bigLibrariesAreReadQuickly() throws Exception {
        Path jvm = Path.of(System.getProperty("java.home"), "lib", "server", "libjvm.so");
        assumeTrue(Files.isReadable(jvm) && Files.isReadable(LIBC), "needs libjvm.so and libc.so.6");
        ElfSymbols.read(LIBC); // class loading and JIT warm-up out of the measurement
        long start = System.nanoTime();
        int functions = 0;
        for (int i = 0; i < 5; i++) {
            functions = ElfSymbols.read(jvm).names().size() + ElfSymbols.read(LIBC).names().size();
        }
        long perRound = (System.nanoTime() - start) / 5 / 1_000_000;
        System.out.println("ElfSymbols: libjvm.so + libc.so.6 (" + functions + " function names) in " + perRound + " ms");
        assertTrue(functions > 2000, functions + " names");
    }
}

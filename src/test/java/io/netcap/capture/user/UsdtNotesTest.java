package io.netcap.capture.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netcap.bpf.ElfFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link UsdtNotes} on a program with sdt.h probes gcc builds, and on libjvm's hotspot probes checked against readelf. */
class UsdtNotesTest {
    /** One SIZE@LOCATION argument as sdt.h writes them for x86-64, e.g. "8@%rdi", "-4@$5", "8@-8(%rbp)". */
    private static final Pattern ARGUMENTS = Pattern.compile("(-?[1248]@\\S+)?( -?[1248]@\\S+)*");
    private static final Pattern READELF_NOTE = Pattern.compile(
            "Provider: (.*)\\n\\s*Name: (.*)\\n\\s*Location: 0x([0-9a-f]+), Base: 0x([0-9a-f]+), Semaphore: 0x([0-9a-f]+)"
                    + "\\n\\s*Arguments: ?(.*)");

    @Test
    void probesOfABuiltProgram(@TempDir Path dir) throws Exception {
        Path app = NativeBuild.app(dir, "app");
        UsdtNotes notes = UsdtNotes.read(app);
        assertTrue(notes.hasSection());
        assertEquals(4, notes.ids().size(), notes.ids().toString());
        assertEquals(Set.of("netcap_test:one", "netcap_test:bare", "netcap_test:burst", "netcap_test:gated"),
                Set.copyOf(notes.ids()));

        UsdtProbe one = single(notes, "one");
        assertEquals(2, one.argumentCount(), one.arguments());
        assertEquals(0, one.semaphore());
        assertEquals(0, single(notes, "bare").argumentCount());
        assertEquals("", single(notes, "bare").arguments());
        List<UsdtProbe> burst = notes.sites("netcap_test", "burst");
        assertEquals(2, burst.size(), "fired from two places");
        burst.forEach(p -> assertEquals(3, p.argumentCount(), p.arguments()));
        notes.probes().forEach(p -> assertTrue(ARGUMENTS.matcher(p.arguments()).matches(), p.arguments()));

        // The probe sits inside the function that fires it, and base is .stapsdt.base's own address.
        FunctionSymbol processOne = ElfSymbols.read(app).definitions("process_one").get(0);
        assertTrue(one.pc() >= processOne.address() && one.pc() < processOne.address() + processOne.size(),
                one + " inside " + processOne);
        try (ElfFile elf = ElfFile.open(app)) {
            long base = elf.section(".stapsdt.base").orElseThrow().address();
            notes.probes().forEach(p -> assertEquals(base, p.base(), p.toString()));
        }

        UsdtProbe gated = single(notes, "gated");
        Matcher semaphore = Pattern.compile("([0-9a-f]{16})\\s+2 OBJECT .* netcap_test_gated_semaphore")
                .matcher(NativeBuild.readelf("-s", "-W", app.toString()));
        assertTrue(semaphore.find(), "readelf lists the semaphore variable");
        assertEquals(Long.parseUnsignedLong(semaphore.group(1), 16), gated.semaphore());
    }

    @Test
    void hotspotProbesAreThoseReadelfLists() throws Exception {
        Path jvm = Path.of(System.getProperty("java.home"), "lib", "server", "libjvm.so");
        assumeTrue(Files.isReadable(jvm), "needs the test JVM's libjvm.so");
        List<UsdtProbe> expected = new ArrayList<>();
        Matcher m = READELF_NOTE.matcher(NativeBuild.readelf("-n", "-W", jvm.toString()));
        while (m.find()) {
            expected.add(new UsdtProbe(m.group(1), m.group(2), Long.parseUnsignedLong(m.group(3), 16),
                    Long.parseUnsignedLong(m.group(4), 16), Long.parseUnsignedLong(m.group(5), 16), m.group(6).strip()));
        }
        assumeTrue(!expected.isEmpty(), "this JVM was built without DTrace probes");
        assertEquals(expected, UsdtNotes.read(jvm).probes());
    }

    @Test
    void aFileWithoutTheSectionHasNoProbes() throws Exception {
        assumeTrue(Files.isReadable(ElfSymbolsTest.LIBC), "needs " + ElfSymbolsTest.LIBC);
        UsdtNotes notes = UsdtNotes.read(ElfSymbolsTest.LIBC);
        assumeTrue(!notes.hasSection(), "this libc was built with SDT probes");
        assertTrue(notes.probes().isEmpty());
        assertTrue(notes.sites("libc", "setjmp").isEmpty());
    }

    @Test
    void argumentsAreCountedBySpaces() {
        assertEquals(0, new UsdtProbe("p", "n", 1, 0, 0, "").argumentCount());
        assertEquals(1, new UsdtProbe("p", "n", 1, 0, 0, "8@%rdi").argumentCount());
        assertEquals(2, new UsdtProbe("p", "n", 1, 0, 0, "8@%rdi -2@%si").argumentCount());
        assertEquals(3, new UsdtProbe("p", "n", 1, 0, 0, " -4@$5  8@-8(%rbp) 8@(%rax,%rdx,8) ").argumentCount());
        assertEquals("p:n", new UsdtProbe("p", "n", 1, 0, 0, "").id());
    }

    @Test
    void aNoteRunningPastItsSectionIsMalformed(@TempDir Path dir) throws Exception {
        Path app = NativeBuild.app(dir, "app");
        long notesAt;
        try (ElfFile elf = ElfFile.open(app)) {
            notesAt = elf.section(UsdtNotes.SECTION).orElseThrow().offset();
        }
        byte[] bytes = Files.readAllBytes(app);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt((int) notesAt + 4, 1 << 20); // n_descsz
        Path broken = Files.write(dir.resolve("broken"), bytes);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UsdtNotes.read(broken));
        assertTrue(e.getMessage().startsWith("malformed .note.stapsdt: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    private static UsdtProbe single(UsdtNotes notes, String name) {
        List<UsdtProbe> sites = notes.sites("netcap_test", name);
        assertEquals(1, sites.size(), name + ": " + sites);
        return sites.get(0);
    }
}

package io.netcap.capture.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netcap.bpf.ElfFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DpdkVersion} on Debian's DPDK libraries (checked against what rte_version() itself
 * prints), on libraries gcc builds to look like older releases, and on running processes.
 */
class DpdkVersionTest {
    private static final Path EAL = Path.of("/usr/lib/x86_64-linux-gnu/librte_eal.so.23");
    private static final Path MBUF = Path.of("/usr/lib/x86_64-linux-gnu/librte_mbuf.so.23");

    /** Prints rte_version() ("DPDK 22.11.11"), then waits for stdin to close. */
    private static final String PRINTS_VERSION = """
            #include <stdio.h>
            #include <rte_version.h>

            int main(void)
            {
                char line[8];
                printf("%s\\n", rte_version());
                fflush(stdout);
                while (fgets(line, sizeof line, stdin))
                    ;
                return 0;
            }
            """;

    /** What librte_eal's own functions look like, for a release netcap must refuse. */
    private static final String OLD_RELEASE = """
            unsigned int rte_version_year(void) { return 16; }
            unsigned int rte_version_month(void) { return 11; }
            unsigned int rte_version_minor(void) { return 0; }
            """;

    @Test
    void librteEalTellsTheExactReleaseRteVersionPrints(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isReadable(EAL), "needs " + EAL + " (Debian package librte-eal23, from libdpdk-dev)");
        DpdkVersion version = DpdkVersion.ofFile(EAL).orElseThrow();
        assertTrue(version.exact());
        assertEquals(EAL, version.file());
        assertEquals(printedVersion(dir), version.toString());
        assertTrue(version.atLeast(17, 5));
        assertTrue(version.atLeast(version.year(), version.month()));
        assertFalse(version.atLeast(version.year(), version.month() + 1));
    }

    @Test
    void otherDpdkLibrariesGiveALowerBoundFromTheirAbiVersion() throws Exception {
        assumeTrue(Files.isReadable(EAL) && Files.isReadable(MBUF),
                "needs DPDK 22.11's libraries (Debian packages librte-eal23, librte-mbuf23)");
        DpdkVersion exact = DpdkVersion.ofFile(EAL).orElseThrow();
        DpdkVersion bound = DpdkVersion.ofFile(MBUF).orElseThrow();
        assertFalse(bound.exact());
        assertEquals(exact.year() * 100 + exact.month(), bound.year() * 100 + bound.month(),
                "22.11's ABI, DPDK_23, says 22.11: an LTS release");
        assertEquals("DPDK " + bound.year() + "." + String.format("%02d", bound.month()) + " or later", bound.toString());
        assertTrue(bound.atLeast(17, 5));
    }

    @Test
    void versionDefinitionsAreThoseReadelfLists() throws Exception {
        assumeTrue(Files.isReadable(EAL), "needs " + EAL + " (Debian package librte-eal23)");
        // "  0x001c: Rev: 1  Flags: none  Index: 2  Cnt: 1  Name: DPDK_23" (the BASE entry is the file's name)
        Matcher m = Pattern.compile("Flags: (\\S+)\\s+Index: \\d+\\s+Cnt: \\d+\\s+Name: (\\S+)")
                .matcher(NativeBuild.readelf("-V", "-W", EAL.toString()));
        List<String> expected = new ArrayList<>();
        while (m.find()) {
            if (!m.group(1).equals("BASE")) {
                expected.add(m.group(2));
            }
        }
        try (ElfFile elf = ElfFile.open(EAL)) {
            assertEquals(expected, VersionDefinitions.names(elf));
        }
        assertTrue(expected.contains("EXPERIMENTAL"), expected.toString());
    }

    @Test
    void theVersionFunctionsAreReadAsEachCompilerWritesThem(@TempDir Path dir) throws Exception {
        for (List<String> flags : List.of(List.of("-O2"), List.of("-O0"), List.of("-O2", "-fcf-protection=full"))) {
            List<String> all = new ArrayList<>(flags);
            all.addAll(List.of("-shared", "-fPIC"));
            String name = "librte_eal" + String.join("", flags).replace("=", "") + ".so";
            Path library = NativeBuild.gcc(dir, name, all, "old.c", OLD_RELEASE);
            DpdkVersion version = DpdkVersion.ofFile(library).orElseThrow(() -> new AssertionError(flags + ": none"));
            assertEquals("DPDK 16.11.0", version.toString(), flags.toString());
            assertTrue(version.exact());
            assertFalse(version.atLeast(17, 5), "16.11 is before 17.05");
        }
    }

    @Test
    void functionsThatComputeTheirResultAreNotGuessedAt(@TempDir Path dir) throws Exception {
        Path library = NativeBuild.gcc(dir, "librte_computed.so", List.of("-O2", "-shared", "-fPIC"), "computed.c", """
                unsigned int release[3] = { 22, 11, 1 };
                unsigned int rte_version_year(void) { return release[0]; }
                unsigned int rte_version_month(void) { return release[1]; }
                unsigned int rte_version_minor(void) { return release[2]; }
                """);
        assertEquals(Optional.empty(), DpdkVersion.ofFile(library));
    }

    @Test
    void versionNamesBeforeAndAfterTheAbiNumbering(@TempDir Path dir) throws Exception {
        Path map = Files.writeString(dir.resolve("old.map"), """
                DPDK_2.0 { global: rte_a; local: *; };
                DPDK_16.07 { global: rte_b; } DPDK_2.0;
                DPDK_17.02 { global: rte_c; } DPDK_16.07;
                """);
        Path library = NativeBuild.gcc(dir, "librte_old.so", List.of("-shared", "-fPIC", "-Wl,--version-script=" + map),
                "old-names.c", "int rte_a(void) { return 1; }\nint rte_b(void) { return 2; }\nint rte_c(void) { return 3; }\n");
        DpdkVersion old = DpdkVersion.ofFile(library).orElseThrow();
        assertEquals("DPDK 17.02 or later", old.toString());
        assertFalse(old.atLeast(17, 5), "a bound below 17.05 does not show 17.05");

        Path none = dir.resolve("x");
        assertEquals("DPDK 19.11 or later", DpdkVersion.fromVersionNames(List.of("DPDK_20.0", "EXPERIMENTAL"), none)
                .orElseThrow().toString(), "19.11 numbered its ABI 20.0");
        assertEquals("DPDK 19.11 or later", DpdkVersion.fromVersionNames(List.of("DPDK_20.0.2"), none)
                .orElseThrow().toString(), "20.05 kept 19.11's ABI");
        assertEquals("DPDK 20.11 or later", DpdkVersion.fromVersionNames(List.of("DPDK_2.0", "DPDK_21"), none)
                .orElseThrow().toString());
        assertEquals("DPDK 2.0 or later", DpdkVersion.fromVersionNames(List.of("DPDK_2.0"), none)
                .orElseThrow().toString());
        assertEquals(Optional.empty(), DpdkVersion.fromVersionNames(List.of("GLIBC_2.34", "INTERNAL"), none));
    }

    @Test
    void aProcessShowsTheDpdkItMaps(@TempDir Path dir) throws Exception {
        String printed = printedVersion(dir);
        Path app = dir.resolve("prints-version");
        try (NativeBuild.Running running = new NativeBuild.Running(app)) {
            assertEquals(printed, running.firstLine);
            DpdkVersion version = DpdkVersion.ofProcess(ProcessMaps.of(running.pid())).orElseThrow();
            assertTrue(version.exact());
            assertEquals(printed, version.toString());
            assertTrue(TargetFiles.fileName(version.file().toString()).startsWith("librte_eal.so"), version.file().toString());
        }
        assertEquals(Optional.empty(), DpdkVersion.ofProcess(ProcessMaps.of((int) ProcessHandle.current().pid())),
                "the test JVM has no DPDK");
    }

    /** Builds {@link #PRINTS_VERSION} into {@code dir} and returns what it prints. */
    private static String printedVersion(Path dir) throws Exception {
        assumeTrue(NativeBuild.onPath("pkg-config"), "needs pkg-config (Debian package pkgconf)");
        Process flags = new ProcessBuilder("pkg-config", "--cflags", "libdpdk").redirectErrorStream(true).start();
        String cflags = new String(flags.getInputStream().readAllBytes()).strip();
        assumeTrue(flags.waitFor() == 0, "needs DPDK's headers (Debian package libdpdk-dev): " + cflags);
        List<String> all = new ArrayList<>(List.of(cflags.split("\\s+")));
        all.add("-lrte_eal");
        Path app = NativeBuild.gcc(dir, "prints-version", all, "prints-version.c", PRINTS_VERSION);
        try (NativeBuild.Running running = new NativeBuild.Running(app)) {
            return running.firstLine;
        }
    }
}

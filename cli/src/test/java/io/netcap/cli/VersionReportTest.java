package io.netcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VersionReportTest {
    @TempDir
    Path dir;

    @Test
    void itNamesNetcapThenEachLibraryTheKernelAndTheJvm() throws Exception {
        List<String> lines = VersionReport.lines(new BuildInfo("0.2.0", "abc1234"));
        assertEquals("netcap version 0.2.0 (git abc1234)", lines.get(0));
        assertTrue(lines.get(1).startsWith("libbpf version "), lines.toString());
        assertTrue(lines.get(2).startsWith("libpcap version "), lines.toString());
        assertEquals("Linux kernel " + Files.readString(VersionReport.OSRELEASE).strip(), lines.get(3));
        assertTrue(lines.get(4).startsWith("Java " + Runtime.version().feature()), lines.toString());
    }

    @Test
    void aLibraryThatCannotBeLoadedIsSaidNotThrown() {
        assertEquals("libbpf: not found (the Debian package libbpf1 provides it)",
                VersionReport.library("libbpf", "libbpf1", () -> {
                    throw new UnsatisfiedLinkError("libbpf.so.1: cannot open shared object file");
                }));
    }

    @Test
    void withoutProcTheKernelIsUnknown() throws Exception {
        assertEquals("unknown", VersionReport.kernelRelease(dir.resolve("osrelease")));
        Files.writeString(dir.resolve("osrelease"), "6.1.0-26-amd64\n");
        assertEquals("6.1.0-26-amd64", VersionReport.kernelRelease(dir.resolve("osrelease")));
    }
}

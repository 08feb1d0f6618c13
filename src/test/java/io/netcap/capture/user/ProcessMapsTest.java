package io.netcap.capture.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netcap.capture.CaptureException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ProcessMaps} of the test JVM itself and of programs it starts, and of processes that are not there. */
class ProcessMapsTest {
    private static final int SELF = (int) ProcessHandle.current().pid();

    @Test
    void theTestJvmRunsJavaAndMapsLibc() throws Exception {
        ProcessMaps maps = ProcessMaps.of(SELF);
        assertEquals(SELF, maps.pid());
        assertEquals(Files.readSymbolicLink(Path.of("/proc/self/exe")).toString(), maps.executable().path());
        assertEquals(Path.of(maps.executable().path()), maps.executable().openPath());
        assertFalse(maps.executable().deleted());
        assertEquals(Files.readString(Path.of("/proc/self/comm")).strip(), maps.command());

        List<String> paths = maps.libraries().stream().map(ProcessMaps.MappedFile::path).toList();
        assertTrue(paths.stream().anyMatch(p -> p.endsWith("/libc.so.6")), paths.toString());
        assertTrue(paths.stream().anyMatch(p -> p.endsWith("/libjvm.so")), paths.toString());
        assertEquals(paths.size(), new HashSet<>(paths).size(), "each file once: " + paths);
        assertFalse(paths.contains(maps.executable().path()), "the program is not among its libraries");
        assertEquals(maps.executable(), maps.files().get(0));
        assertEquals(maps.libraries(), maps.files().subList(1, maps.files().size()));
    }

    @Test
    void librariesComeInMapOrder(@TempDir Path dir) throws Exception {
        // A program that maps nothing more once running (the JVM loads libraries as it goes).
        Path app = NativeBuild.app(dir, "app");
        try (NativeBuild.Running running = new NativeBuild.Running(app)) {
            ProcessMaps maps = ProcessMaps.of(running.pid());
            String text = Files.readString(Path.of("/proc/" + running.pid() + "/maps"));
            List<String> paths = maps.libraries().stream().map(ProcessMaps.MappedFile::path).toList();
            assertTrue(paths.stream().anyMatch(p -> p.endsWith("/libc.so.6")), paths.toString());
            assertEquals(app.toString(), maps.executable().path());
            // The distinct paths of the executable lines, in file order (no path here has a space).
            List<String> expected = text.lines().map(l -> l.split("\\s+"))
                    .filter(f -> f.length == 6 && f[1].charAt(2) == 'x' && f[5].startsWith("/"))
                    .map(f -> f[5]).distinct().filter(p -> !p.equals(app.toString())).toList();
            assertEquals(expected, paths, text);
        }
    }

    @Test
    void mapsLinesAreReadAsProc5DescribesThem() {
        ProcessMaps.MappedFile libc = ProcessMaps.parse(
                "7f3c1c228000-7f3c1c3bd000 r-xp 00028000 fe:01 1831                       /usr/lib/x86_64-linux-gnu/libc.so.6",
                null);
        assertEquals(new ProcessMaps.MappedFile("/usr/lib/x86_64-linux-gnu/libc.so.6",
                Path.of("/usr/lib/x86_64-linux-gnu/libc.so.6"), false), libc);
        assertNull(ProcessMaps.parse("7f3c1c200000-7f3c1c228000 r--p 00000000 fe:01 1831   /usr/lib/x86_64-linux-gnu/libc.so.6",
                null), "not executable");
        assertNull(ProcessMaps.parse("7f3c1c400000-7f3c1c500000 rwxp 00000000 00:00 0 ", null), "anonymous");
        assertNull(ProcessMaps.parse("7f3c1c400000-7f3c1c500000 rwxp 00000000 00:00 0", null), "anonymous, no padding");
        assertNull(ProcessMaps.parse("7ffd5a9f0000-7ffd5a9f2000 r-xp 00000000 00:00 0                          [vdso]",
                null));

        ProcessMaps.MappedFile spaced = ProcessMaps.parse(
                "55d0a4a00000-55d0a4a01000 r-xp 00001000 fe:01 99  /opt/my app/bin/the app (deleted)", null);
        assertEquals("/opt/my app/bin/the app", spaced.path());
        assertTrue(spaced.deleted());

        ProcessMaps.MappedFile contained = ProcessMaps.parse(
                "55d0a4a00000-55d0a4a01000 r-xp 00001000 fe:01 99  /usr/sbin/nginx", Path.of("/proc/42/root"));
        assertEquals("/usr/sbin/nginx", contained.path());
        assertEquals(Path.of("/proc/42/root/usr/sbin/nginx"), contained.openPath(), "another mount namespace");
    }

    @Test
    void noSuchProcessIsTheUsersMistake() throws Exception {
        // PIDs are below pid_max, so no process has that one. Read in one go: a sysctl file answers
        // only a read at offset 0, and Files.readString of a 0-size file reads one byte first.
        int pidMax;
        try (java.io.InputStream in = Files.newInputStream(Path.of("/proc/sys/kernel/pid_max"))) {
            pidMax = Integer.parseInt(new String(in.readNBytes(64), java.nio.charset.StandardCharsets.US_ASCII).strip());
        }
        CaptureException e = assertThrows(CaptureException.class, () -> ProcessMaps.of(pidMax));
        assertEquals(CaptureException.Kind.USAGE, e.kind());
        assertEquals("no process with PID " + pidMax + " (has it exited?)", e.getMessage());

        for (int pid : new int[] {0, -7}) {
            CaptureException bad = assertThrows(CaptureException.class, () -> ProcessMaps.of(pid));
            assertEquals(CaptureException.Kind.USAGE, bad.kind());
            assertTrue(bad.getMessage().contains("not a process ID"), bad.getMessage());
        }
    }

    @Test
    void aKernelThreadHasNothingToProbe() throws Exception {
        Path comm = Path.of("/proc/2/comm");
        assumeTrue(Files.isReadable(comm) && Files.readString(comm).strip().equals("kthreadd"),
                "PID 2 is not kthreadd here (a PID namespace?)");
        CaptureException e = assertThrows(CaptureException.class, () -> ProcessMaps.of(2));
        assertEquals(CaptureException.Kind.USAGE, e.kind());
        assertTrue(e.getMessage().contains("kernel thread"), e.getMessage());
    }

    @Test
    void aDeletedProgramIsStillReachedThroughProcExe(@TempDir Path dir) throws Exception {
        Path app = NativeBuild.app(dir, "app");
        try (NativeBuild.Running running = new NativeBuild.Running(app)) {
            assertEquals("ready", running.firstLine);
            Files.delete(app);
            ProcessMaps maps = ProcessMaps.of(running.pid());
            assertEquals(app.toString(), maps.executable().path());
            assertTrue(maps.executable().deleted());
            assertEquals(Path.of("/proc", Integer.toString(running.pid()), "exe"), maps.executable().openPath());
            assertTrue(ElfSymbols.read(maps.executable().openPath()).definitions("process_one").size() == 1,
                    "the deleted program's symbols are still readable");
        }
    }
}

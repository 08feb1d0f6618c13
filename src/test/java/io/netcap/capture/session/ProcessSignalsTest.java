package io.netcap.capture.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a capture's process does with SIGINT when it starts ignored (as a script's background
 * job does) and with a stdout whose reader leaves, tried in child JVMs ({@link ProcessProbe}).
 * The end-to-end versions through real shells are in cli's ShellIT.
 */
class ProcessSignalsTest {
    /** SIGINT's bit in /proc/PID/status SigIgn (signal 2 is bit 1). */
    private static final long SIGINT_BIT = 1L << 1;

    @TempDir
    Path dir;

    /** A JVM running the probe, with SIGINT ignored when {@code ignoreInt} (bash's trap '' INT, then exec). */
    private static ProcessBuilder probe(boolean ignoreInt, String... args) {
        List<String> java = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), ProcessProbe.class.getName()));
        java.addAll(List.of(args));
        if (!ignoreInt) {
            return new ProcessBuilder(java);
        }
        List<String> shell = new ArrayList<>(List.of("bash", "-c", "trap '' INT; exec \"$@\"", "probe"));
        shell.addAll(java);
        return new ProcessBuilder(shell);
    }

    private static BufferedReader awaitReady(Process p) throws IOException {
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        assertEquals("ready", err.readLine(), "the probe's first line");
        return err;
    }

    private static long sigIgn(long pid) throws IOException {
        for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("SigIgn:")) {
                return Long.parseUnsignedLong(line.substring("SigIgn:".length()).strip(), 16);
            }
        }
        throw new AssertionError("no SigIgn in /proc/" + pid + "/status");
    }

    private static void kill(String signal, long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor());
    }

    private static int exit(Process p, long seconds) throws InterruptedException {
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("the probe did not exit within " + seconds + " s");
        }
        return p.exitValue();
    }

    @Test
    void sigintIgnoredAtStartStillStopsAndASecondOneExitsAtOnce() throws Exception {
        Process p = probe(true, "stop-signal").start();
        try {
            BufferedReader err = awaitReady(p);
            assertEquals(0, sigIgn(p.pid()) & SIGINT_BIT, "SIGINT no longer ignored once netcap handles it");
            kill("INT", p.pid());
            assertEquals("stopping", err.readLine(), "the first SIGINT asks the capture to stop");
            Thread.sleep(StopSignal.REPEAT_NANOS / 1_000_000 + 100);
            kill("INT", p.pid());
            assertEquals(130, exit(p, 5), "a second SIGINT exits at once with 128 + 2");
        } finally {
            p.destroyForcibly();
        }
    }

    /** timeout(1) signals netcap, then its process group: two signals microseconds apart are one request. */
    @Test
    void aSignalDeliveredTwiceAtOnceIsOneRequest() throws Exception {
        Process p = probe(true, "stop-signal").start();
        try {
            BufferedReader err = awaitReady(p);
            assertEquals(0, new ProcessBuilder("bash", "-c", "kill -INT " + p.pid() + "; kill -INT " + p.pid())
                    .start().waitFor());
            assertEquals("stopping", err.readLine());
            assertTrue(p.isAlive() && !p.waitFor(1, TimeUnit.SECONDS), "still stopping, not cut short");
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * The JVM's signal thread can run the second of timeout(1)'s deliveries after the capture has
     * closed: a repeat then is ignored, not taken for a signal before capture (exit 130).
     */
    @Test
    void aRepeatAfterTheCaptureClosedIsIgnored() throws Exception {
        Process p = probe(true, "stop-then-close").start();
        try {
            BufferedReader err = awaitReady(p);
            kill("INT", p.pid());
            assertEquals("closed", err.readLine());
            kill("INT", p.pid());
            kill("TERM", p.pid());
            assertEquals(0, exit(p, 10), "the stopped capture's own status");
            assertEquals(null, err.readLine(), "nothing said about the repeat");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aSpawnHelperKilledBySignalIsThatSignal() {
        assertEquals(java.util.OptionalInt.of(2), StopSignal.killedSpawnHelper(
                "Cannot run program \"/usr/bin/setsid\": error=0, Failed to exec spawn helper: pid: 1988, signal: 2"));
        assertEquals(java.util.OptionalInt.empty(), StopSignal.killedSpawnHelper(
                "Cannot run program \"tcpdump\": error=2, No such file or directory"));
    }

    /** A SIGINT while netcap starts (long filter, clang, load) is not lost where it was ignored: netcap ends. */
    @Test
    void aSigintDuringStartUpEndsNetcap() throws Exception {
        Process p = probe(true, "start-up").start();
        try {
            BufferedReader err = awaitReady(p);
            kill("INT", p.pid());
            assertEquals(130, exit(p, 5));
            assertEquals("netcap: stopped by SIGINT before capturing started", err.readLine());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void anIgnoredSigintIsIgnoredAgainAfterTheCapture() throws Exception {
        Process p = probe(true, "restore").start();
        try {
            BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
            String line = err.readLine();
            assertEquals(0, exit(p, 30));
            assertTrue(line != null && line.startsWith("SigIgn:"), String.valueOf(line));
            long ignored = Long.parseUnsignedLong(line.substring("SigIgn:".length()).strip(), 16);
            assertEquals(SIGINT_BIT, ignored & SIGINT_BIT, line);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void sigintNotIgnoredKeepsWorking() throws Exception {
        Process p = probe(false, "stop-signal").start();
        try {
            BufferedReader err = awaitReady(p);
            kill("INT", p.pid());
            assertEquals("stopping", err.readLine());
            Thread.sleep(StopSignal.REPEAT_NANOS / 1_000_000 + 100);
            kill("TERM", p.pid());
            assertEquals(143, exit(p, 5), "a SIGTERM while stopping exits at once with 128 + 15");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aPipeWhoseReaderClosedIsSeenAsGone() throws Exception {
        Process p = probe(false, "stdout-reader", "20000").start();
        try {
            awaitReady(p);
            p.getInputStream().close(); // the only read end of the child's stdout pipe
            assertEquals(0, exit(p, 10), "the probe saw the reader of its stdout go");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aFileOrDevNullNeverLosesItsReader() throws Exception {
        for (ProcessBuilder.Redirect to : List.of(ProcessBuilder.Redirect.to(dir.resolve("out").toFile()),
                ProcessBuilder.Redirect.DISCARD)) {
            Process p = probe(false, "stdout-reader", "500").redirectOutput(to).start();
            try {
                awaitReady(p);
                assertEquals(ProcessProbe.READER_STAYED, exit(p, 30), "stdout " + to);
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void anOpenPipeIsNotGone() throws Exception {
        Process p = probe(false, "stdout-reader", "500").start();
        try {
            awaitReady(p);
            assertEquals(ProcessProbe.READER_STAYED, exit(p, 30));
        } finally {
            p.destroyForcibly();
        }
    }
}

package io.netcap.capture.session;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A separate JVM for {@link ProcessSignalsTest}: signal dispositions and fd 1 belong to the
 * whole process, so they are tried in a child started the way the test needs (SIGINT ignored,
 * stdout a pipe). Says "ready" on stderr once set up; the exit code tells what happened.
 */
public final class ProcessProbe {
    static final int NOT_SIGNALLED = 3;
    static final int READER_STAYED = 4;

    private ProcessProbe() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "stop-signal" -> stopSignal();
            case "stop-then-close" -> stopThenClose();
            case "restore" -> restore();
            case "start-up" -> startUp();
            case "stdout-reader" -> stdoutReader(Long.parseLong(args[1]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /** Exits 0 on the first SIGINT after a slow "close" that a second SIGINT must cut short. */
    private static void stopSignal() throws InterruptedException {
        StopSignal stop = StopSignal.install();
        ready();
        awaitStopRequest(stop);
        System.err.println("stopping");
        System.err.flush();
        Thread.sleep(10_000); // a second signal exits at once, with 128 + its number
        System.exit(0);
    }

    /**
     * A capture stopped by SIGINT that then closes ("closed"), and exits 0 after 2 s unless a
     * signal that arrives after the close (a late repeat) ends it first.
     */
    private static void stopThenClose() throws InterruptedException {
        StopSignal stop = StopSignal.install();
        ready();
        awaitStopRequest(stop);
        stop.uninstall();
        System.err.println("closed");
        System.err.flush();
        Thread.sleep(2_000);
        System.exit(0);
    }

    /** Waits up to 10 s for a signal to ask the capture to stop; exits NOT_SIGNALLED if none does. */
    private static void awaitStopRequest(StopSignal stop) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!stop.requested()) {
            if (System.nanoTime() > deadline) {
                System.exit(NOT_SIGNALLED);
            }
            Thread.sleep(10);
        }
    }

    /** Takes the signals over as a capture command starts, then "compiles" for 10 s (no capture loaded yet). */
    private static void startUp() throws InterruptedException {
        StopSignal.takeOver();
        ready();
        Thread.sleep(10_000);
        System.exit(NOT_SIGNALLED);
    }

    /** Installs and uninstalls, then prints the SigIgn line of /proc/self/status. */
    private static void restore() throws Exception {
        StopSignal.install().uninstall();
        Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("SigIgn:"))
                .forEach(System.err::println);
    }

    /** Exits 0 once the reader of stdout is gone, READER_STAYED if it is still there after the wait. */
    private static void stdoutReader(long waitMillis) throws InterruptedException {
        ready();
        long deadline = System.nanoTime() + waitMillis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (StdoutReader.gone()) {
                System.exit(0);
            }
            Thread.sleep(10);
        }
        System.exit(READER_STAYED);
    }

    private static void ready() {
        System.err.println("ready");
        System.err.flush();
    }
}

package io.netcap.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How long each step of start-up took, for --debug and the benchmark's start-up table: a capture
 * is ready only once the JVM, the command line, the filter, the hooks, clang (or the object
 * cache), the verifier and the attach are behind it, and a single "time to listening" hides which
 * of them a slower machine pays for. One process runs one start-up, so the record is static;
 * phases are marked from the thread that starts the capture.
 */
public final class StartupPhases {
    private record Phase(String name, long endNanos, String detail) {
    }

    private static final List<Phase> PHASES = new ArrayList<>();
    private static long mainNanos = Long.MIN_VALUE;
    /** proc(5): starttime is the 22nd field of /proc/PID/stat. */
    private static final int STARTTIME_FIELD = 22;

    private StartupPhases() {
    }

    /**
     * Called first thing in main: the JVM's own start-up ends here. Only the time is taken; the
     * process's start is read from /proc when a summary is asked for (--debug), not on every start.
     */
    public static synchronized void mainStarted() {
        mainNanos = System.nanoTime();
    }

    /**
     * How long ago this process started, to 10 ms, or -1 when unknown: the seconds since boot
     * (/proc/uptime, in hundredths) less the process's start in clock ticks since boot
     * (/proc/self/stat field 22; USER_HZ is 100 on Linux). ProcessHandle's start instant is
     * reckoned from the boot time in whole seconds (/proc/stat btime), which made "jvm" up to a
     * second too long.
     */
    static long processAgeNanos() {
        try {
            String uptime = Files.readString(Path.of("/proc/uptime"));
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // fields after the command name, which is in parentheses and may hold spaces
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            long startTicks = Long.parseLong(f[STARTTIME_FIELD - 3]);
            long sinceBootCentis = Math.round(Double.parseDouble(uptime.substring(0, uptime.indexOf(' '))) * 100);
            return (sinceBootCentis - startTicks) * 10_000_000L;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The step called {@code name} ended now (it began where the previous one ended). */
    public static void mark(String name) {
        mark(name, null);
    }

    /** As {@link #mark(String)}, with a word about how it went ("cached", "3 hooks"). */
    public static synchronized void mark(String name, String detail) {
        PHASES.add(new Phase(name, System.nanoTime(), detail));
    }

    /**
     * "jvm 312 ms, options 41 ms, filter 9 ms, …; ready after 830 ms", or null when main was not
     * marked (an embedded use, a test).
     */
    public static synchronized String summary() {
        if (mainNanos == Long.MIN_VALUE) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        long age = processAgeNanos();
        long start = age < 0 ? mainNanos : System.nanoTime() - age;
        if (age >= 0) {
            sb.append("jvm ").append(millis(mainNanos - start));
        }
        long previous = mainNanos;
        for (Phase p : PHASES) {
            sb.append(sb.length() == 0 ? "" : ", ").append(p.name()).append(' ').append(millis(p.endNanos() - previous));
            if (p.detail() != null) {
                sb.append(" (").append(p.detail()).append(')');
            }
            previous = p.endNanos();
        }
        return sb.append("; ready after ").append(millis(previous - start)).toString();
    }

    private static String millis(long nanos) {
        return (nanos + 500_000) / 1_000_000 + " ms";
    }

    /** Forgets what was marked (tests). */
    static synchronized void reset() {
        PHASES.clear();
        mainNanos = Long.MIN_VALUE;
    }
}

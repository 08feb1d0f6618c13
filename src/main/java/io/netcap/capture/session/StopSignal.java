package io.netcap.capture.session;

import io.netcap.bpf.ProcessLibc;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM ask the capture loop to stop, so it can detach, drain, flush and
 * summarise before exiting, instead of the JVM exiting under it. A second signal while
 * stopping (half a second or more after the first) exits at once (the kernel then detaches the
 * programs as their descriptors close). Before a capture is loaded, a signal ends netcap at once.
 *
 * <p>A signal that is ignored when netcap starts is taken over all the same, as tcpdump does:
 * a non-interactive shell starts its background jobs ({@code netcap … &}) with SIGINT ignored,
 * and scripts stop them with {@code kill -INT}. The JVM will not handle a signal that is
 * ignored at the time (it quietly keeps it ignored), so such a signal is first set back to its
 * default action, then handled. The original disposition is restored on {@link #uninstall()}.
 */
public final class StopSignal {
    private static final String[] SIGNALS = {"INT", "TERM"};
    /**
     * A repeat this close to the first signal is the same request delivered twice, not an
     * impatient second Ctrl-C: timeout(1) signals netcap and then its whole process group, and a
     * terminal's Ctrl-C reaches every process of the foreground group. Measured between
     * timeout's two deliveries: microseconds.
     */
    static final long REPEAT_NANOS = 500_000_000L;
    private static final SignalHandler[] PREVIOUS = new SignalHandler[SIGNALS.length];
    private static boolean takenOver;
    /** The running capture's, from load to close; null during start-up and once it is over. */
    private static volatile StopSignal active;
    /** Whether a signal before capture is already ending netcap (it says so once). */
    private static final java.util.concurrent.atomic.AtomicBoolean ENDING = new java.util.concurrent.atomic.AtomicBoolean();
    /**
     * A capture stopped by a signal has closed: netcap is exiting with that capture's status. A
     * signal dispatched from now on is the same request again, late, not a new one: the JVM hands
     * signals to a thread of its own, which on a loaded machine can run timeout(1)'s second
     * delivery after the capture has closed. Treated as a start-up signal it ended a complete
     * capture with 130 and "before capturing started" (a fresh user's review, load 7).
     */
    private static volatile boolean over;

    private volatile boolean requested;
    private volatile long firstNanos;

    private StopSignal() {
    }

    /**
     * Takes SIGINT and SIGTERM over for the whole run, at the start of a capture command, so that
     * a signal during start-up (compiling a long filter, clang, loading) is not lost where it
     * was ignored: then netcap ends at once, as the default action would, since nothing is
     * loaded yet that needs draining or flushing. Idempotent.
     */
    public static synchronized void takeOver() {
        if (takenOver) {
            return;
        }
        for (int i = 0; i < SIGNALS.length; i++) {
            Signal signal = new Signal(SIGNALS[i]);
            SignalHandler handler = StopSignal::dispatch;
            PREVIOUS[i] = Signal.handle(signal, handler);
            if (PREVIOUS[i] == SignalHandler.SIG_IGN) {
                // The JVM returned without installing anything: un-ignore, then install for real.
                ProcessLibc.resetSignalToDefault(signal.getNumber());
                Signal.handle(signal, handler);
            }
        }
        takenOver = true;
    }

    /** From here on (a program is being loaded) a signal asks this capture to stop. */
    static StopSignal install() {
        takeOver();
        StopSignal s = new StopSignal();
        active = s;
        return s;
    }

    /**
     * The signal that killed the JVM's process-spawn helper, from the message of the IOException
     * ProcessBuilder.start() then throws ("Failed to exec spawn helper: pid: 1988, signal: 2"), or
     * empty. A Ctrl-C (or timeout(1)) signals the whole process group, the helper too, while
     * netcap starts its tcpdump; that is the signal netcap was asked to stop by, not a tcpdump
     * that cannot run.
     */
    public static OptionalInt killedSpawnHelper(String message) {
        Matcher m = SpawnMessage.SIGNALLED.matcher(String.valueOf(message));
        return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    /**
     * Compiled when first asked for, not with StopSignal: the class is loaded first thing in every
     * capture, and the regex engine's first compile costs ~6 ms of that start (async-profiler).
     */
    private static final class SpawnMessage {
        /** ProcessBuilder.start()'s message when the spawn helper died of a signal (JDK 17, jspawnhelper). */
        static final Pattern SIGNALLED = Pattern.compile("spawn helper: pid: \\d+, signal: (\\d+)");
    }

    /** Ends netcap as a signal before capture does: one line, exit 128 + the signal's number. */
    public static void endBeforeCapture(int signalNumber) {
        // Signals come in on threads of their own: the first to get here speaks and halts; the
        // rest (two timeouts in a row, a Ctrl-C's group signal and a kill) wait for the halt.
        if (!ENDING.compareAndSet(false, true)) {
            while (true) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    // the halt is under way
                }
            }
        }
        String name = signalNumber == 2 ? "INT" : signalNumber == 15 ? "TERM" : Integer.toString(signalNumber);
        System.err.println("netcap: stopped by SIG" + name + " before capturing started");
        System.err.flush();
        Runtime.getRuntime().halt(128 + signalNumber);
    }

    private static void dispatch(Signal sig) {
        StopSignal s = active;
        if (s == null && over) {
            return;
        }
        if (s == null) {
            endBeforeCapture(sig.getNumber());
        }
        s.onSignal(sig);
    }

    private void onSignal(Signal sig) {
        long now = System.nanoTime();
        if (!requested) {
            firstNanos = now;
            requested = true;
        } else if (now - firstNanos >= REPEAT_NANOS) {
            Runtime.getRuntime().halt(128 + sig.getNumber());
        }
    }

    boolean requested() {
        return requested;
    }

    /**
     * The capture is over: the signals go back to what they were when netcap started, except
     * after a stop by signal, when netcap keeps them and ignores them ({@link #over}): restored,
     * a late repeat would end the exiting process by the default action, 130 after a complete
     * capture.
     */
    void uninstall() {
        synchronized (StopSignal.class) {
            if (active == this) {
                active = null;
            }
            if (requested) {
                over = true;
                return;
            }
            if (!takenOver) {
                return;
            }
            for (int i = 0; i < SIGNALS.length; i++) {
                if (PREVIOUS[i] != null) {
                    Signal.handle(new Signal(SIGNALS[i]), PREVIOUS[i]);
                }
            }
            takenOver = false;
        }
    }
}

package io.netcap.capture.session;

import io.netcap.bpf.ProcessLibc;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM ask the capture loop to stop, so it can detach, drain, flush and
 * summarise before exiting, instead of the JVM exiting under it. A second signal while
 * stopping exits at once (the kernel then detaches the programs as their descriptors close).
 *
 * <p>A signal that is ignored when netcap starts is taken over all the same, as tcpdump does:
 * a non-interactive shell starts its background jobs ({@code netcap … &}) with SIGINT ignored,
 * and scripts stop them with {@code kill -INT}. The JVM will not handle a signal that is
 * ignored at the time (it quietly keeps it ignored), so such a signal is first set back to its
 * default action, then handled. The original disposition is restored on {@link #uninstall()}.
 */
final class StopSignal {
    private static final String[] SIGNALS = {"INT", "TERM"};

    private volatile boolean requested;
    private final SignalHandler[] previous = new SignalHandler[SIGNALS.length];

    static StopSignal install() {
        StopSignal s = new StopSignal();
        for (int i = 0; i < SIGNALS.length; i++) {
            Signal signal = new Signal(SIGNALS[i]);
            SignalHandler handler = s::onSignal;
            s.previous[i] = Signal.handle(signal, handler);
            if (s.previous[i] == SignalHandler.SIG_IGN) {
                // The JVM returned without installing anything: un-ignore, then install for real.
                ProcessLibc.resetSignalToDefault(signal.getNumber());
                Signal.handle(signal, handler);
            }
        }
        return s;
    }

    private void onSignal(Signal sig) {
        if (requested) {
            Runtime.getRuntime().halt(128 + sig.getNumber());
        }
        requested = true;
    }

    boolean requested() {
        return requested;
    }

    void uninstall() {
        for (int i = 0; i < SIGNALS.length; i++) {
            if (previous[i] != null) {
                Signal.handle(new Signal(SIGNALS[i]), previous[i]);
            }
        }
    }
}

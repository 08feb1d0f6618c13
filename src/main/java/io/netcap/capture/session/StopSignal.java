package io.netcap.capture.session;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM ask the capture loop to stop, so it can detach, drain, flush and
 * summarise before exiting, instead of the JVM exiting under it. A second signal while
 * stopping exits at once (the kernel then detaches the programs as their descriptors close).
 */
final class StopSignal {
    private static final String[] SIGNALS = {"INT", "TERM"};

    private volatile boolean requested;
    private final SignalHandler[] previous = new SignalHandler[SIGNALS.length];

    static StopSignal install() {
        StopSignal s = new StopSignal();
        for (int i = 0; i < SIGNALS.length; i++) {
            s.previous[i] = Signal.handle(new Signal(SIGNALS[i]), sig -> s.onSignal(sig));
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

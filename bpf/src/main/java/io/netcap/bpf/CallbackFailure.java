package io.netcap.bpf;

/**
 * Carries an exception out of a native callback. Unwinding a Java exception through libbpf's C
 * frames is not possible, so callbacks stash it here and the polling method rethrows it.
 */
final class CallbackFailure {
    private Throwable stashed;

    /** Keeps the first failure; later ones are attached to it as suppressed. */
    void stash(Throwable t) {
        if (stashed == null) {
            stashed = t;
        } else if (stashed != t) {
            stashed.addSuppressed(t);
        }
    }

    boolean isSet() {
        return stashed != null;
    }

    /** Rethrows (and clears) a stashed failure, unchanged if unchecked. */
    void rethrow() {
        Throwable t = stashed;
        if (t == null) {
            return;
        }
        stashed = null;
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("record consumer failed", t);
    }
}

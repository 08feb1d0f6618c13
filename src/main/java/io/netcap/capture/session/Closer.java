package io.netcap.capture.session;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Runs the steps of a shutdown in order, each even when an earlier one failed, and then throws
 * the first failure with the later ones added as suppressed: a failing detach must not leave
 * the pcap file unflushed or the program loaded.
 */
final class Closer {
    interface Step {
        void run() throws Exception;
    }

    private Throwable first;

    void run(Step step) {
        try {
            step.run();
        } catch (Throwable t) {
            if (first == null) {
                first = t;
            } else if (first != t) {
                first.addSuppressed(t);
            }
        }
    }

    /** Throws the first failure, if any. */
    void finish() throws IOException {
        if (first == null) {
            return;
        }
        if (first instanceof IOException e) {
            throw e;
        }
        if (first instanceof RuntimeException e) {
            throw e;
        }
        if (first instanceof Error e) {
            throw e;
        }
        throw new UncheckedIOException(new IOException(first));
    }
}

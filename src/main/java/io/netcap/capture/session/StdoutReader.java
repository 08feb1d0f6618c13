package io.netcap.capture.session;

import io.netcap.bpf.ProcessLibc;

/**
 * Whether the reader of netcap's standard output went away: {@code netcap … | head -n 3} after
 * head exited, a closed terminal or socket. Asked by the capture loop every poll, so a capture
 * whose output nobody reads any more ends even when no further packet would make a write fail.
 */
final class StdoutReader {
    private static final int STDOUT_FD = 1;

    private StdoutReader() {
    }

    /**
     * True when fd 1 is a pipe without a reader, a socket or terminal whose other end closed, or
     * not open at all. A regular file or /dev/null never counts as gone.
     */
    static boolean gone() {
        return (ProcessLibc.pollErrors(STDOUT_FD) & (ProcessLibc.POLLERR | ProcessLibc.POLLHUP | ProcessLibc.POLLNVAL))
                != 0;
    }
}

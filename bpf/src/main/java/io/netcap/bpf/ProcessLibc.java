package io.netcap.bpf;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Process-level libc calls Java does not offer, on the libc binding this package loads for
 * its ring buffers anyway (a binding of its own would cost 50-100 ms of code generation the first
 * time it is used): setting a signal back to its default action, and asking poll(2), without
 * waiting, whether the other end of a descriptor went away; and whether a descriptor is a
 * terminal (System.console() answers only for stdin and stdout together).
 */
public final class ProcessLibc {
    // <poll.h>: the same values on every Linux architecture
    public static final int POLLERR = 0x008;
    public static final int POLLHUP = 0x010;
    public static final int POLLNVAL = 0x020;

    private static final long SIG_DFL = 0;
    private static final long SIG_ERR = -1;
    /** struct pollfd: int fd, short events, short revents. */
    private static final int POLLFD_SIZE = 8;
    private static final int REVENTS_OFFSET = 6;

    private ProcessLibc() {
    }

    /**
     * Sets {@code signum} to its default action, e.g. to undo the SIG_IGN that a shell gives the
     * background jobs of a script.
     *
     * @throws BpfException if the kernel refuses (an invalid or uncatchable signal)
     */
    public static void resetSignalToDefault(int signum) {
        if (NativeLibc.LIB.signal(signum, SIG_DFL) == SIG_ERR) {
            throw BpfException.of("signal(" + signum + ", SIG_DFL)", NativeLibc.lastError());
        }
    }

    /**
     * What poll(2) reports at once on {@code fd} when asked for no events: only the conditions it
     * always reports, {@link #POLLERR} (a pipe whose readers all closed it), {@link #POLLHUP} (a
     * socket or terminal whose other end closed) and {@link #POLLNVAL} (fd not open); 0 when none.
     *
     * @throws BpfException if poll itself fails
     */
    public static int pollErrors(int fd) {
        Pointer pollfd = Memory.allocateDirect(NativeLibc.RUNTIME, POLLFD_SIZE, true);
        pollfd.putInt(0, fd);
        int ready = NativeLibc.check("poll(" + fd + ")", NativeLibc.LIB.poll(pollfd, 1, 0));
        return ready == 0 ? 0 : Short.toUnsignedInt(pollfd.getShort(REVENTS_OFFSET));
    }

    /** Whether {@code fd} is open on a terminal (isatty(3)); false for pipes, files and closed descriptors. */
    public static boolean isTerminal(int fd) {
        return NativeLibc.LIB.isatty(fd) == 1;
    }
}

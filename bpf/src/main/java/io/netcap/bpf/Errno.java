package io.netcap.bpf;

/** The few Linux errno values the wrappers treat specially. */
public final class Errno {
    static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    static final int EINTR = 4;
    static final int EINVAL = 22;
    static final int ENOSPC = 28;
    static final int ECANCELED = 125;

    private Errno() {
    }
}

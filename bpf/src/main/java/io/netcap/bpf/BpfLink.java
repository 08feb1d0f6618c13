package io.netcap.bpf;

import jnr.ffi.Pointer;

/**
 * An attachment of a program to a hook. The {@link BpfObject} the program belongs to owns it:
 * {@link BpfObject#detachAll()} and {@link BpfObject#close()} destroy it, so callers need not
 * keep links of their own. Closing one early is allowed; closing twice is harmless.
 */
public final class BpfLink implements AutoCloseable {
    /**
     * How a link is destroyed: libbpf's {@code bpf_link__destroy}, or a stand-in in tests that
     * need a detach to fail. Returns 0 or a negative errno, like the C function.
     */
    @FunctionalInterface
    interface Destroyer {
        int destroy(Pointer link);
    }

    private final String description;
    private final Destroyer destroyer;
    private Pointer handle;

    BpfLink(String description, Pointer handle) {
        this(description, handle, NativeLibbpf.LIB::bpf_link__destroy);
    }

    BpfLink(String description, Pointer handle, Destroyer destroyer) {
        this.description = description;
        this.handle = handle;
        this.destroyer = destroyer;
    }

    /** e.g. {@code "capture_0 -> tracepoint skb/kfree_skb"}. */
    public String description() {
        return description;
    }

    public boolean isClosed() {
        return handle == null;
    }

    /**
     * Detaches the program and frees the link; does nothing if already closed.
     *
     * @throws BpfException if the kernel refused the detach. The link counts as closed anyway:
     *                      bpf_link__destroy frees it whatever the detach returned, so there is
     *                      nothing left to retry with.
     */
    @Override
    public void close() {
        if (handle == null) {
            return;
        }
        Pointer link = handle;
        handle = null;
        NativeLibbpf.check("detach " + description, destroyer.destroy(link));
    }

    @Override
    public String toString() {
        return description;
    }
}

package io.netcap.bpf;

import jnr.ffi.Pointer;

/** An attachment of a program to a hook. Closing detaches it; closing twice is harmless. */
public final class BpfLink implements AutoCloseable {
    private final String description;
    private Pointer handle;

    BpfLink(String description, Pointer handle) {
        this.description = description;
        this.handle = handle;
    }

    /** e.g. {@code "capture_0 -> tracepoint skb/kfree_skb"}. */
    public String description() {
        return description;
    }

    public boolean isClosed() {
        return handle == null;
    }

    @Override
    public void close() {
        if (handle == null) {
            return;
        }
        Pointer link = handle;
        handle = null;
        NativeLibbpf.check("detach " + description, NativeLibbpf.LIB.bpf_link__destroy(link));
    }

    @Override
    public String toString() {
        return description;
    }
}

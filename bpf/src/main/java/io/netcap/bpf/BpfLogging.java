package io.netcap.bpf;

/**
 * Whether libbpf prints its own diagnostics to stderr. Off by default (the tool prints one-line
 * errors of its own); {@code --debug} turns it on to see libbpf's detail, verifier logs included.
 */
public final class BpfLogging {
    private BpfLogging() {
    }

    public static synchronized void setDebug(boolean debug) {
        NativeLibbpf.LIB.libbpf_set_print(debug ? NativeLibbpf.DEFAULT_PRINT : null);
    }
}

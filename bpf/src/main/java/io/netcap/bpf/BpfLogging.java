package io.netcap.bpf;

/**
 * Whether libbpf prints its own diagnostics to stderr. Off by default (the tool prints one-line
 * errors of its own); {@code --debug} turns it on to see libbpf's detail, verifier logs included.
 */
public final class BpfLogging {
    /**
     * Whether libbpf's printer is on. Only this class turns it on (loading libbpf turns it off),
     * so while this is false turning debug off has nothing to do, and libbpf need not even be
     * loaded for it: --dry-run never loads libbpf.
     */
    private static boolean debugOn;

    private BpfLogging() {
    }

    public static synchronized void setDebug(boolean debug) {
        if (!debug && !debugOn) {
            return;
        }
        NativeLibbpf.LIB.libbpf_set_print(debug ? NativeLibbpf.DEFAULT_PRINT : null);
        debugOn = debug;
    }
}

package io.netcap.capture.program;

/**
 * The two programs netcap generates from the same hooks and filter: one that sends each
 * matching packet to user space, one that counts matching packets per kernel stack in the
 * kernel (netcap backtrace).
 */
public enum ProgramKind {
    CAPTURE("capture.bpf.c", "netcap_capture", "netcap"),
    BACKTRACE("backtrace.bpf.c", "netcap_count", "netcap_backtrace");

    private final String mainFile;
    private final String handler;
    private final String objectName;

    ProgramKind(String mainFile, String handler, String objectName) {
        this.mainFile = mainFile;
        this.handler = handler;
        this.objectName = objectName;
    }

    /** The template the generator fills; the generated main file keeps this name. */
    public String mainFile() {
        return mainFile;
    }

    /** The C function every hook program calls with its skb. */
    String handler() {
        return handler;
    }

    /** The BPF object's name, which libbpf prefixes to its global-data maps. */
    public String objectName() {
        return objectName;
    }
}

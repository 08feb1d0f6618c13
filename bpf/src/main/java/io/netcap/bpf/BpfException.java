package io.netcap.bpf;

/**
 * A failed libbpf or bpf(2) operation. The message is one line, suitable for the tool's own error
 * output: {@code "<operation>: <libbpf message> (errno N)"}. For a program the verifier rejected,
 * {@link #verifierLog()} holds the tail of its log.
 */
public final class BpfException extends RuntimeException {
    private final String operation;
    private final int errno;
    private final String libbpfMessage;
    private final String verifierLog;
    private final String program;

    public BpfException(String operation, int errno, String libbpfMessage, String verifierLog) {
        this(operation, errno, libbpfMessage, verifierLog, null);
    }

    /** @param program the program a load failure is about, if known */
    public BpfException(String operation, int errno, String libbpfMessage, String verifierLog, String program) {
        super(operation + ": " + libbpfMessage + " (errno " + errno + ")");
        this.operation = operation;
        this.errno = errno;
        this.libbpfMessage = libbpfMessage;
        this.verifierLog = verifierLog == null ? "" : verifierLog;
        this.program = program;
    }

    static BpfException of(String operation, int errno) {
        int positive = Math.abs(errno);
        return new BpfException(operation, positive, NativeLibbpf.strerror(positive), "");
    }

    /** What was being done, e.g. {@code "load BPF object capture"}. */
    public String operation() {
        return operation;
    }

    /** The positive errno (or LIBBPF_ERRNO__* code) libbpf reported. */
    public int errno() {
        return errno;
    }

    /** libbpf_strerror() of {@link #errno()}. */
    public String libbpfMessage() {
        return libbpfMessage;
    }

    /** For a load failure, the name of the program the kernel refused; null if not known. */
    public String program() {
        return program;
    }

    /** Tail of the verifier log for a load failure; empty otherwise. */
    public String verifierLog() {
        return verifierLog;
    }
}

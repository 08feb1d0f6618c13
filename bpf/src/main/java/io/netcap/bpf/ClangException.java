package io.netcap.bpf;

/** clang is missing or rejected the generated C. The message is meant for the user as is. */
public final class ClangException extends RuntimeException {
    private final String diagnostics;
    private final String output;

    public ClangException(String message, String diagnostics) {
        this(message, diagnostics, diagnostics);
    }

    /** @param output everything clang printed, for callers that pick their own lines from it */
    public ClangException(String message, String diagnostics, String output) {
        super(diagnostics.isEmpty() ? message : message + ":\n" + diagnostics);
        this.diagnostics = diagnostics;
        this.output = output;
    }

    public ClangException(String message, Throwable cause) {
        super(message, cause);
        this.diagnostics = "";
        this.output = "";
    }

    /** clang's first error lines; empty when clang did not run. */
    public String diagnostics() {
        return diagnostics;
    }

    /** Everything clang printed; empty when clang did not run. */
    public String output() {
        return output;
    }
}

package io.netcap.bpf;

/** clang is missing or rejected the generated C. The message is meant for the user as is. */
public final class ClangException extends RuntimeException {
    private final String diagnostics;

    public ClangException(String message, String diagnostics) {
        super(diagnostics.isEmpty() ? message : message + ":\n" + diagnostics);
        this.diagnostics = diagnostics;
    }

    public ClangException(String message, Throwable cause) {
        super(message, cause);
        this.diagnostics = "";
    }

    /** clang's first error lines; empty when clang did not run. */
    public String diagnostics() {
        return diagnostics;
    }
}

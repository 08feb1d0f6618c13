package io.netcap.capture;

/**
 * A failure of the capture engine worded for the user, in one or two lines, with its
 * {@link Kind}: what the user asked wrongly ({@link Kind#USAGE}: a bad filter, an unknown hook,
 * options that do not go together) or what went wrong doing it ({@link Kind#RUNTIME}: not root,
 * a verifier rejection, an unwritable file). The command line maps the kind to an exit code.
 */
public class CaptureException extends RuntimeException {
    public enum Kind { USAGE, RUNTIME }

    private final Kind kind;

    public CaptureException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public CaptureException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public static CaptureException usage(String message) {
        return new CaptureException(Kind.USAGE, message);
    }

    public static CaptureException runtime(String message) {
        return new CaptureException(Kind.RUNTIME, message);
    }

    public static CaptureException runtime(String message, Throwable cause) {
        return new CaptureException(Kind.RUNTIME, message, cause);
    }

    public Kind kind() {
        return kind;
    }
}

package io.netcap.cli;

/**
 * A failure to report to the user as one or two lines, with the exit code to leave with:
 * {@link #USAGE} for what the user asked wrongly, {@link #RUNTIME} for what went wrong doing it.
 */
public class NetcapException extends RuntimeException {
    public static final int RUNTIME = 1;
    public static final int USAGE = 2;

    private final int exitCode;

    public NetcapException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public NetcapException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public static NetcapException usage(String message) {
        return new NetcapException(USAGE, message);
    }

    public static NetcapException runtime(String message, Throwable cause) {
        return new NetcapException(RUNTIME, message, cause);
    }

    public int exitCode() {
        return exitCode;
    }
}

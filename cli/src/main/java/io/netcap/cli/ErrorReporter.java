package io.netcap.cli;

import io.netcap.capture.CaptureException;
import java.io.PrintWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Turns every failure into "netcap: what went wrong" on stderr and an exit code. A Java stack
 * trace is shown only with --debug: users of a capture tool need the reason, not our internals.
 */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {
    /** jnr-ffi's UnsatisfiedLinkError for a function not in the library it bound, at the function's first call. */
    private static final Pattern MISSING_FUNCTION = Pattern.compile("native method '([^']+)' not found");

    /** Exit code for a run that went wrong (not root, verifier, I/O), as tcpdump's 1. */
    static final int RUNTIME = 1;
    /** Exit code for what the user asked wrongly (options, filter, hooks). */
    static final int USAGE = 2;

    static int usage(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        // picocli starts the messages of argument groups with its own "Error: "
        String message = e.getMessage() == null ? "" : e.getMessage().replaceFirst("^Error: ", "");
        // picocli names Java types ("'abc' is not a long"): say what the option wants instead
        message = message.replaceAll("is not an? (long|int|integer|short)\\b", "is not a whole number")
                .replaceAll("is not an? (double|float)\\b", "is not a number");
        err.println("netcap: " + message);
        if (message.startsWith("Unknown option: '-G'")) {
            err.println("netcap: tcpdump's -G (a new -w file every N seconds) is --rotate-seconds N in netcap,"
                    + " whose -G is --gather (skb, mbuf, raw)");
        }
        err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
        return USAGE;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean debug = parsed.hasMatchedOption("--debug")
                || (parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--debug"));
        int code = RUNTIME;
        String message;
        if (e instanceof CaptureException ne) {
            code = exitCode(ne.kind());
            message = ne.getMessage();
        } else {
            message = describe(e);
        }
        err.println("netcap: " + message);
        if (debug) {
            e.printStackTrace(err);
        } else if (!(e instanceof CaptureException)) {
            err.println("netcap: run with --debug for details");
        }
        err.flush();
        return code;
    }

    /**
     * A native library that could not be bound (or lacked a function at its first call): what
     * it said, and what installs the right one. Exit code 1.
     */
    static int nativeLibrary(LinkageError e, boolean debug, PrintWriter err) {
        Throwable cause = e instanceof ExceptionInInitializerError && e.getCause() != null ? e.getCause() : e;
        // jnr-ffi's own message goes on with the names and paths it searched, a line each
        String first = describe(cause).lines().findFirst().orElse("");
        // ... or, for a function missing at its first call, names the Java method bound to it
        Matcher missing = MISSING_FUNCTION.matcher(first);
        err.println("netcap: native library: " + (missing.find()
                ? "the library loaded has no function " + missing.group(1)
                        + " (a different library, or an older version, under the name netcap asked for)"
                : first));
        err.println("netcap: netcap needs libbpf1 and libpcap0.8 (scripts/setup installs them); check LD_LIBRARY_PATH");
        if (debug) {
            e.printStackTrace(err);
        }
        err.flush();
        return RUNTIME;
    }

    static int exitCode(CaptureException.Kind kind) {
        return kind == CaptureException.Kind.USAGE ? USAGE : RUNTIME;
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? "internal error: " + e.getClass().getSimpleName() : m;
    }
}

package io.netcap.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Turns every failure into "netcap: what went wrong" on stderr and an exit code. A Java stack
 * trace is shown only with --debug: users of a capture tool need the reason, not our internals.
 */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {

    static int usage(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println("netcap: " + e.getMessage());
        err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
        return NetcapException.USAGE;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean debug = parsed.hasMatchedOption("--debug")
                || (parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--debug"));
        int code = NetcapException.RUNTIME;
        String message;
        if (e instanceof NetcapException ne) {
            code = ne.exitCode();
            message = ne.getMessage();
        } else {
            message = describe(e);
        }
        err.println("netcap: " + message);
        if (debug) {
            e.printStackTrace(err);
        } else if (!(e instanceof NetcapException)) {
            err.println("netcap: run with --debug for details");
        }
        err.flush();
        return code;
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? "internal error: " + e.getClass().getSimpleName() : m;
    }
}

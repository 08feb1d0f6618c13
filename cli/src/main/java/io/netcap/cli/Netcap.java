package io.netcap.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The netcap command: subcommands for each way of capturing. */
@Command(name = "netcap",
        mixinStandardHelpOptions = true,
        versionProvider = Netcap.Version.class,
        description = "Capture packets inside the Linux kernel, at any hook that sees an sk_buff, "
                + "filtered with tcpdump expressions in the kernel.",
        subcommands = {SkbCommand.class, DumpCommand.class, BacktraceCommand.class, ListCommand.class, CommandLine.HelpCommand.class})
public final class Netcap implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs netcap with the given output streams and returns the exit code (used by tests). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Netcap());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new ErrorReporter());
        cl.setParameterExceptionHandler(ErrorReporter::usage);
        return cl.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Netcap.class.getPackage().getImplementationVersion();
            return new String[] {"netcap " + (v == null ? "(development build)" : v)};
        }
    }
}

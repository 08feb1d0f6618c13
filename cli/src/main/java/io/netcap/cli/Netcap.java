package io.netcap.cli;

import io.netcap.capture.StartupPhases;
import io.netcap.bpf.LibbpfPreload;
import io.netcap.bpf.btf.Btf;
import io.netcap.filter.LibpcapPreload;
import io.netcap.capture.session.StopSignal;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The netcap command: subcommands for each way of capturing.
 *
 * <p>The subcommands are added in {@link #commandLine} rather than listed in the annotation:
 * picocli builds the model of every subcommand it is given, by reflection, so when the first
 * argument names one, only that one is built (the others cannot be reached then).
 */
@Command(name = "netcap",
        mixinStandardHelpOptions = true,
        versionProvider = Netcap.Version.class,
        description = "Capture packets inside the Linux kernel, at any hook that sees an sk_buff, "
                + "or in user-space programs (DPDK mbufs, AF_XDP and other buffers), "
                + "filtered with tcpdump expressions in the kernel.",
        // in --help and, from there, the man page's EXIT STATUS (the same for every subcommand)
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
                "0:success, also when the reader of stdout left early (as | head does)",
                "1:something went wrong while doing it: not root, a verifier rejection, an unwritable file, "
                        + "a missing tool",
                "2:a usage error: a bad option, filter or hook",
                "130:stopped by SIGINT before capturing started, or by a second one while finishing (143: SIGTERM)"})
public final class Netcap implements Runnable {
    /** Every subcommand's name, in the order help lists them. */
    static final List<String> SUBCOMMANDS = List.of("skb", "dump", "backtrace", "mbuf", "raw", "list", "help");
    /** The subcommands that (usually) read the kernel's BTF. */
    private static final List<String> BTF_USERS = List.of("skb", "dump", "backtrace", "list");
    /** The commands that load a program and stop on SIGINT/SIGTERM. */
    private static final List<String> CAPTURES = List.of("skb", "dump", "backtrace", "mbuf", "raw");
    /** jnr-ffi's switch for generating its invokers with ASM (default true). */
    private static final String JNR_ASM = "jnr.ffi.asm.enabled";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static Object newSubcommand(String name) {
        return switch (name) {
            case "skb" -> new SkbCommand();
            case "dump" -> new DumpCommand();
            case "backtrace" -> new BacktraceCommand();
            case "mbuf" -> new MbufCommand();
            case "raw" -> new RawCommand();
            case "list" -> new ListCommand();
            case "help" -> new CommandLine.HelpCommand();
            default -> throw new IllegalArgumentException("no subcommand " + name);
        };
    }

    /**
     * The command line for these arguments: with every subcommand, or only with the one the
     * first argument names ("help" shows the others, so it gets them all).
     */
    static CommandLine commandLine(String[] args) {
        CommandLine cl = new CommandLine(new Netcap());
        String only = args.length > 0 && !args[0].equals("help") && SUBCOMMANDS.contains(args[0]) ? args[0] : null;
        for (String name : SUBCOMMANDS) {
            if (only == null || only.equals(name)) {
                cl.addSubcommand(name, newSubcommand(name));
            }
        }
        return cl;
    }

    /** The command line with every subcommand: the model the man page and the completion are generated from. */
    public static CommandLine commandLineForDocs() {
        return commandLine(new String[0]);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    public static void main(String[] args) {
        StartupPhases.mainStarted();
        // jnr-ffi's default builds a class per native interface with ASM, and x86 stubs, when it
        // binds a library: 0.19 s of a 0.77 s warm start (measured, docs/BENCHMARKS.md). Its
        // reflective invoker binds at once and costs more per call, which no capture loop notices:
        // the loop's calls are an epoll_wait per batch; the records are read from mapped memory.
        if (System.getProperty(JNR_ASM) == null) {
            System.setProperty(JNR_ASM, "false");
        }
        if (args.length > 0 && CAPTURES.contains(args[0])) {
            // before the seconds of start-up, so that a SIGINT then is not lost where it was ignored
            StopSignal.takeOver();
            // bind the native libraries while picocli builds its model: the two overlap on two cores
            LibbpfPreload.start();
            if (!args[0].equals("backtrace")) {
                LibpcapPreload.start();
            }
        }
        if (args.length > 0 && BTF_USERS.contains(args[0]) && Btf.VMLINUX.toFile().canRead()) {
            // Most hooks are resolved through the kernel's BTF: read it while picocli parses.
            Btf.prefetchVmlinux();
        }
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs netcap with the given output streams and returns the exit code (used by tests). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine(args);
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(new ErrorReporter());
        cl.setParameterExceptionHandler(ErrorReporter::usage);
        try {
            return cl.execute(args);
        } catch (LinkageError e) {
            // picocli passes Errors through: a native library not found, or without a function
            // netcap binds, found when the binding is first used
            return ErrorReporter.nativeLibrary(e, List.of(args).contains("--debug"), err);
        }
    }

    /** {@code --version}: netcap's version and git revision, and the libbpf, libpcap, kernel and JVM it runs with. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return VersionReport.lines(BuildInfo.current()).toArray(String[]::new);
        }
    }
}

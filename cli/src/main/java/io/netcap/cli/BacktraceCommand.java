package io.netcap.cli;

import io.netcap.capture.BacktraceRunner;
import io.netcap.capture.CaptureSettings;
import io.netcap.capture.HookSpec;
import io.netcap.capture.NetnsResolver;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code netcap backtrace}: where in the kernel matching packets are dropped (or pass any hook),
 * as kernel stacks counted in the kernel, with the drop reason by name.
 */
@Command(name = "backtrace", mixinStandardHelpOptions = true,
        description = "Count the kernel stacks at which matching packets hit a hook (default: where they are dropped).",
        footer = {"", "Examples:",
                "  netcap backtrace -e 'icmp and dst host 198.18.0.2'",
                "  netcap backtrace --duration 10 --top 5 -e 'tcp port 443'",
                "  netcap backtrace --folded --duration 30 > drops.folded"})
public final class BacktraceCommand implements Callable<Integer> {
    static final String DEFAULT_HOOK = "tracepoint:skb:kfree_skb";

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--function"}, paramLabel = "HOOKS", defaultValue = DEFAULT_HOOK,
            description = "hooks, as netcap skb takes them (default: ${DEFAULT-VALUE}, the packet drop tracepoint)")
    String hooks;

    @Option(names = {"-e", "--expression"}, paramLabel = "EXPR", description = "tcpdump filter, run in the kernel")
    String expression;

    @Parameters(paramLabel = "EXPR", arity = "0..*", hidden = true)
    List<String> expressionWords = List.of();

    @Option(names = {"-i", "--interface"}, paramLabel = "IFNAME", description = "only packets on a device of this name")
    String interfaceName;

    @Option(names = "--netns", paramLabel = "NS", description = "only packets in this network namespace")
    String netns;

    @Option(names = {"-c", "--count"}, paramLabel = "N", description = "stop after N matching packets")
    Long count;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "stop after this many seconds")
    Double duration;

    @Option(names = "--top", paramLabel = "K", defaultValue = "0", description = "print only the K most frequent stacks")
    int top;

    @Option(names = "--json", description = "one JSON document")
    boolean json;

    @Option(names = "--folded", description = "folded stacks (frame;frame;frame COUNT) for flame graph tools")
    boolean folded;

    @Option(names = "--dry-run", description = "print the generated eBPF C and the clang command, and exit")
    boolean dryRun;

    @Option(names = "--debug", description = "show libbpf's messages and Java stack traces")
    boolean debug;

    @Override
    public Integer call() throws Exception {
        if (json && folded) {
            throw NetcapException.usage("--json and --folded do not go together");
        }
        if (count != null && count < 1) {
            throw NetcapException.usage("-c must be at least 1, not " + count);
        }
        if (duration != null && !(duration > 0 && duration <= 7 * 24 * 3600)) {
            throw NetcapException.usage("--duration must be a positive number of seconds");
        }
        if (top < 0) {
            throw NetcapException.usage("--top must be 0 (all) or more");
        }
        String filter = CaptureOptions.expression(expression, expressionWords);
        List<HookSpec> specs = CaptureOptions.parseHooks(hooks);
        CaptureSettings settings = new CaptureSettings(filter, interfaceName, null, count == null ? 0 : count,
                "", 1514, true, 1, dryRun, debug, NetnsResolver.resolve(netns), null, false, false, false,
                null);
        BacktraceRunner.Format format = json ? BacktraceRunner.Format.JSON
                : folded ? BacktraceRunner.Format.FOLDED : BacktraceRunner.Format.TEXT;
        long millis = duration == null ? 0 : Math.round(duration * 1000);
        return new BacktraceRunner(settings, spec.commandLine().getOut(), spec.commandLine().getErr(), millis, format, top)
                .run(specs);
    }
}

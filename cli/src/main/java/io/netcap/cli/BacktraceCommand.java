package io.netcap.cli;

import io.netcap.capture.CaptureException;
import io.netcap.capture.program.ProgramConfig;
import io.netcap.capture.session.BacktraceRunner;
import io.netcap.capture.session.CaptureRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code netcap backtrace}: where in the kernel matching packets are dropped (or pass any hook),
 * as kernel stacks counted in the kernel, with the drop reason by name.
 */
@Command(name = "backtrace", mixinStandardHelpOptions = true, versionProvider = Netcap.Version.class,
        description = "Count the kernel stacks at which matching packets hit a hook (default: where they are dropped).",
        footer = {"", "Examples:",
                "  netcap backtrace -e 'icmp and dst host 198.18.0.2'",
                "  netcap backtrace --duration 10 --top 5 -e 'tcp port 443'",
                "  netcap backtrace -f kfree_skb_reason -a 1 -e 'icmp'",
                "  netcap backtrace --folded --duration 30 > drops.folded"})
public final class BacktraceCommand implements Callable<Integer> {
    /** The drop tracepoint, BTF-typed where the kernel describes it: that reads whole packets (skb dynptr). */
    static final String DEFAULT_HOOK_BTF = "tp_btf:kfree_skb";
    /** The same where it does not; it reads only the linear part of a packet. */
    static final String DEFAULT_HOOK = "tracepoint:skb:kfree_skb";

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--function"}, paramLabel = "HOOKS",
            completionCandidates = LiveCompletion.KernelHooks.class,
            description = "hooks, as netcap skb takes them (default: the packet drop tracepoint, " + DEFAULT_HOOK_BTF
                    + " where the kernel's BTF describes it, else " + DEFAULT_HOOK + ")")
    String hooks;

    @Mixin
    HookOptions hookOptions;

    @Mixin
    FilterOptions filter;

    @Mixin
    DeviceOptions device;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "stop after this many seconds")
    Double duration;

    @Option(names = "--top", paramLabel = "K", defaultValue = "0", description = "print only the K most frequent stacks")
    int top;

    /** The report's form: text (default), one JSON document, or folded stacks. */
    @ArgGroup(exclusive = true)
    Form form;

    static final class Form {
        @Option(names = "--json", required = true, description = "one JSON document")
        boolean json;

        @Option(names = "--folded", required = true,
                description = "folded stacks (frame;frame;frame COUNT) for flame graph tools")
        boolean folded;
    }

    @Override
    public Integer call() throws Exception {
        if (duration != null && !(duration > 0 && duration <= 7 * 24 * 3600)) {
            throw CaptureException.usage("--duration must be a positive number of seconds");
        }
        if (top < 0) {
            throw CaptureException.usage("--top must be 0 (all) or more");
        }
        ProgramConfig config = new ProgramConfig(ProgramConfig.DEFAULT_CAPTURE_SIZE, false, device.interfaceName,
                device.netnsInode(), null, false);
        CaptureRequest request = new CaptureRequest(hookOptions.parse(hooks != null ? hooks
                : DumpCommand.hasBtfTracepoint("kfree_skb") ? DEFAULT_HOOK_BTF : DEFAULT_HOOK), filter.expression(), config, filter.count,
                null, CaptureRequest.DEFAULT_RING_MIB, filter.dryRun, filter.debug);
        BacktraceRunner.Format format = form == null ? BacktraceRunner.Format.TEXT
                : form.json ? BacktraceRunner.Format.JSON : BacktraceRunner.Format.FOLDED;
        long millis = duration == null ? 0 : Math.round(duration * 1000);
        return BacktraceRunner.run(request, new BacktraceRunner.Report(format, millis, top),
                spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}

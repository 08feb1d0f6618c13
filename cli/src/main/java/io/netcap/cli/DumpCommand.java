package io.netcap.cli;

import io.netcap.bpf.btf.Btf;
import io.netcap.capture.CaptureException;
import io.netcap.capture.program.HookSpec;
import io.netcap.capture.session.CaptureRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code netcap dump}: what {@code tcpdump -i any} would show if it could see every network
 * namespace at once — packets at the device layer, received (netif_receive_skb) and sent
 * (net_dev_queue), in all namespaces, each tagged with its device and namespace.
 */
@Command(name = "dump", mixinStandardHelpOptions = true, versionProvider = Netcap.Version.class,
        description = "Capture at the device layer of every network namespace (or at -f hooks).",
        footer = {"", "Examples:",
                "  netcap dump -w out.pcap",
                "  netcap dump -Q in -i eth0 -e 'tcp port 443'",
                "  netcap dump --netns /run/netns/blue --json",
                "  netcap dump -e icmp -w - | tcpdump -nn -r -",
                "  netcap dump -f ip_rcv -a 1 -e icmp"})
public final class DumpCommand implements Callable<Integer> {
    static final String RX_EVENT = "netif_receive_skb";
    static final String TX_EVENT = "net_dev_queue";

    /** tcpdump's -Q: which way the packets at the device layer go. */
    enum Direction { in, out, inout }

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--function"}, paramLabel = "HOOKS", completionCandidates = LiveCompletion.KernelHooks.class,
            description = "capture at these hooks instead of the device layer (any form netcap skb takes)")
    String hooks;

    @Mixin
    HookOptions hookOptions;

    @Option(names = {"-Q", "--direction"}, paramLabel = "DIR", defaultValue = "inout",
            description = "in, out or inout (default), like tcpdump -Q")
    Direction direction;

    @Mixin
    FilterOptions filter;

    @Mixin
    DeviceOptions device;

    @Mixin
    CaptureOptions options;

    @Mixin
    ExtensionOptions extension;

    @Override
    public Integer call() throws Exception {
        return CaptureRunner.run(options.request(hookSpecs(), filter, device, null, false)
                        .withExtensions(extension.extensions()), options.output(extension.hasAction()),
                spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    List<HookSpec> hookSpecs() {
        List<HookSpec> given = hookOptions.parse(hooks);
        if (!given.isEmpty()) {
            if (direction != Direction.inout) {
                throw CaptureException.usage("-Q selects the device-layer hooks; with -f the hooks decide the direction");
            }
            return given;
        }
        // tp_btf where the kernel describes the tracepoints in BTF, the classic tracepoints otherwise.
        boolean btf = hasBtfTracepoint(RX_EVENT);
        List<HookSpec> specs = new ArrayList<>();
        if (direction != Direction.out) {
            specs.add(HookSpec.parse(btf ? "tp_btf:" + RX_EVENT : "tracepoint:net:" + RX_EVENT));
        }
        if (direction != Direction.in) {
            specs.add(HookSpec.parse(btf ? "tp_btf:" + TX_EVENT : "tracepoint:net:" + TX_EVENT));
        }
        return specs;
    }

    /** Whether the kernel's BTF describes this tracepoint's arguments, so that tp_btf can attach to it. */
    static boolean hasBtfTracepoint(String event) {
        try {
            return Btf.VMLINUX.toFile().canRead() && Btf.vmlinux().findTracepointParams(event).isPresent();
        } catch (java.io.IOException e) {
            return false;
        }
    }
}

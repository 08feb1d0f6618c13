package io.netcap.cli;

import io.netcap.bpf.btf.Btf;
import io.netcap.capture.CaptureRunner;
import io.netcap.capture.HookSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
@Command(name = "dump", mixinStandardHelpOptions = true,
        description = "Capture at the device layer of every network namespace (or at -f hooks).",
        footer = {"", "Examples:",
                "  netcap dump -w out.pcap",
                "  netcap dump -Q in -i eth0 -e 'tcp port 443'",
                "  netcap dump --netns /run/netns/blue --json",
                "  netcap dump -f ip_rcv -a 1 -e icmp"})
public final class DumpCommand implements Callable<Integer> {
    static final String RX_EVENT = "netif_receive_skb";
    static final String TX_EVENT = "net_dev_queue";

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--function"}, paramLabel = "HOOKS",
            description = "capture at these hooks instead of the device layer (any form netcap skb takes)")
    String hooks;

    @Option(names = {"-a", "--arg"}, paramLabel = "N",
            description = "with a single -f FUNCTION: the skb is its argument N (1-based), as xcap wrote it")
    Integer skbArg;

    @Option(names = {"-Q", "--direction"}, paramLabel = "DIR", defaultValue = "inout",
            description = "in, out or inout (default), like tcpdump -Q")
    String direction;

    @Mixin
    CaptureOptions options;

    @Override
    public Integer call() throws Exception {
        List<HookSpec> specs = hookSpecs();
        return new CaptureRunner(options.toSettings(null, false), spec.commandLine().getOut(), spec.commandLine().getErr())
                .run(specs);
    }

    List<HookSpec> hookSpecs() throws IOException {
        String dir = direction.toLowerCase(Locale.ROOT);
        if (!List.of("in", "out", "inout").contains(dir)) {
            throw NetcapException.usage("-Q must be in, out or inout, not \"" + direction + "\"");
        }
        if (hooks != null) {
            if (!dir.equals("inout")) {
                throw NetcapException.usage("-Q selects the device-layer hooks; with -f the hooks decide the direction");
            }
            String text = hooks;
            if (skbArg != null) {
                if (hooks.contains(",") || hooks.contains("@") || hooks.contains(":")) {
                    throw NetcapException.usage("-a goes with a single -f FUNCTION; write FUNC@N for lists and prefixed hooks");
                }
                text = hooks + "@" + skbArg;
            }
            return CaptureOptions.parseHooks(text);
        }
        if (skbArg != null) {
            throw NetcapException.usage("-a needs -f FUNCTION");
        }
        // tp_btf where the kernel describes the tracepoints in BTF, the classic tracepoints otherwise.
        boolean btf = Btf.VMLINUX.toFile().canRead()
                && Btf.vmlinux().findTracepointParams(RX_EVENT).isPresent();
        List<HookSpec> specs = new ArrayList<>();
        if (!dir.equals("out")) {
            specs.add(HookSpec.parse(btf ? "tp_btf:" + RX_EVENT : "tracepoint:net:" + RX_EVENT));
        }
        if (!dir.equals("in")) {
            specs.add(HookSpec.parse(btf ? "tp_btf:" + TX_EVENT : "tracepoint:net:" + TX_EVENT));
        }
        return specs;
    }
}

package io.netcap.cli;

import io.netcap.capture.CaptureRunner;
import io.netcap.capture.HookSpec;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code netcap skb}: capture sk_buffs at the hooks given with -f. */
@Command(name = "skb", mixinStandardHelpOptions = true,
        description = "Capture packets (sk_buffs) at kernel hooks.",
        footer = {"", "Examples:",
                "  netcap skb -f tracepoint:net:netif_receive_skb -e icmp -c 4",
                "  netcap skb -f tp_btf:net_dev_queue,tracepoint:net:netif_receive_skb -i veth0 -w out.pcap",
                "  netcap skb -f tracepoint:skb:kfree_skb -e 'tcp port 80' -S"})
public final class SkbCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--function"}, required = true, paramLabel = "HOOKS",
            description = "comma-separated hooks: tracepoint:CAT:EVENT (tp:), tp_btf:EVENT[@N], raw_tp:EVENT[@N]")
    String hooks;

    @Mixin
    CaptureOptions options;

    @Option(names = "--fake-hdr", description = "on TX functions that run before headers exist: make up the Ethernet "
            + "header and, when only the transport header is set, the IP header from the socket")
    boolean fakeHeaders;

    @Option(names = "--skb-data", description = "take the packet from skb->data (plus --skb-data-offset) as raw IP, "
            + "instead of locating its headers")
    boolean skbData;

    @Option(names = "--skb-data-offset", paramLabel = "N", defaultValue = "0",
            description = "with --skb-data: bytes to add to skb->data (may be negative; default: ${DEFAULT-VALUE})")
    int skbDataOffset;

    @Override
    public Integer call() throws Exception {
        List<HookSpec> specs = CaptureOptions.parseHooks(hooks);
        if (fakeHeaders && skbData) {
            throw NetcapException.usage("--fake-hdr and --skb-data do not go together");
        }
        if (!skbData && skbDataOffset != 0) {
            throw NetcapException.usage("--skb-data-offset needs --skb-data");
        }
        if (skbDataOffset < -4096 || skbDataOffset > 4096) {
            throw NetcapException.usage("--skb-data-offset must be within -4096..4096, not " + skbDataOffset);
        }
        return new CaptureRunner(options.toSettings(skbData ? skbDataOffset : null, fakeHeaders), spec.commandLine().getOut(),
                spec.commandLine().getErr()).run(specs);
    }
}

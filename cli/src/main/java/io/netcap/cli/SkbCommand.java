package io.netcap.cli;

import io.netcap.capture.gather.GatherSettings;
import io.netcap.capture.session.CaptureRunner;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code netcap skb}: capture sk_buffs at the hooks given with -f. */
@Command(name = "skb", mixinStandardHelpOptions = true, versionProvider = Netcap.Version.class,
        description = "Capture packets (sk_buffs) at kernel hooks.",
        footer = {"", "Examples:",
                "  netcap skb -f tracepoint:net:netif_receive_skb -e icmp -c 4",
                "  netcap skb -f tp_btf:net_dev_queue,tracepoint:net:netif_receive_skb -i veth0 -w out.pcap",
                "  netcap skb -f tracepoint:skb:kfree_skb -e 'tcp port 80' -S",
                "  netcap skb -G -f tp:net:net_dev_queue,tp:net:net_dev_start_xmit -e udp"})
public final class SkbCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--function"}, required = true, paramLabel = "HOOKS",
            completionCandidates = LiveCompletion.KernelHooks.class,
            description = "comma-separated hooks: tracepoint:CAT:EVENT (tp:), tp_btf:EVENT[@N], raw_tp:EVENT[@N], FUNC[@N]")
    String hooks;

    @Mixin
    HookOptions hookOptions;

    @Mixin
    FilterOptions filter;

    @Mixin
    DeviceOptions device;

    @Mixin
    CaptureOptions options;

    @Mixin
    GatherOptions gather;

    @Mixin
    ExtensionOptions extension;

    /** Where the packet starts: located from the skb's headers (default), made up, or at skb->data. */
    @ArgGroup(exclusive = true)
    PacketStart start;

    static final class PacketStart {
        @Option(names = "--fake-hdr", description = "on TX functions that run before headers exist: make up the "
                + "Ethernet header and, when only the transport header is set, the IP header from the socket")
        boolean fakeHeaders;

        @ArgGroup(exclusive = false)
        SkbData skbData;
    }

    static final class SkbData {
        @Option(names = "--skb-data", required = true, description = "take the packet from skb->data "
                + "(plus --skb-data-offset) as raw IP, instead of locating its headers")
        boolean enabled;

        @Option(names = "--skb-data-offset", paramLabel = "N", defaultValue = "0",
                description = "with --skb-data: bytes to add to skb->data (may be negative; default: ${DEFAULT-VALUE})")
        int offset;
    }

    @Override
    public Integer call() throws Exception {
        boolean fake = start != null && start.fakeHeaders;
        Integer skbDataOffset = start != null && start.skbData != null ? start.skbData.offset : null;
        GatherSettings settings = gather.settings(filter);
        return CaptureRunner.run(options.request(hookOptions.parse(hooks), filter, device, skbDataOffset, fake, settings)
                        .withExtensions(extension.extensions()),
                options.output(settings != null || extension.hasAction()), spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }
}

package io.netcap.cli;

import io.netcap.capture.kernel.NetnsResolver;
import picocli.CommandLine.Option;

/**
 * Which devices and network namespaces: the options of the commands that capture sk_buffs in
 * the kernel (skb, dump, backtrace; a picocli mixin). User-space packets have neither.
 */
public final class DeviceOptions {
    @Option(names = {"-i", "--interface"}, paramLabel = "IFNAME", completionCandidates = LiveCompletion.Devices.class,
            description = "only packets on a device of this name, in every network namespace")
    String interfaceName;

    @Option(names = "--netns", paramLabel = "NS", completionCandidates = LiveCompletion.Namespaces.class,
            description = "only packets in this network namespace: an inode, /proc/PID/ns/net, or a name from `ip netns`")
    String netns;

    /** --netns as an inode, 0 for every namespace. */
    long netnsInode() {
        return NetnsResolver.resolve(netns);
    }
}

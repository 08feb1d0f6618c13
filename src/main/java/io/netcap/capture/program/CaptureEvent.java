package io.netcap.capture.program;

/**
 * One packet as the kernel sent it: the fields of {@code struct netcap_event} (netcap_event.h)
 * and a copy of the captured bytes, decoded by {@link EventDecoder}.
 *
 * @param monotonicNanos bpf_ktime_get_ns() at capture (CLOCK_MONOTONIC)
 * @param skb            the sk_buff's address (user-space hooks: the rte_mbuf's, or the buffer's)
 * @param hook           index of the hook in the -f list
 * @param wireLength     length of the packet from its first captured byte
 * @param ifindex        skb->dev->ifindex, 0 without a device; at mbuf hooks the mbuf's port
 * @param netnsInode     inode of the device's (or socket's) network namespace, 0 when unknown
 * @param stackId        id in the stack map, or {@link KernelAbi#NO_STACK}
 * @param reason         the hook's reason where it has one (drop, reset...: {@link Hook#reason()}
 *                       says which enum), else 0
 * @param linkType       pcap LINKTYPE_* of data (io.netcap.pcap.LinkType)
 * @param flags          {@link KernelAbi#FLAG_TRUNCATED}, {@link KernelAbi#FLAG_VLAN}
 * @param device         skb->dev->name, empty without a device
 * @param pid            at a user-space hook, the process (tgid) it fired in; 0 at kernel hooks
 * @param data           the captured bytes
 * @param ext            the bytes of the --ext-action's struct xcap_user_extend as the action filled
 *                       them (padded to 8 bytes); empty without an action
 */
public record CaptureEvent(long monotonicNanos, long skb, int hook, int wireLength, int ifindex,
                           long netnsInode, int stackId, int cpu, int reason, int linkType,
                           int flags, String device, int pid, byte[] data, byte[] ext) {
    /** An event without extension bytes. */
    public CaptureEvent(long monotonicNanos, long skb, int hook, int wireLength, int ifindex, long netnsInode,
                        int stackId, int cpu, int reason, int linkType, int flags, String device, int pid, byte[] data) {
        this(monotonicNanos, skb, hook, wireLength, ifindex, netnsInode, stackId, cpu, reason, linkType, flags, device,
                pid, data, new byte[0]);
    }

    public int capturedLength() {
        return data.length;
    }

    /** Fewer bytes than the packet has up to -s: the hook could not read the rest. */
    public boolean truncated() {
        return (flags & KernelAbi.FLAG_TRUNCATED) != 0;
    }
}

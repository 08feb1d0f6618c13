package io.netcap.pcap;

import java.util.List;

/**
 * The text of a packet's comment in a pcapng file: what the kernel (or the probed process) told
 * netcap about it, which a pcap file has no place for. One line of metadata, e.g.
 * {@code hook tp_btf:kfree_skb, netns 4026531840, skb 0xffff8881..., cpu 1, drop_reason NETFILTER_DROP},
 * then the lines printed under the packet elsewhere: its kernel stack (-S) and every note's lines
 * (--gather delays, extension fields), as the display shows them, without colour.
 */
final class PacketComment {
    private PacketComment() {
    }

    /** The comment for {@code p}; never empty (the hook is always known to the capture loop). */
    static String of(CapturedPacket p) {
        StringBuilder sb = new StringBuilder();
        if (p.hook() != null) {
            sb.append("hook ").append(p.hook());
        }
        if (p.user() != null) {
            separate(sb).append("pid ").append(p.user().pid());
            if (p.user().port() >= 0) {
                sb.append(", port ").append(p.user().port());
            }
            sb.append(", ").append(p.user().addressLabel()).append(" 0x").append(Long.toHexString(p.user().address()));
        } else {
            if (p.netnsInode() != 0) {
                separate(sb).append("netns ").append(p.netnsInode());
            }
            if (p.skbAddress() != 0) {
                separate(sb).append("skb 0x").append(Long.toHexString(p.skbAddress()));
            }
        }
        if (p.cpu() >= 0) {
            separate(sb).append("cpu ").append(p.cpu());
        }
        if (p.reason() != null) {
            separate(sb).append(p.reasonLabel()).append(' ').append(p.reason());
        }
        if (p.truncated()) {
            separate(sb).append("truncated (the hook could not read every byte up to the capture size)");
        }
        List<String> lines = p.extraLines(false);
        for (String line : lines) {
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append(line);
        }
        return sb.toString();
    }

    private static StringBuilder separate(StringBuilder sb) {
        return sb.isEmpty() ? sb : sb.append(", ");
    }
}

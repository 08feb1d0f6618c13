package io.netcap.pcap;

/**
 * A 64-bit digest of the header fields of a packet that stay the same on its way through one
 * host, so that the same packet can be recognised at two hooks (netcap skb --gather) even where
 * the bytes differ: the link header may be there or not (Ethernet at a device, raw IP above it),
 * may carry a VLAN tag in the bytes or have it offloaded, and routing rewrites MAC addresses,
 * TTL / hop limit and the IPv4 checksum.
 *
 * <p>What goes in (and why the rest does not):
 * <ul>
 *   <li>IPv4 (RFC 791): source, destination, protocol, identification, and the MF flag with the
 *       fragment offset. Not TTL and checksum (decremented and recomputed when forwarded), not
 *       TOS (DSCP may be re-marked, ECN CE set on the way), not the total length (GRO merges
 *       segments into the first one's skb, which keeps its headers).</li>
 *   <li>IPv6 (RFC 8200): source, destination, flow label, the upper-layer protocol after the
 *       extension headers, and the fragment header's identification and offset. Not the hop
 *       limit, traffic class or payload length, for the same reasons.</li>
 *   <li>TCP (RFC 9293): ports, sequence and acknowledgment numbers, flags. Not the window,
 *       checksum or options (the timestamp option is fixed when sent, but options may be cut by
 *       a short snap length).</li>
 *   <li>UDP, UDP-Lite, SCTP, DCCP: ports, and up to 16 bytes after the 8 bytes the ports start:
 *       for UDP the start of the payload, which tells apart datagrams of one flow that IPv6
 *       (no identification field) would otherwise confuse.</li>
 *   <li>ICMP and ICMPv6: type, code and up to 16 bytes after the checksum (an echo's id and
 *       sequence number and payload; an error's quoted header).</li>
 *   <li>Other protocols over IP: up to 16 bytes of their header. Not IP (ARP and the rest):
 *       the ethertype and up to 64 bytes after the link header.</li>
 * </ul>
 * Network address translation changes addresses and ports, and encapsulation adds outer headers:
 * across those, packets must be told apart by their buffer's address alone.
 *
 * <p>Like {@link PacketDecoder}, it reads only inside the captured bytes and never throws: what
 * the capture does not hold is left out, so the digest of a packet cut short is that of what
 * was captured.
 */
public final class PacketFingerprint {
    private static final int ETH_IPV4 = 0x0800;
    private static final int ETH_IPV6 = 0x86DD;
    private static final int ETH_VLAN = 0x8100;
    private static final int ETH_QINQ = 0x88A8;
    private static final int ETH_QINQ_OLD = 0x9100;
    private static final int PAYLOAD_BYTES = 16;
    private static final int NON_IP_BYTES = 64;
    // FNV-1a, 64-bit (public domain; http://www.isthe.com/chongo/tech/comp/fnv/)
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private final byte[] data;
    private final int base;
    private final int length;
    private long hash = FNV_OFFSET;

    private PacketFingerprint(byte[] data, int base, int length) {
        this.data = data;
        this.base = base;
        this.length = length;
    }

    /** The digest of {@code packet}'s invariant fields; never throws for any content or length. */
    public static long of(CapturedPacket packet) {
        PacketFingerprint f = new PacketFingerprint(packet.data(), packet.offset(), packet.length());
        int linkType = packet.linkType();
        if (linkType == LinkType.ETHERNET) {
            f.ethernet();
        } else if (LinkType.isRawIp(linkType)) {
            f.network(SyntheticEthernet.etherTypeFor(linkType, packet.data(), packet.offset(), packet.length()), 0);
        } else {
            f.mixInt(linkType);
            f.bytes(0, NON_IP_BYTES);
        }
        return f.hash;
    }

    private void ethernet() {
        if (!has(0, 14)) {
            bytes(0, length);
            return;
        }
        int type = u16(12);
        int pos = 14;
        while ((type == ETH_VLAN || type == ETH_QINQ || type == ETH_QINQ_OLD) && has(pos, 4)) {
            type = u16(pos + 2); // the tag itself is left out: a device may have offloaded it
            pos += 4;
        }
        network(type, pos);
    }

    private void network(int type, int pos) {
        mixInt(type);
        switch (type) {
            case ETH_IPV4 -> ipv4(pos);
            case ETH_IPV6 -> ipv6(pos);
            default -> bytes(pos, NON_IP_BYTES);
        }
    }

    private void ipv4(int pos) {
        if (!has(pos, 20)) {
            bytes(pos, length - pos);
            return;
        }
        int headerLength = (u8(pos) & 0x0f) * 4;
        int protocol = u8(pos + 9);
        int fragment = u16(pos + 6) & 0x3fff; // MF and the offset; DF is left out with the other flags
        mixInt(protocol);
        mixInt(u16(pos + 4)); // identification
        mixInt(fragment);
        bytes(pos + 12, 8); // source and destination
        if (headerLength >= 20 && (fragment & 0x1fff) == 0) {
            transport(protocol, pos + headerLength);
        }
    }

    private void ipv6(int pos) {
        if (!has(pos, 40)) {
            bytes(pos, length - pos);
            return;
        }
        mixInt(((u8(pos + 1) & 0x0f) << 16) | u16(pos + 2)); // flow label
        bytes(pos + 8, 32);
        int next = u8(pos + 6);
        int at = pos + 40;
        for (int hops = 0; hops < 16 && has(at, 2); hops++) {
            int headerLength;
            switch (next) {
                case 0, 43, 60 -> headerLength = (u8(at + 1) + 1) * 8;
                case 51 -> headerLength = (u8(at + 1) + 2) * 4;
                case 44 -> {
                    if (!has(at, 8)) {
                        return;
                    }
                    int offset = u16(at + 2) & 0xfff9; // offset and M
                    mixInt(offset);
                    bytes(at + 4, 4); // identification
                    if ((offset & 0xfff8) != 0) {
                        mixInt(u8(at));
                        return; // a later fragment has no transport header
                    }
                    headerLength = 8;
                }
                default -> {
                    mixInt(next);
                    transport(next, at);
                    return;
                }
            }
            next = u8(at);
            at += headerLength;
        }
    }

    private void transport(int protocol, int pos) {
        switch (protocol) {
            case 6 -> {
                bytes(pos, 12); // ports, sequence, acknowledgment
                if (has(pos + 13, 1)) {
                    mixInt(u8(pos + 13));
                }
            }
            case 17, 33, 132, 136 -> {
                bytes(pos, 4);
                bytes(pos + 8, PAYLOAD_BYTES);
            }
            case 1, 58 -> {
                bytes(pos, 2);
                bytes(pos + 4, PAYLOAD_BYTES);
            }
            default -> bytes(pos, PAYLOAD_BYTES);
        }
    }

    /** Mixes in up to {@code n} bytes from {@code pos}, as many as were captured, and how many. */
    private void bytes(int pos, int n) {
        int end = Math.min(length, pos + Math.max(n, 0));
        int count = 0;
        for (int i = Math.max(pos, 0); i < end; i++, count++) {
            mix(data[base + i]);
        }
        mixInt(count);
    }

    private void mixInt(int v) {
        mix((byte) (v >>> 24));
        mix((byte) (v >>> 16));
        mix((byte) (v >>> 8));
        mix((byte) v);
    }

    private void mix(byte b) {
        hash = (hash ^ (b & 0xff)) * FNV_PRIME;
    }

    private boolean has(int pos, int n) {
        return pos >= 0 && pos <= length - n;
    }

    private int u8(int pos) {
        return data[base + pos] & 0xff;
    }

    private int u16(int pos) {
        return (u8(pos) << 8) | u8(pos + 1);
    }
}

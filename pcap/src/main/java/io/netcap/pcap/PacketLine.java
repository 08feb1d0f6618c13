package io.netcap.pcap;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.pcap4j.packet.ArpPacket;
import org.pcap4j.packet.Dot1qVlanTagPacket;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IcmpV4CommonPacket;
import org.pcap4j.packet.IcmpV6CommonPacket;
import org.pcap4j.packet.IllegalRawDataException;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV6ExtFragmentPacket;
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpMaximumSegmentSizeOption;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.TcpSackOption;
import org.pcap4j.packet.TcpTimestampsOption;
import org.pcap4j.packet.TcpWindowScaleOption;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.packet.namednumber.TcpOptionKind;

/**
 * The built-in decoder (--decoder builtin): one line per packet in the shape of tcpdump -nn's
 * (local time with microseconds, {@code IP}/{@code IP6}/{@code ARP}, addresses and ports,
 * TCP flags, sequence numbers relative within a connection as tcpdump makes them, ack, window,
 * options and length, UDP length, ICMP and ICMPv6 messages), decoded with pcap4j's packet
 * classes. An 802.1Q or 802.1ad tag, which tcpdump shows only with -e, is shown as tcpdump -e
 * words it ({@code vlan 100, p 0, }) before the protocol.
 *
 * <p>It names no application protocols (tcpdump decodes DNS, HTTP and many others from the
 * port); for those it prints the transport line. What it cannot decode it shows as tcpdump
 * does an unknown protocol, e.g. {@code ip-proto-47 24}, and a packet cut short before a header
 * ends in {@code [|tcp]} and the like.
 *
 * <p>One instance per display: it remembers each TCP connection's first sequence numbers.
 */
final class PacketLine {
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_ARP = 0x0806;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int ETHERTYPE_QINQ = 0x88a8;
    private static final int ETHERTYPE_IPV6 = 0x86dd;
    private static final int ETHER_HEADER = 14;

    private final DateTimeFormatter time;
    private final TcpSequences sequences = new TcpSequences();

    /** @param zone the time zone of the printed times (tcpdump prints local time) */
    PacketLine(ZoneId zone) {
        this.time = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(zone);
    }

    /** The packet's line, without a newline. */
    String format(CapturedPacket p) {
        StringBuilder sb = new StringBuilder(128);
        long ns = p.timestampNanos();
        Instant at = Instant.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L));
        sb.append(time.format(at)).append('.')
                .append(String.format("%06d", Math.floorMod(ns, 1_000_000_000L) / 1000)).append(' ');
        byte[] data = p.bytes();
        int wire = p.wireLength();
        int start = sb.length();
        try {
            if (p.linkType() == LinkType.ETHERNET) {
                ethernet(sb, data, wire);
            } else {
                int version = data.length == 0 ? 0 : (data[0] & 0xf0) >>> 4;
                network(sb, version == 4 ? ETHERTYPE_IPV4 : version == 6 ? ETHERTYPE_IPV6 : -1, data, 0, wire, null);
            }
        } catch (RuntimeException e) {
            // pcap4j throws more than IllegalRawDataException on bytes cut short (IllegalArgument,
            // IndexOutOfBounds...): one packet it cannot read must not end the capture
            if (sb.length() == start) {
                sb.append("[|packet]");
            } else {
                sb.append(" [|").append(data.length < wire ? "cut at " + data.length + " bytes" : "malformed").append(']');
            }
        }
        return sb.toString();
    }

    private void ethernet(StringBuilder sb, byte[] data, int wire) {
        if (data.length < ETHER_HEADER) {
            sb.append("[|ether]");
            return;
        }
        EthernetPacket eth;
        try {
            eth = EthernetPacket.newPacket(data, 0, data.length);
        } catch (IllegalRawDataException | IllegalArgumentException e) {
            sb.append("[|ether]");
            return;
        }
        int type = eth.getHeader().getType().value() & 0xffff;
        int offset = ETHER_HEADER;
        while ((type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ) && data.length >= offset + 4) {
            Dot1qVlanTagPacket tag;
            try {
                tag = Dot1qVlanTagPacket.newPacket(data, offset, data.length - offset);
            } catch (IllegalRawDataException | IllegalArgumentException e) {
                break;
            }
            Dot1qVlanTagPacket.Dot1qVlanTagHeader h = tag.getHeader();
            sb.append("vlan ").append(h.getVidAsInt()).append(", p ").append(h.getPriority()).append(", ");
            type = h.getType().value() & 0xffff;
            offset += 4;
        }
        network(sb, type, data, offset, wire, eth);
    }

    /** What follows the link layer: IPv4, IPv6, ARP, or an ethertype shown by number. */
    private void network(StringBuilder sb, int type, byte[] data, int offset, int wire, EthernetPacket eth) {
        int length = Math.max(0, wire - offset); // tcpdump's length: what follows the link header on the wire
        try {
            switch (type) {
                case ETHERTYPE_IPV4 -> ipv4(sb, IpV4Packet.newPacket(data, offset, data.length - offset));
                case ETHERTYPE_IPV6 -> ipv6(sb, IpV6Packet.newPacket(data, offset, data.length - offset));
                case ETHERTYPE_ARP -> arp(sb, ArpPacket.newPacket(data, offset, data.length - offset), length);
                default -> {
                    if (eth == null) {
                        sb.append("IP [version ").append(data.length == 0 ? "?" : (data[0] & 0xf0) >>> 4)
                                .append("], length ").append(wire);
                    } else {
                        sb.append(eth.getHeader().getSrcAddr()).append(" > ").append(eth.getHeader().getDstAddr());
                        if (type <= 1500) { // a length: an 802.3 frame with an LLC header
                            sb.append(", 802.3, length ").append(wire);
                        } else {
                            sb.append(", ethertype Unknown (0x").append(String.format("%04x", type))
                                    .append("), length ").append(wire);
                        }
                    }
                }
            }
        } catch (IllegalRawDataException | IllegalArgumentException e) {
            sb.append(type == ETHERTYPE_IPV6 ? "IP6 " : type == ETHERTYPE_ARP ? "ARP, " : "IP ").append("[|")
                    .append(type == ETHERTYPE_IPV6 ? "ip6" : type == ETHERTYPE_ARP ? "arp" : "ip").append(']');
        }
    }

    private void ipv4(StringBuilder sb, IpV4Packet ip) {
        IpV4Packet.IpV4Header h = ip.getHeader();
        String src = h.getSrcAddr().getHostAddress();
        String dst = h.getDstAddr().getHostAddress();
        int protocol = h.getProtocol().value() & 0xff;
        int payloadLength = Math.max(0, h.getTotalLengthAsInt() - h.getIhlAsInt() * 4);
        sb.append("IP ");
        byte[] payload = ip.getPayload() == null ? new byte[0] : ip.getPayload().getRawData();
        if (h.getFragmentOffset() != 0) {
            // a later fragment: no transport header to decode
            sb.append(src).append(" > ").append(dst).append(": ip-proto-").append(protocol);
            return;
        }
        transport(sb, src, dst, protocol, payload, payloadLength, false);
    }

    private void ipv6(StringBuilder sb, IpV6Packet ip) {
        IpV6Packet.IpV6Header h = ip.getHeader();
        String src = address(h.getSrcAddr());
        String dst = address(h.getDstAddr());
        int next = h.getNextHeader().value() & 0xff;
        int length = h.getPayloadLengthAsInt();
        sb.append("IP6 ");
        Packet payload = ip.getPayload();
        // extension headers: each is a packet of its own in pcap4j, carrying the rest. After one,
        // tcpdump prints its name and then ports without addresses, as here.
        boolean afterExtension = false;
        while (payload != null && next != 6 && next != 17 && next != 58) {
            if (payload instanceof IpV6ExtFragmentPacket frag) {
                IpV6ExtFragmentPacket.IpV6ExtFragmentHeader fh = frag.getHeader();
                int offset = (fh.getFragmentOffset() & 0xffff) * 8;
                if (!afterExtension) {
                    sb.append(src).append(" > ").append(dst).append(": ");
                }
                sb.append("frag (").append(offset).append('|').append(length - 8).append(')');
                if (offset != 0) {
                    return;
                }
                sb.append(' ');
                next = fh.getNextHeader().value() & 0xff;
                length -= 8;
                payload = frag.getPayload();
                afterExtension = true;
                continue;
            }
            String name = next == 0 ? "HBH" : next == 60 ? "DSTOPT" : null;
            int headerLength = extensionLength(next, payload.getRawData());
            if (name == null || headerLength < 0) {
                if (!afterExtension) {
                    sb.append(src).append(" > ").append(dst).append(":");
                }
                sb.append(" ip-proto-").append(next).append(' ').append(length);
                return;
            }
            if (!afterExtension) {
                sb.append(src).append(" > ").append(dst).append(": ");
            }
            sb.append(name).append(' ');
            afterExtension = true;
            next = payload.getRawData()[0] & 0xff;
            length -= headerLength;
            payload = payload.getPayload();
        }
        byte[] raw = payload == null ? new byte[0] : payload.getRawData();
        transport(sb, afterExtension ? null : src, afterExtension ? null : dst, next, raw, length, true);
    }

    /** The length of an IPv6 extension header of these kinds (hop-by-hop, routing, destination options), else -1. */
    private static int extensionLength(int next, byte[] raw) {
        if ((next == 0 || next == 43 || next == 60) && raw.length >= 2) {
            return ((raw[1] & 0xff) + 1) * 8;
        }
        return -1;
    }

    /**
     * The transport part. {@code src} and {@code dst} are null after an IPv6 fragment header,
     * where tcpdump prints ports without addresses ({@code frag (0|20) 40004 > 8080: ...}).
     */
    private void transport(StringBuilder sb, String src, String dst, int protocol, byte[] payload, int length,
                           boolean v6) {
        try {
            switch (protocol) {
                case 6 -> tcp(sb, src, dst, TcpPacket.newPacket(payload, 0, payload.length), length);
                case 17 -> udp(sb, src, dst, UdpPacket.newPacket(payload, 0, payload.length));
                case 1 -> {
                    addresses(sb, src, dst);
                    icmp(sb, IcmpV4CommonPacket.newPacket(payload, 0, payload.length), payload, length);
                }
                case 58 -> {
                    addresses(sb, src, dst);
                    icmp6(sb, IcmpV6CommonPacket.newPacket(payload, 0, payload.length), payload, length);
                }
                default -> {
                    addresses(sb, src, dst);
                    sb.append(src != null ? "  " : "").append("ip-proto-").append(protocol).append(' ').append(length);
                }
            }
        } catch (IllegalRawDataException | IllegalArgumentException e) {
            if (src != null) {
                sb.append(src).append(" > ").append(dst).append(':');
            }
            sb.append(" [|").append(switch (protocol) {
                case 6 -> "tcp";
                case 17 -> "udp";
                case 1 -> "icmp";
                case 58 -> "icmp6";
                default -> "ip";
            }).append(']');
        }
    }

    private static void addresses(StringBuilder sb, String src, String dst) {
        if (src != null) {
            sb.append(src).append(" > ").append(dst).append(':');
        }
    }

    /** A space unless the line already ends in one (after "HBH ", where tcpdump prints no addresses). */
    private static StringBuilder space(StringBuilder sb) {
        return sb.charAt(sb.length() - 1) == ' ' ? sb : sb.append(' ');
    }

    private static void ports(StringBuilder sb, String src, String dst, int sport, int dport) {
        if (src != null) {
            sb.append(src).append('.').append(sport).append(" > ").append(dst).append('.').append(dport).append(": ");
        } else {
            sb.append(sport).append(" > ").append(dport).append(": ");
        }
    }

    private void tcp(StringBuilder sb, String src, String dst, TcpPacket tcp, int ipPayloadLength) {
        TcpPacket.TcpHeader h = tcp.getHeader();
        int sport = h.getSrcPort().valueAsInt();
        int dport = h.getDstPort().valueAsInt();
        ports(sb, src, dst, sport, dport);
        int flags = tcp.getRawData()[13] & 0xff;
        sb.append("Flags [").append(TcpSequences.flags(flags)).append(']');
        long seq = h.getSequenceNumberAsLong();
        long ack = h.getAcknowledgmentNumberAsLong();
        int headerLength = h.getDataOffsetAsInt() * 4;
        int dataLength = ipPayloadLength - headerLength;
        TcpSequences.Relative rel = (flags & TcpSequences.ACK) != 0 && src != null
                ? sequences.relative(src, dst, sport, dport, seq, ack, (flags & TcpSequences.SYN) != 0)
                : new TcpSequences.Relative(seq, ack, 0, 0, false);
        if (dataLength > 0 || (flags & (TcpSequences.SYN | TcpSequences.FIN | TcpSequences.RST)) != 0) {
            sb.append(", seq ").append(rel.seq());
            if (dataLength > 0) {
                sb.append(':').append((rel.seq() + dataLength) & 0xffffffffL);
            }
        }
        if ((flags & TcpSequences.ACK) != 0) {
            sb.append(", ack ").append(rel.ack());
        }
        sb.append(", win ").append(h.getWindowAsInt());
        if ((flags & TcpSequences.URG) != 0) {
            sb.append(", urg ").append(h.getUrgentPointerAsInt());
        }
        List<TcpPacket.TcpOption> options = h.getOptions();
        if (!options.isEmpty()) {
            sb.append(", options [");
            boolean first = true;
            for (TcpPacket.TcpOption o : options) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                tcpOption(sb, o, rel);
            }
            sb.append(']');
        }
        sb.append(", length ").append(Math.max(0, dataLength));
    }

    private static void tcpOption(StringBuilder sb, TcpPacket.TcpOption o, TcpSequences.Relative rel) {
        TcpOptionKind kind = o.getKind();
        if (o instanceof TcpMaximumSegmentSizeOption mss) {
            sb.append("mss ").append(mss.getMaxSegSizeAsInt());
        } else if (o instanceof TcpWindowScaleOption ws) {
            sb.append("wscale ").append(ws.getShiftCountAsInt());
        } else if (o instanceof TcpTimestampsOption ts) {
            sb.append("TS val ").append(Integer.toUnsignedLong(ts.getTsValue()))
                    .append(" ecr ").append(Integer.toUnsignedLong(ts.getTsEchoReply()));
        } else if (o instanceof TcpSackOption sack) {
            byte[] raw = sack.getRawData(); // kind, length, then pairs of edges (pcap4j has no getter for them)
            int blocks = (raw.length - 2) / 8;
            sb.append("sack ").append(blocks).append(' ');
            long base = rel.reversed() ? rel.baseSeq() : rel.baseAck();
            for (int i = 0; i < blocks; i++) {
                long left = u32(raw, 2 + 8 * i);
                long right = u32(raw, 6 + 8 * i);
                sb.append('{').append((left - base) & 0xffffffffL).append(':')
                        .append((right - base) & 0xffffffffL).append('}');
            }
        } else if (kind.equals(TcpOptionKind.NO_OPERATION)) {
            sb.append("nop");
        } else if (kind.equals(TcpOptionKind.END_OF_OPTION_LIST)) {
            sb.append("eol");
        } else if (kind.equals(TcpOptionKind.SACK_PERMITTED)) {
            sb.append("sackOK");
        } else {
            sb.append("unknown-").append(kind.value() & 0xff);
        }
    }

    private static void udp(StringBuilder sb, String src, String dst, UdpPacket udp) {
        UdpPacket.UdpHeader h = udp.getHeader();
        ports(sb, src, dst, h.getSrcPort().valueAsInt(), h.getDstPort().valueAsInt());
        sb.append("UDP, length ").append(Math.max(0, h.getLengthAsInt() - 8));
    }

    private static void icmp(StringBuilder sb, IcmpV4CommonPacket icmp, byte[] raw, int length) {
        int type = icmp.getHeader().getType().value() & 0xff;
        int code = icmp.getHeader().getCode().value() & 0xff;
        space(sb).append("ICMP ");
        switch (type) {
            case 0, 8 -> sb.append("echo ").append(type == 8 ? "request" : "reply").append(", id ").append(u16(raw, 4))
                    .append(", seq ").append(u16(raw, 6));
            case 3 -> unreachable(sb, code, raw);
            case 11 -> sb.append(code == 0 ? "time exceeded in-transit"
                    : code == 1 ? "ip reassembly time exceeded" : "time exceeded-#" + code);
            case 4 -> sb.append("source quench");
            case 10 -> sb.append("router solicitation");
            case 15 -> sb.append("information request");
            case 16 -> sb.append("information reply");
            case 17 -> sb.append("address mask request");
            default -> sb.append("type-#").append(type);
        }
        sb.append(", length ").append(length);
    }

    /** ICMP destination unreachable: what tcpdump says, from the returned IP header (at byte 8). */
    private static void unreachable(StringBuilder sb, int code, byte[] raw) {
        String inner = raw.length >= 8 + 20 ? (raw[8 + 16] & 0xff) + "." + (raw[8 + 17] & 0xff) + "."
                + (raw[8 + 18] & 0xff) + "." + (raw[8 + 19] & 0xff) : "?";
        int innerProto = raw.length >= 8 + 10 ? raw[8 + 9] & 0xff : -1;
        int innerHeader = raw.length > 8 ? (raw[8] & 0x0f) * 4 : 0;
        switch (code) {
            case 0 -> sb.append("net ").append(inner).append(" unreachable");
            case 1 -> sb.append("host ").append(inner).append(" unreachable");
            case 2 -> sb.append(inner).append(" protocol ").append(innerProto).append(" unreachable");
            case 3 -> {
                int portAt = 8 + innerHeader + 2;
                String port = raw.length >= portAt + 2 ? Integer.toString(u16(raw, portAt)) : "?";
                String proto = innerProto == 6 ? "tcp" : innerProto == 17 ? "udp" : null;
                if (proto != null) {
                    sb.append(inner).append(' ').append(proto).append(" port ").append(port).append(" unreachable");
                } else {
                    sb.append(inner).append(" protocol ").append(innerProto).append(" port ").append(port)
                            .append(" unreachable");
                }
            }
            case 4 -> sb.append(inner).append(" unreachable - need to frag (mtu ").append(u16(raw, 6)).append(')');
            case 13 -> sb.append("host ").append(inner).append(" unreachable - admin prohibited filter");
            default -> sb.append(inner).append(" unreachable - #").append(code);
        }
    }

    private static void icmp6(StringBuilder sb, IcmpV6CommonPacket icmp, byte[] raw, int length) {
        int type = icmp.getHeader().getType().value() & 0xff;
        space(sb).append("ICMP6, ");
        switch (type) {
            case 128, 129 -> sb.append("echo ").append(type == 128 ? "request" : "reply").append(", id ")
                    .append(u16(raw, 4)).append(", seq ").append(u16(raw, 6));
            case 133 -> sb.append("router solicitation");
            case 134 -> sb.append("router advertisement");
            case 135 -> sb.append("neighbor solicitation, who has ").append(address6(raw, 8));
            case 136 -> sb.append("neighbor advertisement, tgt is ").append(address6(raw, 8));
            case 137 -> sb.append("redirect");
            case 1 -> sb.append("destination unreachable");
            case 2 -> sb.append("packet too big");
            case 3 -> sb.append("time exceeded");
            case 4 -> sb.append("parameter problem");
            case 143 -> sb.append("multicast listener report v2");
            default -> sb.append("type-#").append(type);
        }
        sb.append(", length ").append(length);
    }

    private static void arp(StringBuilder sb, ArpPacket arp, int length) {
        ArpPacket.ArpHeader h = arp.getHeader();
        int op = h.getOperation().value() & 0xffff;
        sb.append("ARP, ");
        String spa = h.getSrcProtocolAddr().getHostAddress();
        String tpa = h.getDstProtocolAddr().getHostAddress();
        if (op == 1) {
            sb.append("Request who-has ").append(tpa);
            byte[] tha = h.getDstHardwareAddr().getAddress();
            boolean zero = true;
            for (byte b : tha) {
                zero &= b == 0;
            }
            if (!zero) {
                sb.append(" (").append(h.getDstHardwareAddr()).append(')');
            }
            sb.append(" tell ").append(spa);
        } else if (op == 2) {
            sb.append("Reply ").append(spa).append(" is-at ").append(h.getSrcHardwareAddr());
        } else {
            sb.append("op ").append(op);
        }
        sb.append(", length ").append(length);
    }

    private static int u16(byte[] b, int at) {
        return at + 2 <= b.length ? ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff) : 0;
    }

    private static long u32(byte[] b, int at) {
        return ((long) u16(b, at) << 16) | u16(b, at + 2);
    }

    private static String address6(byte[] b, int at) {
        if (b.length < at + 16) {
            return "?";
        }
        byte[] a = new byte[16];
        System.arraycopy(b, at, a, 0, 16);
        return Ipv6Text.of(a);
    }

    private static String address(InetAddress a) {
        return a instanceof Inet6Address ? Ipv6Text.of(a.getAddress()) : a.getHostAddress();
    }
}

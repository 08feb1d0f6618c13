package io.netcap.pcap;

/**
 * Walks Ethernet / VLAN / ARP / IPv4 / IPv6 / TCP / UDP / ICMP headers of one packet to fill a
 * {@link PacketSummary}. A small hand-written parser rather than pcap4j: it needs a dozen
 * fields, must not allocate per header or throw on damaged input, and every read is bounds
 * checked against the captured length, so truncated packets simply stop decoding.
 */
final class PacketDecoder {
    private static final int ETH_IPV4 = 0x0800;
    private static final int ETH_IPV6 = 0x86DD;
    private static final int ETH_ARP = 0x0806;
    private static final int ETH_VLAN = 0x8100;
    private static final int ETH_QINQ = 0x88A8;
    private static final int ETH_QINQ_OLD = 0x9100;

    private final CapturedPacket packet;
    private final byte[] data;
    private final int base;
    private final int length;

    private Integer etherType;
    private String srcMac;
    private String dstMac;
    private Integer vlanId;
    private String srcIp;
    private String dstIp;
    private Integer ipProtocol;
    private Integer srcPort;
    private Integer dstPort;
    private String tcpFlags;
    private Integer icmpType;
    private Integer icmpCode;
    private boolean truncated;

    PacketDecoder(CapturedPacket packet) {
        this.packet = packet;
        this.data = packet.data();
        this.base = packet.offset();
        this.length = packet.length();
    }

    PacketSummary decode() {
        int linkType = packet.linkType();
        if (linkType == LinkType.ETHERNET) {
            ethernet();
        } else if (LinkType.isRawIp(linkType)) {
            int type = SyntheticEthernet.etherTypeFor(linkType, data, base, length);
            if (type != SyntheticEthernet.UNKNOWN_ETHERTYPE) {
                etherType = type;
                network(type, 0);
            } else if (length == 0) {
                truncated = true;
            }
        }
        return new PacketSummary(LinkType.name(linkType), etherType, srcMac, dstMac, vlanId,
                srcIp, dstIp, ipProtocol, ipProtocol == null ? null : protocolName(ipProtocol),
                srcPort, dstPort, tcpFlags, icmpType, icmpCode, truncated);
    }

    private void ethernet() {
        if (!has(0, 14)) {
            truncated = true;
            return;
        }
        dstMac = mac(0);
        srcMac = mac(6);
        int type = u16(12);
        int pos = 14;
        while (type == ETH_VLAN || type == ETH_QINQ || type == ETH_QINQ_OLD) {
            if (!has(pos, 4)) {
                truncated = true;
                return; // the ethertype of the payload is unknown
            }
            if (vlanId == null) {
                vlanId = u16(pos) & 0x0fff;
            }
            type = u16(pos + 2);
            pos += 4;
        }
        etherType = type;
        network(type, pos);
    }

    private void network(int type, int pos) {
        switch (type) {
            case ETH_IPV4: ipv4(pos); break;
            case ETH_IPV6: ipv6(pos); break;
            case ETH_ARP: arp(pos); break;
            default: break;
        }
    }

    private void arp(int pos) {
        // Only the common case carries IPv4 addresses: Ethernet hardware, IPv4 protocol.
        if (!has(pos, 8)) {
            truncated = true;
            return;
        }
        int hlen = u8(pos + 4);
        int plen = u8(pos + 5);
        if (u16(pos + 2) != ETH_IPV4 || plen != 4) {
            return;
        }
        int spa = pos + 8 + hlen;
        int tpa = spa + plen + hlen;
        if (!has(tpa, 4)) {
            truncated = true;
            if (has(spa, 4)) {
                srcIp = ipv4Address(spa);
            }
            return;
        }
        srcIp = ipv4Address(spa);
        dstIp = ipv4Address(tpa);
    }

    private void ipv4(int pos) {
        if (!has(pos, 20)) {
            truncated = true;
            return;
        }
        int headerLength = (u8(pos) & 0x0f) * 4;
        ipProtocol = u8(pos + 9);
        srcIp = ipv4Address(pos + 12);
        dstIp = ipv4Address(pos + 16);
        boolean laterFragment = (u16(pos + 6) & 0x1fff) != 0;
        if (headerLength < 20 || laterFragment) {
            return; // bad header, or no transport header in this fragment
        }
        transport(ipProtocol, pos + headerLength);
    }

    private void ipv6(int pos) {
        if (!has(pos, 40)) {
            truncated = true;
            return;
        }
        srcIp = ipv6Address(pos + 8);
        dstIp = ipv6Address(pos + 24);
        int next = u8(pos + 6);
        int at = pos + 40;
        // Skip extension headers to the upper-layer protocol (bounded: at most 16 of them).
        for (int hops = 0; hops < 16; hops++) {
            int headerLength;
            switch (next) {
                case 0: case 43: case 60: // hop-by-hop, routing, destination options
                    if (!has(at, 2)) {
                        ipProtocol = next;
                        truncated = true;
                        return;
                    }
                    headerLength = (u8(at + 1) + 1) * 8;
                    break;
                case 51: // authentication header counts 4-byte units
                    if (!has(at, 2)) {
                        ipProtocol = next;
                        truncated = true;
                        return;
                    }
                    headerLength = (u8(at + 1) + 2) * 4;
                    break;
                case 44: // fragment
                    if (!has(at, 8)) {
                        ipProtocol = next;
                        truncated = true;
                        return;
                    }
                    if ((u16(at + 2) & 0xfff8) != 0) {
                        ipProtocol = u8(at);
                        return; // later fragment: no transport header here
                    }
                    headerLength = 8;
                    break;
                default:
                    ipProtocol = next;
                    transport(next, at);
                    return;
            }
            next = u8(at);
            at += headerLength;
        }
        ipProtocol = next;
    }

    private void transport(int protocol, int pos) {
        switch (protocol) {
            case 6: // TCP
                if (ports(pos)) {
                    if (has(pos, 14)) {
                        tcpFlags = tcpFlags(u8(pos + 13), u8(pos + 12) & 1);
                    } else {
                        truncated = true;
                    }
                }
                break;
            case 17: case 33: case 132: case 136: // UDP, DCCP, SCTP, UDP-Lite
                ports(pos);
                break;
            case 1: case 58: // ICMP, ICMPv6
                if (has(pos, 2)) {
                    icmpType = u8(pos);
                    icmpCode = u8(pos + 1);
                } else {
                    truncated = true;
                }
                break;
            default:
                break;
        }
    }

    private boolean ports(int pos) {
        if (!has(pos, 4)) {
            truncated = true;
            return false;
        }
        srcPort = u16(pos);
        dstPort = u16(pos + 2);
        return true;
    }

    static String tcpFlags(int flags, int ns) {
        StringBuilder sb = new StringBuilder(9);
        if ((flags & 0x01) != 0) sb.append('F');
        if ((flags & 0x02) != 0) sb.append('S');
        if ((flags & 0x04) != 0) sb.append('R');
        if ((flags & 0x08) != 0) sb.append('P');
        if ((flags & 0x10) != 0) sb.append('A');
        if ((flags & 0x20) != 0) sb.append('U');
        if ((flags & 0x40) != 0) sb.append('E');
        if ((flags & 0x80) != 0) sb.append('C');
        if (ns != 0) sb.append('N');
        return sb.toString();
    }

    static String protocolName(int protocol) {
        switch (protocol) {
            case 0: return "HOPOPT";
            case 1: return "ICMP";
            case 2: return "IGMP";
            case 4: return "IPIP";
            case 6: return "TCP";
            case 17: return "UDP";
            case 33: return "DCCP";
            case 41: return "IPv6";
            case 43: return "IPv6-Route";
            case 44: return "IPv6-Frag";
            case 47: return "GRE";
            case 50: return "ESP";
            case 51: return "AH";
            case 58: return "ICMPv6";
            case 59: return "IPv6-NoNxt";
            case 60: return "IPv6-Opts";
            case 89: return "OSPF";
            case 103: return "PIM";
            case 112: return "VRRP";
            case 132: return "SCTP";
            case 136: return "UDPLite";
            default: return "ip-proto-" + protocol;
        }
    }

    private boolean has(int pos, int n) {
        return pos >= 0 && n >= 0 && pos <= length - n;
    }

    private int u8(int pos) {
        return data[base + pos] & 0xff;
    }

    private int u16(int pos) {
        return (u8(pos) << 8) | u8(pos + 1);
    }

    private String mac(int pos) {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < 6; i++) {
            if (i > 0) {
                sb.append(':');
            }
            hex2(sb, u8(pos + i));
        }
        return sb.toString();
    }

    private static void hex2(StringBuilder sb, int b) {
        sb.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xf, 16));
    }

    private String ipv4Address(int pos) {
        return u8(pos) + "." + u8(pos + 1) + "." + u8(pos + 2) + "." + u8(pos + 3);
    }

    /** RFC 5952: lower-case hex, no leading zeros, the longest run (≥ 2) of zero groups as "::". */
    private String ipv6Address(int pos) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = u16(pos + 2 * i);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not compressed
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }
}

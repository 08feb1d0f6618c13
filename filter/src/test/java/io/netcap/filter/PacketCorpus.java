package io.netcap.filter;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The packets the differential test runs every expression over, built byte by byte: Ethernet
 * frames for the L2 program, and the same IP packets without the Ethernet header for the L3
 * program. Every packet also appears truncated at each header boundary and a couple of bytes
 * either side; the wire length stays the original length, as in a capture with a short snaplen.
 */
final class PacketCorpus {
    /** One corpus entry: what it is, and the bytes and lengths the filter sees. */
    record Sample(String description, HostShim.Input input) {}

    static final String MAC_A = "00:11:22:33:44:55";
    static final String MAC_B = "66:77:88:99:aa:bb";
    static final String MAC_BCAST = "ff:ff:ff:ff:ff:ff";
    static final String MAC_MCAST4 = "01:00:5e:00:00:fb";
    static final String MAC_MCAST6 = "33:33:00:00:00:01";

    private static final int ETH_IPV4 = 0x0800, ETH_IPV6 = 0x86dd, ETH_ARP = 0x0806, ETH_VLAN = 0x8100, ETH_QINQ = 0x88a8;
    private static final int TCP = 6, UDP = 17, ICMP = 1, GRE = 47, ESP = 50, ICMP6 = 58, SCTP = 132;
    private static final int SYN = 0x02, ACK = 0x10, FIN = 0x01, RST = 0x04, PSH = 0x08, URG = 0x20;

    private PacketCorpus() {}

    /** Ethernet frames, untruncated. */
    static List<PacketBuilder.Packet> ethernetFrames() {
        List<PacketBuilder.Packet> p = new ArrayList<>();
        // IPv4 / TCP
        p.add(eth4().ipv4("10.0.0.1", "10.0.0.2", TCP, 20).tcp(12345, 80, SYN, 0).build("ipv4 tcp syn 10.0.0.1:12345 > 10.0.0.2:80"));
        p.add(eth4().ipv4("10.0.0.2", "10.0.0.1", TCP, 20).tcp(80, 12345, SYN | ACK, 0).build("ipv4 tcp syn-ack 10.0.0.2:80 > 10.0.0.1:12345"));
        p.add(eth4().ipv4("10.0.0.1", "192.168.1.10", TCP, 140).tcp(22, 40000, ACK | PSH, 0).payload(120).build("ipv4 tcp psh-ack ssh with 120-byte payload"));
        p.add(eth4().ipv4("192.168.1.10", "10.0.0.3", TCP, 32).tcp(50000, 8080, SYN, 12).build("ipv4 tcp syn with 12 bytes of options to 8080"));
        p.add(eth4().ipv4("8.8.8.8", "192.168.1.10", TCP, 20).tcp(443, 51000, FIN | ACK, 0).build("ipv4 tcp fin-ack from 443"));
        p.add(eth4().ipv4("10.0.0.2", "10.0.0.1", TCP, 20).tcp(22, 40000, RST, 0).build("ipv4 tcp rst from 22"));
        p.add(eth4().ipv4("10.0.0.1", "10.0.0.2", TCP, 24).tcp(1023, 2000, URG | ACK, 0).payload(4).build("ipv4 tcp urg-ack 1023 > 2000"));
        // IPv4 / UDP
        p.add(eth4().ipv4("192.168.1.10", "8.8.8.8", UDP, 38).udp(33333, 53, 30).payload(30).build("ipv4 udp dns query 192.168.1.10 > 8.8.8.8:53"));
        p.add(eth4().ipv4("8.8.8.8", "192.168.1.10", UDP, 308).udp(53, 33333, 300).payload(300).build("ipv4 udp dns 300-byte answer"));
        p.add(new PacketBuilder().ethernet(MAC_MCAST4, MAC_A, ETH_IPV4).ipv4("192.168.1.10", "224.0.0.251", UDP, 28).udp(5353, 5353, 20).payload(20).build("ipv4 udp mdns to 224.0.0.251"));
        p.add(new PacketBuilder().ethernet(MAC_BCAST, MAC_A, ETH_IPV4).ipv4("10.0.0.1", "255.255.255.255", UDP, 40).udp(68, 67, 32).payload(32).build("ipv4 udp dhcp broadcast"));
        p.add(eth4().ipv4("10.0.0.5", "10.0.0.6", UDP, 1408).udp(12345, 12346, 1400).payload(1400).build("ipv4 udp 1400-byte payload"));
        // ICMP
        p.add(eth4().ipv4("10.0.0.1", "8.8.8.8", ICMP, 40).icmp(8, 0).payload(32).build("ipv4 icmp echo request"));
        p.add(eth4().ipv4("8.8.8.8", "10.0.0.1", ICMP, 40).icmp(0, 0).payload(32).build("ipv4 icmp echo reply"));
        p.add(eth4().ipv4("10.0.0.254", "10.0.0.1", ICMP, 36).icmp(3, 3).payload(28).build("ipv4 icmp port unreachable"));
        // IPv4 options and fragments
        p.add(eth4().ipv4("10.0.0.1", "10.0.0.2", TCP, 20, new byte[] {(byte) 0x94, 4, 0, 0, 1, 1, 1, 0}, 0x4000)
                .tcp(40001, 80, SYN, 0).build("ipv4 with 8 bytes of options, tcp syn to 80"));
        p.add(eth4().ipv4("192.168.1.10", "8.8.8.8", UDP, 20, new byte[] {1, 1, 1, 0}, 0)
                .udp(33334, 53, 12).payload(12).build("ipv4 with 4 bytes of options, udp to 53"));
        p.add(eth4().ipv4("10.0.0.1", "10.0.0.2", UDP, 1480, new byte[0], 0x2000).udp(5000, 53, 1472).payload(100).build("ipv4 first fragment (mf, offset 0) udp to 53"));
        p.add(eth4().ipv4("10.0.0.1", "10.0.0.2", UDP, 1480, new byte[0], 0x2000 | 185).payload(100).build("ipv4 middle fragment (mf, offset 185)"));
        p.add(eth4().ipv4("10.0.0.1", "10.0.0.2", UDP, 200, new byte[0], 370).payload(100).build("ipv4 last fragment (offset 370)"));
        // other IPv4 protocols
        p.add(eth4().ipv4("10.0.0.1", "10.0.0.2", GRE, 44).gre(0x0800).ipv4("172.16.0.1", "172.16.0.2", TCP, 20).tcp(1234, 80, SYN, 0)
                .build("ipv4 gre carrying ipv4 tcp to 80"));
        p.add(eth4().ipv4("10.1.1.1", "10.2.2.2", SCTP, 32).sctp(36412, 38412).build("ipv4 sctp 36412 > 38412"));
        p.add(eth4().ipv4("10.0.0.1", "10.0.0.2", ESP, 24).payload(24).build("ipv4 esp"));
        // IPv6
        p.add(eth6().ipv6("2001:db8::1", "2001:db8::2", TCP, 20).tcp(40000, 80, SYN, 0).build("ipv6 tcp syn 2001:db8::1 > 2001:db8::2:80"));
        p.add(eth6().ipv6("2001:db8::1", "2001:db8::53", UDP, 28).udp(40001, 53, 20).payload(20).build("ipv6 udp dns query"));
        p.add(eth6().ipv6("2001:db8::1", "2001:db8::2", ICMP6, 16).icmp6(128, 0).payload(8).build("ipv6 icmp6 echo request"));
        p.add(new PacketBuilder().ethernet(MAC_MCAST6, MAC_A, ETH_IPV6).ipv6("fe80::1", "ff02::1:ff00:2", ICMP6, 32).icmp6(135, 0).payload(24)
                .build("ipv6 icmp6 neighbor solicitation to ff02::1:ff00:2"));
        p.add(eth6().ipv6("2001:db8::2", "2001:db8::1", 0, 28).ipv6Extension(TCP, 0).tcp(443, 40002, ACK, 0)
                .build("ipv6 hop-by-hop then tcp from 443"));
        p.add(eth6().ipv6("2001:db8::1", "2001:db8::53", 0, 56).ipv6Extension(60, 0).ipv6Extension(43, 1).ipv6Extension(UDP, 0)
                .udp(40003, 53, 0).build("ipv6 hop-by-hop, dst opts, routing, dst opts then udp to 53"));
        p.add(eth6().ipv6("2001:db8::1", "2001:db8::2", 44, 28).ipv6Fragment(TCP, 0, true).tcp(40004, 80, SYN, 0)
                .build("ipv6 first fragment then tcp to 80"));
        p.add(eth6().ipv6("2001:db8::1", "2001:db8::2", 44, 108).ipv6Fragment(TCP, 100, false).payload(100)
                .build("ipv6 non-first fragment of tcp"));
        p.add(eth6().ipv6("2001:db8::1", "2001:db8::53", 60, 32).ipv6Extension(44, 0).ipv6Fragment(UDP, 0, true).udp(40005, 53, 0)
                .build("ipv6 dst opts, fragment then udp to 53"));
        p.add(eth6().ipv6("2001:db8::3", "2001:db8::1", 43, 44).ipv6Extension(TCP, 2).tcp(22, 40006, ACK, 0)
                .build("ipv6 routing header then tcp from 22"));
        p.add(eth6().ipv6("2001:db8::1", "2001:db8::2", 51, 44).ipv6Auth(TCP).tcp(40007, 80, SYN, 0)
                .build("ipv6 authentication header then tcp to 80"));
        p.add(eth6().ipv6("2001:db8::1", "2001:db8::2", 59, 0).build("ipv6 no next header"));
        p.add(new PacketBuilder().ethernet(MAC_MCAST6, MAC_A, ETH_IPV6).ipv6("fe80::1", "ff02::16", 0, 36).ipv6Extension(ICMP6, 0)
                .icmp6(143, 0).payload(20).build("ipv6 hop-by-hop then icmp6 mld report to ff02::16"));
        p.add(eth6().ipv6("2001:db8::1", "2001:db8::2", SCTP, 32).sctp(5000, 38412).build("ipv6 sctp to 38412"));
        // ARP
        p.add(new PacketBuilder().ethernet(MAC_BCAST, MAC_A, ETH_ARP).arp(1, MAC_A, "10.0.0.1", "00:00:00:00:00:00", "10.0.0.2")
                .build("arp who-has 10.0.0.2 tell 10.0.0.1"));
        p.add(new PacketBuilder().ethernet(MAC_A, MAC_B, ETH_ARP).arp(2, MAC_B, "10.0.0.2", MAC_A, "10.0.0.1")
                .build("arp reply 10.0.0.2 is-at " + MAC_B));
        // 802.1Q and QinQ
        p.add(new PacketBuilder().ethernet(MAC_B, MAC_A, ETH_VLAN).vlanTag(100, ETH_IPV4).ipv4("10.0.0.1", "8.8.8.8", UDP, 28)
                .udp(33335, 53, 20).payload(20).build("vlan 100 ipv4 udp to 53"));
        p.add(new PacketBuilder().ethernet(MAC_B, MAC_A, ETH_VLAN).vlanTag(200, ETH_IPV4).ipv4("10.0.0.1", "10.0.0.2", TCP, 20)
                .tcp(40008, 80, SYN, 0).build("vlan 200 ipv4 tcp syn to 80"));
        p.add(new PacketBuilder().ethernet(MAC_B, MAC_A, ETH_VLAN).vlanTag(100, ETH_IPV6).ipv6("2001:db8::1", "2001:db8::2", TCP, 20)
                .tcp(40009, 443, SYN, 0).build("vlan 100 ipv6 tcp syn to 443"));
        p.add(new PacketBuilder().ethernet(MAC_B, MAC_A, ETH_QINQ).vlanTag(10, ETH_VLAN).vlanTag(100, ETH_IPV4)
                .ipv4("10.0.0.1", "10.0.0.2", TCP, 20).tcp(40010, 80, SYN, 0).build("qinq 10/100 ipv4 tcp syn to 80"));
        p.add(new PacketBuilder().ethernet(MAC_BCAST, MAC_A, ETH_VLAN).vlanTag(300, ETH_VLAN).vlanTag(20, ETH_ARP)
                .arp(1, MAC_A, "10.0.0.1", "00:00:00:00:00:00", "10.0.0.2").build("double 802.1q 300/20 arp request"));
        p.add(new PacketBuilder().ethernet(MAC_BCAST, MAC_A, ETH_VLAN).vlanTag(100, ETH_ARP)
                .arp(1, MAC_A, "10.0.0.1", "00:00:00:00:00:00", "10.0.0.9").build("vlan 100 arp request"));
        // other link-layer payloads
        p.add(new PacketBuilder().ethernet("01:80:c2:00:00:0e", MAC_A, 0x88cc).payload(40).build("lldp"));
        p.add(new PacketBuilder().ethernet(MAC_B, MAC_A, 0x0040).u8(0xaa).u8(0xaa).u8(3).boundary().payload(61).build("802.3 length frame with llc/snap"));
        p.add(new PacketBuilder().ethernet(MAC_B, MAC_A, 0x9000).payload(46).build("ethertype 0x9000 loopback"));
        return p;
    }

    /** The untagged IPv4/IPv6 frames with their Ethernet header removed. */
    static List<PacketBuilder.Packet> rawIpPackets() {
        List<PacketBuilder.Packet> out = new ArrayList<>();
        for (PacketBuilder.Packet frame : ethernetFrames()) {
            int type = (frame.bytes()[12] & 0xff) << 8 | (frame.bytes()[13] & 0xff);
            if (type != ETH_IPV4 && type != ETH_IPV6) {
                continue;
            }
            byte[] ip = java.util.Arrays.copyOfRange(frame.bytes(), 14, frame.bytes().length);
            List<Integer> boundaries = new ArrayList<>();
            for (int b : frame.boundaries()) {
                if (b > 14) {
                    boundaries.add(b - 14);
                }
            }
            out.add(new PacketBuilder.Packet("raw " + frame.description(), ip, boundaries));
        }
        // A packet that is neither version 4 nor 6 must match no IP filter.
        out.add(new PacketBuilder().u8(0x50).zeros(39).build("raw ip version 5 (neither v4 nor v6)"));
        return out;
    }

    static List<Sample> samples(LinkType linkType) {
        List<PacketBuilder.Packet> packets = linkType == LinkType.ETHERNET ? ethernetFrames() : rawIpPackets();
        List<Sample> samples = new ArrayList<>();
        for (PacketBuilder.Packet packet : packets) {
            int length = packet.bytes().length;
            Set<Integer> capLengths = new LinkedHashSet<>();
            capLengths.add(length);
            for (int boundary : packet.boundaries()) {
                for (int delta = -2; delta <= 2; delta++) {
                    int cap = boundary + delta;
                    if (cap >= 0 && cap <= length) {
                        capLengths.add(cap);
                    }
                }
            }
            for (int cap : capLengths) {
                String what = cap == length ? packet.description()
                        : packet.description() + " [truncated to " + cap + " of " + length + "]";
                samples.add(new Sample(what, new HostShim.Input(packet.bytes(), length, cap)));
            }
        }
        return samples;
    }

    private static PacketBuilder eth4() {
        return new PacketBuilder().ethernet(MAC_B, MAC_A, ETH_IPV4);
    }

    private static PacketBuilder eth6() {
        return new PacketBuilder().ethernet(MAC_B, MAC_A, ETH_IPV6);
    }
}

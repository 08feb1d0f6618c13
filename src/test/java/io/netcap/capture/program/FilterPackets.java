package io.netcap.capture.program;

import static io.netcap.capture.program.PacketBytes.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The packets every filter runs over: Ethernet frames for the L2 program, and the IP packets
 * inside them for the L3 program; each also cut short at header boundaries (wire length kept),
 * as with a small snap length.
 */
final class FilterPackets {
    /** One packet as a filter sees it: {@code bytes.length} captured bytes of {@code wireLength}. */
    record Packet(String description, byte[] bytes, int wireLength) {
        int capturedLength() {
            return bytes.length;
        }

        @Override
        public String toString() {
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < Math.min(bytes.length, 80); i++) {
                hex.append(String.format("%02x", bytes[i] & 0xff)).append(i % 2 == 1 ? " " : "");
            }
            return description + " [captured " + bytes.length + " of " + wireLength + "] " + hex.toString().trim()
                    + (bytes.length > 80 ? " ..." : "");
        }
    }

    static final String MAC_A = "00:11:22:33:44:55";
    static final String MAC_B = "66:77:88:99:aa:bb";
    static final String BROADCAST = "ff:ff:ff:ff:ff:ff";

    /** Cut points: inside and at the end of Ethernet, VLAN, IPv4, IPv6 and transport headers. */
    private static final int[] CUTS = {0, 1, 12, 14, 15, 18, 22, 24, 26, 30, 34, 35, 38, 40, 42, 46, 47, 50, 54, 55, 58, 62, 70};
    private static final int[] L3_CUTS = {0, 1, 8, 10, 16, 20, 21, 24, 26, 28, 34, 40, 41, 44, 48, 54, 60};

    private FilterPackets() {
    }

    private static PacketBytes eth(int type) {
        return new PacketBytes().ethernet(MAC_B, MAC_A, type);
    }

    private static Packet whole(String description, PacketBytes b) {
        byte[] bytes = b.bytes();
        return new Packet(description, bytes, bytes.length);
    }

    /** Untruncated Ethernet frames. */
    static List<Packet> frames() {
        List<Packet> p = new ArrayList<>();
        p.add(whole("ipv4 tcp syn 10.0.0.1:40000 > 10.0.0.2:80", eth(IPV4).ipv4("10.0.0.1", "10.0.0.2", TCP, 20).tcp(40000, 80, SYN, 0)));
        p.add(whole("ipv4 tcp syn-ack 10.0.0.2:80 > 10.0.0.1:40000 with options",
                eth(IPV4).ipv4("10.0.0.2", "10.0.0.1", TCP, 32).tcp(80, 40000, SYN | ACK, 3)));
        p.add(whole("ipv4 tcp psh-ack 192.168.1.10:22 > 10.0.0.1:50022 + 100 bytes",
                eth(IPV4).ipv4("192.168.1.10", "10.0.0.1", TCP, 120).tcp(22, 50022, PSH | ACK, 0).payload(100)));
        p.add(whole("ipv4 tcp fin-ack 8.8.8.8:443 > 192.168.1.10:51000", eth(IPV4).ipv4("8.8.8.8", "192.168.1.10", TCP, 20).tcp(443, 51000, FIN | ACK, 0)));
        p.add(whole("ipv4 tcp rst-urg 10.0.0.2:8080 > 10.0.0.1:1023", eth(IPV4).ipv4("10.0.0.2", "10.0.0.1", TCP, 24).tcp(8080, 1023, RST | URG, 0).payload(4)));
        p.add(whole("ipv4 with options, tcp ack 10.0.0.1:3000 > 10.0.0.2:8500",
                eth(IPV4).ipv4("10.0.0.1", "10.0.0.2", TCP, 20, 128, 0, 2).tcp(3000, 8500, ACK, 0)));
        p.add(whole("ipv4 udp dns 192.168.1.10:33333 > 8.8.8.8:53", eth(IPV4).ipv4("192.168.1.10", "8.8.8.8", UDP, 40).udp(33333, 53, 32).payload(32)));
        p.add(whole("ipv4 udp dns answer 8.8.8.8:53 > 192.168.1.10:33333 (200 bytes)",
                eth(IPV4).ipv4("8.8.8.8", "192.168.1.10", UDP, 208).udp(53, 33333, 200).payload(200)));
        p.add(whole("ipv4 udp mdns to 224.0.0.251", new PacketBytes().ethernet("01:00:5e:00:00:fb", MAC_A, IPV4)
                .ipv4("192.168.1.10", "224.0.0.251", UDP, 28).udp(5353, 5353, 20).payload(20)));
        p.add(whole("ipv4 udp dhcp broadcast", new PacketBytes().ethernet(BROADCAST, MAC_A, IPV4)
                .ipv4("0.0.0.0", "255.255.255.255", UDP, 48).udp(68, 67, 40).payload(40)));
        p.add(whole("ipv4 udp 35000 > 36000 1200 bytes", eth(IPV4).ipv4("10.1.2.3", "10.9.8.7", UDP, 1208).udp(35000, 36000, 1200).payload(1200)));
        p.add(whole("ipv4 icmp echo 10.0.0.1 > 8.8.8.8", eth(IPV4).ipv4("10.0.0.1", "8.8.8.8", ICMP, 40).icmp(8, 0).payload(32)));
        p.add(whole("ipv4 icmp echo reply 8.8.8.8 > 10.0.0.1", eth(IPV4).ipv4("8.8.8.8", "10.0.0.1", ICMP, 40).icmp(0, 0).payload(32)));
        p.add(whole("ipv4 icmp port unreachable", eth(IPV4).ipv4("10.0.0.254", "10.0.0.1", ICMP, 36).icmp(3, 3).payload(28)));
        p.add(whole("ipv4 first fragment udp", eth(IPV4).ipv4("10.0.0.1", "10.0.0.2", UDP, 64, 64, 0x2000, 0).udp(5000, 53, 56).payload(56)));
        p.add(whole("ipv4 later fragment (offset 8)", eth(IPV4).ipv4("10.0.0.1", "10.0.0.2", UDP, 32, 64, 0x0008, 0).payload(32)));
        p.add(whole("ipv4 gre", eth(IPV4).ipv4("10.0.0.1", "10.0.0.2", GRE, 8).payload(8)));
        p.add(whole("ipv4 sctp 36412 > 38412", eth(IPV4).ipv4("10.0.0.2", "10.0.0.1", SCTP, 12).u16(36412).u16(38412).u32(0).u32(0)));
        p.add(whole("ipv4 ttl 1 udp to 10.0.0.2:33434", eth(IPV4).ipv4("10.0.0.1", "10.0.0.2", UDP, 8, 1, 0, 0).udp(40000, 33434, 0)));
        p.add(whole("ipv6 tcp syn 2001:db8::1 > 2001:db8::2:443", eth(IPV6).ipv6("2001:db8::1", "2001:db8::2", TCP, 20).tcp(50000, 443, SYN, 0)));
        p.add(whole("ipv6 udp dns 2001:db8::2 > 2001:db8::1:53", eth(IPV6).ipv6("2001:db8::2", "2001:db8::1", UDP, 24).udp(40053, 53, 16).payload(16)));
        p.add(whole("ipv6 icmp6 echo", eth(IPV6).ipv6("2001:db8::1", "2001:db8::2", ICMP6, 16).icmp(128, 0).payload(8)));
        p.add(whole("ipv6 icmp6 neighbor solicitation", new PacketBytes().ethernet("33:33:ff:00:00:02", MAC_A, IPV6)
                .ipv6("fe80::1", "ff02::1:ff00:2", ICMP6, 24).icmp(135, 0).ip("2001:db8::2")));
        p.add(whole("ipv6 hop-by-hop then udp 547", eth(IPV6).ipv6("fe80::1", "ff02::1:2", HOP_BY_HOP, 16).extension(UDP).udp(546, 547, 0)));
        p.add(whole("ipv6 dest-opts then tcp 80", eth(IPV6).ipv6("2001:db8::1", "2001:db8::2", DEST_OPTS, 28).extension(TCP).tcp(1234, 80, ACK, 0)));
        p.add(whole("ipv6 fragment then udp", eth(IPV6).ipv6("2001:db8::2", "2001:db8::1", FRAGMENT, 24).fragmentHeader(UDP, 1).udp(4000, 53, 8).payload(8)));
        p.add(whole("ipv6 routing, hop-by-hop... no next header", eth(IPV6).ipv6("2001:db8::1", "2001:db8::2", ROUTING, 16).extension(59).payload(8)));
        p.add(whole("arp request who-has 10.0.0.2 tell 10.0.0.1", new PacketBytes().ethernet(BROADCAST, MAC_A, ARP)
                .arp(1, MAC_A, "10.0.0.1", "00:00:00:00:00:00", "10.0.0.2")));
        p.add(whole("arp reply 10.0.0.2 is-at", eth(ARP).arp(2, MAC_B, "10.0.0.2", MAC_A, "10.0.0.1")));
        p.add(whole("rarp request", new PacketBytes().ethernet(BROADCAST, MAC_A, 0x8035).arp(3, MAC_A, "0.0.0.0", MAC_A, "0.0.0.0")));
        p.add(whole("lldp", new PacketBytes().ethernet("01:80:c2:00:00:0e", MAC_A, LLDP).payload(30)));
        p.add(whole("vlan 100 ipv4 udp 10.0.0.1 > 10.0.0.2:53", eth(VLAN).vlanTag(0, 100, IPV4)
                .ipv4("10.0.0.1", "10.0.0.2", UDP, 16).udp(33000, 53, 8).payload(8)));
        p.add(whole("vlan 200 ipv6 tcp 80", eth(VLAN).vlanTag(3, 200, IPV6).ipv6("2001:db8::1", "2001:db8::2", TCP, 20).tcp(80, 4444, ACK, 0)));
        p.add(whole("vlan 10 in vlan 100 (qinq) ipv4 tcp 80", eth(QINQ).vlanTag(0, 10, VLAN).vlanTag(0, 100, IPV4)
                .ipv4("10.0.0.1", "10.0.0.2", TCP, 20).tcp(12345, 80, SYN, 0)));
        p.add(whole("vlan 100 arp", new PacketBytes().ethernet(BROADCAST, MAC_A, VLAN).vlanTag(0, 100, ARP)
                .arp(1, MAC_A, "10.0.0.1", "00:00:00:00:00:00", "10.0.0.2")));
        p.add(whole("runt: 10 bytes", new PacketBytes().payload(10)));
        p.add(whole("ipv4 header claims 60 bytes, frame has 20", eth(IPV4).u8(0x4f).u8(0).u16(60).u32(0).u8(64).u8(TCP).u16(0)
                .ip("10.0.0.1").ip("10.0.0.2")));
        return p;
    }

    /** Frames plus every frame cut at each of {@link #CUTS} shorter than it. */
    static List<Packet> l2() {
        return withCuts(frames(), CUTS);
    }

    /** The IPv4/IPv6 packets of untagged frames, without their Ethernet header, plus cuts. */
    static List<Packet> l3() {
        List<Packet> packets = new ArrayList<>();
        for (Packet f : frames()) {
            int type = f.bytes().length >= 14 ? (f.bytes()[12] & 0xff) << 8 | f.bytes()[13] & 0xff : -1;
            if (type == IPV4 || type == IPV6) {
                packets.add(new Packet(f.description() + " (raw ip)", Arrays.copyOfRange(f.bytes(), 14, f.bytes().length),
                        f.wireLength() - 14));
            }
        }
        packets.add(new Packet("raw: version nibble 5", new byte[] {0x50, 0, 0, 20, 0, 0, 0, 0, 64, 6, 0, 0,
            10, 0, 0, 1, 10, 0, 0, 2}, 20));
        return withCuts(packets, L3_CUTS);
    }

    private static List<Packet> withCuts(List<Packet> whole, int[] cuts) {
        List<Packet> result = new ArrayList<>(whole);
        for (Packet p : whole) {
            for (int cut : cuts) {
                if (cut < p.bytes().length) {
                    result.add(new Packet(p.description() + " cut at " + cut, Arrays.copyOf(p.bytes(), cut), p.wireLength()));
                }
            }
        }
        return result;
    }
}

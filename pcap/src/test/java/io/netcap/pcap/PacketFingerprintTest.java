package io.netcap.pcap;

import static io.netcap.pcap.Packets.TCP_ACK;
import static io.netcap.pcap.Packets.TCP_PSH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PacketFingerprintTest {
    private static final String A = "02:00:00:00:00:0a";
    private static final String B = "02:00:00:00:00:0b";

    private static long ether(byte[] l3, int etherType) {
        return PacketFingerprint.of(CapturedPacket.of(0, LinkType.ETHERNET, Packets.ethernet(B, A, etherType, l3)));
    }

    private static long raw(byte[] l3) {
        return PacketFingerprint.of(CapturedPacket.of(0, LinkType.RAW, l3));
    }

    private static byte[] tcpSegment() {
        return Packets.ipv4("10.0.0.1", "10.0.0.2", 6, Packets.tcp(40000, 80, TCP_PSH | TCP_ACK, Packets.ascii("hello")));
    }

    @Test
    void sameIpPacketWithOrWithoutItsLinkHeaderOrVlanTag() {
        byte[] ip = tcpSegment();
        long reference = raw(ip);
        assertEquals(reference, ether(ip, 0x0800), "an Ethernet header around it");
        assertEquals(reference, PacketFingerprint.of(CapturedPacket.of(0, LinkType.ETHERNET,
                Packets.vlan(A, B, 42, 0x0800, ip))), "a VLAN tag in the bytes, other MACs");
        assertEquals(reference, PacketFingerprint.of(CapturedPacket.of(0, LinkType.IPV4, ip)), "LINKTYPE_IPV4");
    }

    @Test
    void forwardingChangesAreIgnored() {
        byte[] ip = tcpSegment();
        byte[] forwarded = ip.clone();
        forwarded[8]--;        // TTL
        forwarded[10] ^= 0x5a; // checksum
        forwarded[1] = 0x02;   // ECN CE
        assertEquals(raw(ip), raw(forwarded));
    }

    @Test
    void invariantFieldsTellPacketsApart() {
        byte[] ip = tcpSegment();
        long reference = raw(ip);
        int[] offsets = {4 /* IP id */, 13 /* source */, 19 /* destination */, 21 /* source port */,
            27 /* sequence */, 31 /* acknowledgment */};
        for (int offset : offsets) {
            byte[] other = ip.clone();
            other[offset] ^= 1;
            assertNotEquals(reference, raw(other), "byte " + offset + " changed");
        }
    }

    @Test
    void echoIdAndSequenceAndUdpPayloadCount() {
        byte[] echo1 = Packets.ipv6("fd00::1", "fd00::2", 58, Packets.icmpEcho(128, 7, 1));
        byte[] echo2 = Packets.ipv6("fd00::1", "fd00::2", 58, Packets.icmpEcho(128, 7, 2));
        assertNotEquals(raw(echo1), raw(echo2), "ICMPv6 echo sequence");
        byte[] udp1 = Packets.ipv6("fd00::1", "fd00::2", 17, Packets.udp(5000, 6000, Packets.ascii("first")));
        byte[] udp2 = Packets.ipv6("fd00::1", "fd00::2", 17, Packets.udp(5000, 6000, Packets.ascii("second")));
        assertNotEquals(raw(udp1), raw(udp2), "IPv6 has no id: the UDP payload tells them apart");
        byte[] hopLimit = udp1.clone();
        hopLimit[7] = 1;
        assertEquals(raw(udp1), raw(hopLimit), "hop limit is left out");
    }

    @Test
    void nonIpUsesTheBytesAfterTheLinkHeader() {
        byte[] arp1 = Packets.arpRequest(A, "10.0.0.1", "10.0.0.2");
        byte[] arp2 = Packets.arpRequest(A, "10.0.0.1", "10.0.0.3");
        assertNotEquals(ether(arp1, 0x0806), ether(arp2, 0x0806));
        assertEquals(ether(arp1, 0x0806), PacketFingerprint.of(CapturedPacket.of(0, LinkType.ETHERNET,
                Packets.ethernet("ff:ff:ff:ff:ff:ff", B, 0x0806, arp1))), "MACs are left out");
    }

    @Test
    void anyLengthAndContentIsDigestedWithoutThrowing() {
        byte[] full = Packets.ethernet(B, A, 0x0800, tcpSegment());
        for (int n = 0; n <= full.length; n++) {
            PacketFingerprint.of(CapturedPacket.of(0, LinkType.ETHERNET, Arrays.copyOf(full, n)));
            PacketFingerprint.of(CapturedPacket.of(0, LinkType.RAW, Arrays.copyOf(tcpSegment(), Math.min(n, 45))));
        }
        byte[] garbage = new byte[80];
        Arrays.fill(garbage, (byte) 0xff);
        PacketFingerprint.of(CapturedPacket.of(0, LinkType.ETHERNET, garbage));
        assertNotEquals(ether(Arrays.copyOf(tcpSegment(), 30), 0x0800), ether(tcpSegment(), 0x0800),
                "a capture cut inside the TCP header digests what it holds");
    }
}

package io.netcap.pcap;

import static io.netcap.pcap.Packets.ascii;
import static io.netcap.pcap.Packets.cut;
import static io.netcap.pcap.Packets.ethernet;
import static io.netcap.pcap.Packets.icmpEcho;
import static io.netcap.pcap.Packets.ipv4;
import static io.netcap.pcap.Packets.ipv6;
import static io.netcap.pcap.Packets.tcp;
import static io.netcap.pcap.Packets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PacketSummaryTest {
    static final String MAC_A = "02:00:00:00:00:0a";
    static final String MAC_B = "aa:bb:cc:dd:ee:ff";

    private static PacketSummary ether(byte[] frame) {
        return PacketSummary.of(CapturedPacket.of(0, LinkType.ETHERNET, frame));
    }

    private static PacketSummary raw(byte[] packet) {
        return PacketSummary.of(CapturedPacket.of(0, LinkType.RAW, packet));
    }

    @Test
    void tcpSyn() {
        PacketSummary s = ether(ethernet(MAC_B, MAC_A, 0x0800,
                ipv4("10.1.2.3", "10.4.5.6", 6, tcp(40000, 443, Packets.TCP_SYN, new byte[0]))));
        assertEquals(new PacketSummary("ETHERNET", 0x0800, MAC_A, MAC_B, null, "10.1.2.3", "10.4.5.6",
                6, "TCP", 40000, 443, "S", null, null, false), s);
    }

    @Test
    void tcpFlagCombinations() {
        int[] flags = {Packets.TCP_SYN | Packets.TCP_ACK, Packets.TCP_FIN | Packets.TCP_ACK,
            Packets.TCP_PSH | Packets.TCP_ACK, Packets.TCP_RST, 0, 0xff};
        String[] expected = {"SA", "FA", "PA", "R", "", "FSRPAUEC"};
        for (int i = 0; i < flags.length; i++) {
            PacketSummary s = raw(ipv4("10.0.0.1", "10.0.0.2", 6, tcp(1, 2, flags[i], new byte[0])));
            assertEquals(expected[i], s.tcpFlags());
        }
        byte[] ns = ipv4("10.0.0.1", "10.0.0.2", 6, tcp(1, 2, Packets.TCP_ACK, new byte[0]));
        ns[20 + 12] |= 1; // the NS bit lives in the data-offset byte
        assertEquals("AN", raw(ns).tcpFlags());
    }

    @Test
    void udpOverRawIpv4() {
        PacketSummary s = raw(ipv4("192.0.2.1", "192.0.2.53", 17, udp(5353, 53, ascii("hello"))));
        assertEquals("RAW", s.linkType());
        assertEquals(0x0800, s.etherType());
        assertNull(s.srcMac());
        assertNull(s.dstMac());
        assertEquals("192.0.2.1", s.srcIp());
        assertEquals("192.0.2.53", s.dstIp());
        assertEquals(17, s.ipProtocol());
        assertEquals("UDP", s.ipProtocolName());
        assertEquals(5353, s.srcPort());
        assertEquals(53, s.dstPort());
        assertNull(s.tcpFlags());
        assertNull(s.icmpType());
        assertFalse(s.truncated());
    }

    @Test
    void icmpEchoRequestAndReply() {
        PacketSummary req = ether(ethernet(MAC_B, MAC_A, 0x0800, ipv4("10.0.0.1", "10.0.0.2", 1, icmpEcho(8, 7, 1))));
        assertEquals("ICMP", req.ipProtocolName());
        assertEquals(8, req.icmpType());
        assertEquals(0, req.icmpCode());
        assertNull(req.srcPort());
        PacketSummary reply = raw(ipv4("10.0.0.2", "10.0.0.1", 1, icmpEcho(0, 7, 1)));
        assertEquals(0, reply.icmpType());
    }

    @Test
    void icmpv6AndAddressFormatting() {
        PacketSummary s = ether(ethernet(MAC_B, MAC_A, 0x86dd,
                ipv6("fe80::1", "ff02::1:ff00:2", 58, icmpEcho(128, 1, 1))));
        assertEquals(0x86dd, s.etherType());
        assertEquals("fe80::1", s.srcIp());
        assertEquals("ff02::1:ff00:2", s.dstIp());
        assertEquals(58, s.ipProtocol());
        assertEquals("ICMPv6", s.ipProtocolName());
        assertEquals(128, s.icmpType());
        assertEquals(0, s.icmpCode());

        assertEquals("2001:db8:0:1:1:1:1:1", raw(ipv6("2001:db8:0:1:1:1:1:1", "::", 59, new byte[0])).srcIp());
        assertEquals("::", raw(ipv6("2001:db8:0:1:1:1:1:1", "::", 59, new byte[0])).dstIp());
        // the longest zero run is compressed, the first of equal runs wins
        assertEquals("2001:0:0:1::1", raw(ipv6("2001:0:0:1:0:0:0:1", "::1", 59, new byte[0])).srcIp());
        assertEquals("2001:db8::1:0:0:1", raw(ipv6("2001:db8:0:0:1:0:0:1", "::1", 59, new byte[0])).srcIp());
        assertEquals("::1", raw(ipv6("::1", "::1", 59, new byte[0])).srcIp());
    }

    @Test
    void ipv6ExtensionHeadersAreSkipped() {
        byte[] udpSegment = udp(546, 547, new byte[4]);
        byte[] hopByHop = new byte[8];
        hopByHop[0] = 17; // next header UDP, length 0 → 8 bytes
        byte[] payload = PcapWriterTest.concat(hopByHop, udpSegment);
        PacketSummary s = raw(ipv6("fe80::2", "ff02::1:2", 0, payload));
        assertEquals(17, s.ipProtocol());
        assertEquals(546, s.srcPort());
        assertEquals(547, s.dstPort());

        byte[] laterFragment = {6, 0, 0, (byte) 0x08, 0, 0, 0, 1}; // TCP, offset 1 (×8 bytes)
        PacketSummary frag = raw(ipv6("2001:db8::1", "2001:db8::2", 44,
                PcapWriterTest.concat(laterFragment, new byte[20])));
        assertEquals(6, frag.ipProtocol());
        assertNull(frag.srcPort(), "a later fragment has no TCP header");
    }

    @Test
    void laterIpv4FragmentHasNoPorts() {
        byte[] p = ipv4("10.0.0.1", "10.0.0.2", 17, udp(1000, 2000, new byte[8]));
        p[6] = 0x00;
        p[7] = 0x10; // fragment offset 16 (×8 bytes)
        PacketSummary s = raw(p);
        assertEquals(17, s.ipProtocol());
        assertNull(s.srcPort());
        assertFalse(s.truncated());
    }

    @Test
    void arpRequest() {
        PacketSummary s = ether(ethernet("ff:ff:ff:ff:ff:ff", MAC_A, 0x0806,
                Packets.arpRequest(MAC_A, "192.168.1.10", "192.168.1.1")));
        assertEquals(0x0806, s.etherType());
        assertEquals("ff:ff:ff:ff:ff:ff", s.dstMac());
        assertEquals("192.168.1.10", s.srcIp());
        assertEquals("192.168.1.1", s.dstIp());
        assertNull(s.ipProtocol());
        assertNull(s.ipProtocolName());
    }

    @Test
    void vlanTagged() {
        PacketSummary s = ether(Packets.vlan(MAC_B, MAC_A, 100, 0x0800,
                ipv4("10.0.0.1", "10.0.0.2", 17, udp(1, 2, new byte[0]))));
        assertEquals(100, s.vlanId());
        assertEquals(0x0800, s.etherType());
        assertEquals("10.0.0.1", s.srcIp());
        assertEquals(2, s.dstPort());
        assertNull(ether(ethernet(MAC_B, MAC_A, 0x0800, ipv4("10.0.0.1", "10.0.0.2", 17, udp(1, 2, new byte[0])))).vlanId());
    }

    @Test
    void unknownProtocolsGetNumericNames() {
        PacketSummary s = raw(ipv4("10.0.0.1", "10.0.0.2", 253, new byte[4]));
        assertEquals(253, s.ipProtocol());
        assertEquals("ip-proto-253", s.ipProtocolName());
        assertEquals("GRE", raw(ipv4("10.0.0.1", "10.0.0.2", 47, new byte[4])).ipProtocolName());
    }

    @Test
    void truncatedPacketsDecodeWhatIsThere() {
        byte[] full = ethernet(MAC_B, MAC_A, 0x0800,
                ipv4("10.0.0.1", "10.0.0.2", 6, tcp(1234, 80, Packets.TCP_SYN, new byte[0])));
        PacketSummary portsOnly = ether(cut(full, 14 + 20 + 4));
        assertEquals(1234, portsOnly.srcPort());
        assertEquals(80, portsOnly.dstPort());
        assertNull(portsOnly.tcpFlags());
        assertTrue(portsOnly.truncated());

        PacketSummary ipOnly = ether(cut(full, 14 + 20 + 2));
        assertEquals("10.0.0.2", ipOnly.dstIp());
        assertNull(ipOnly.srcPort());
        assertTrue(ipOnly.truncated());

        PacketSummary macOnly = ether(cut(full, 20));
        assertEquals(MAC_A, macOnly.srcMac());
        assertEquals(0x0800, macOnly.etherType());
        assertNull(macOnly.srcIp());
        assertTrue(macOnly.truncated());

        assertTrue(ether(cut(full, 5)).truncated());
        assertNull(ether(cut(full, 5)).srcMac());
        assertTrue(raw(new byte[0]).truncated());
        assertFalse(full.length == 0 || ether(full).truncated());
    }

    @Test
    void neverThrowsOnAnyPrefixOrGarbage() {
        byte[][] samples = {
            ethernet(MAC_B, MAC_A, 0x86dd, ipv6("2001:db8::1", "2001:db8::2", 0, new byte[] {60, 0, 0, 0, 0, 0, 0, 0, 44, 5})),
            Packets.vlan(MAC_B, MAC_A, 5, 0x8100, new byte[] {0, 6, 0x08, 0x06}),
            ethernet(MAC_B, MAC_A, 0x0806, Packets.arpRequest(MAC_A, "10.0.0.1", "10.0.0.2")),
            ethernet(MAC_B, MAC_A, 0x0800, ipv4("10.0.0.1", "10.0.0.2", 1, icmpEcho(8, 1, 1))),
        };
        java.util.Random random = new java.util.Random(42);
        for (byte[] sample : samples) {
            for (int n = 0; n <= sample.length; n++) {
                for (int linkType : new int[] {LinkType.ETHERNET, LinkType.RAW, 999}) {
                    PacketSummary.of(CapturedPacket.of(0, linkType, cut(sample, n)));
                }
            }
        }
        for (int i = 0; i < 2000; i++) {
            byte[] garbage = new byte[random.nextInt(80)];
            random.nextBytes(garbage);
            if (garbage.length > 0 && i % 2 == 0) {
                garbage[0] = (byte) (i % 4 == 0 ? 0x45 : 0x60); // steer into the IP parsers
            }
            PacketSummary.of(CapturedPacket.of(0, LinkType.RAW, garbage));
            PacketSummary.of(CapturedPacket.of(0, LinkType.ETHERNET, garbage));
        }
    }

    @Test
    void decodesASliceOfALargerBuffer() {
        byte[] packet = ipv4("10.9.8.7", "10.0.0.1", 17, udp(7, 9, new byte[0]));
        byte[] buffer = new byte[packet.length + 30];
        java.util.Arrays.fill(buffer, (byte) 0x60);
        System.arraycopy(packet, 0, buffer, 10, packet.length);
        PacketSummary s = PacketSummary.of(CapturedPacket.of(0, LinkType.RAW, packet.length, buffer, 10, packet.length));
        assertEquals("10.9.8.7", s.srcIp());
        assertEquals(9, s.dstPort());
        // cut one byte short: the bytes after the slice must not be read
        PacketSummary shortSlice = PacketSummary.of(CapturedPacket.of(0, LinkType.RAW, packet.length, buffer, 10, 20 + 3));
        assertNull(shortSlice.srcPort());
        assertTrue(shortSlice.truncated());
    }
}

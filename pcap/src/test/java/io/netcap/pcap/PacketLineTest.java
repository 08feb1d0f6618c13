package io.netcap.pcap;

import static io.netcap.pcap.Packets.ethernet;
import static io.netcap.pcap.Packets.icmp;
import static io.netcap.pcap.Packets.ipv4;
import static io.netcap.pcap.Packets.ipv6;
import static io.netcap.pcap.Packets.tcp;
import static io.netcap.pcap.Packets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in decoder's line against real tcpdump -nn's, packet by packet, over a corpus of
 * common packets: the same words, except where a row says which part tcpdump prints and the
 * built-in decoder does not (an application protocol decoded from the port, a hex dump).
 * VLAN tags, which tcpdump shows only with -e, are checked against tcpdump -e's words.
 */
class PacketLineTest {
    private static final String A = "00:11:22:33:44:55";
    private static final String B = "66:77:88:99:aa:bb";
    private static final int IPV4 = 0x0800, IPV6 = 0x86dd, ARP = 0x0806;
    private static final int SYN = 0x02, ACK = 0x10, FIN = 0x01, RST = 0x04, PSH = 0x08, URG = 0x20;
    private static final long T0 = 1_700_000_000_123_456_789L;

    @TempDir
    Path dir;

    /** How a row's two lines must agree. */
    enum Match {
        /** the whole line */
        WHOLE,
        /** the line up to and including the first ": " after the addresses (tcpdump decodes more) */
        ADDRESSES
    }

    record Row(String what, int linkType, byte[] bytes, Match match) {
    }

    private static byte[] v4(String src, String dst, int protocol, byte[] payload) {
        return ethernet(B, A, IPV4, ipv4(src, dst, protocol, payload));
    }

    private static byte[] v6(String src, String dst, int next, byte[] payload) {
        return ethernet(B, A, IPV6, ipv6(src, dst, next, payload));
    }

    private static byte[] echo(int id, int seq, int bytes) {
        byte[] rest = new byte[4 + bytes];
        rest[0] = (byte) (id >>> 8);
        rest[1] = (byte) id;
        rest[2] = (byte) (seq >>> 8);
        rest[3] = (byte) seq;
        return rest;
    }

    static List<Row> corpus() {
        byte[] synOptions = {2, 4, 5, (byte) 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7};
        byte[] sackOptions = {1, 1, 5, 10, 0, 0, 0x13, (byte) 0x9d, 0, 0, 0x13, (byte) 0xa7};
        byte[] innerUdp = ipv4("10.0.0.1", "10.0.0.254", 17, udp(40000, 33434, new byte[8]));
        byte[] unreachable = new byte[4 + 28];
        System.arraycopy(innerUdp, 0, unreachable, 4, 28);
        byte[] target = Packets.address("fe80::2");
        byte[] ns = new byte[4 + 16];
        System.arraycopy(target, 0, ns, 4, 16);
        byte[] na = ns.clone();
        na[0] = 0x60;
        List<Row> rows = new ArrayList<>();
        // IPv4 TCP: a handshake, data, FIN and RST of one connection (relative numbers after the SYN)
        rows.add(new Row("tcp syn with options", LinkType.ETHERNET, v4("10.0.0.1", "10.0.0.2", 6,
                tcp(12345, 45678, SYN, 1000, 0, 65535, synOptions, new byte[0])), Match.WHOLE));
        rows.add(new Row("tcp syn-ack", LinkType.ETHERNET, v4("10.0.0.2", "10.0.0.1", 6,
                tcp(45678, 12345, SYN | ACK, 5000, 1001, 64240, new byte[0], new byte[0])), Match.WHOLE));
        rows.add(new Row("tcp ack", LinkType.ETHERNET, v4("10.0.0.1", "10.0.0.2", 6,
                tcp(12345, 45678, ACK, 1001, 5001, 502, new byte[0], new byte[0])), Match.WHOLE));
        rows.add(new Row("tcp data", LinkType.ETHERNET, v4("10.0.0.1", "10.0.0.2", 6,
                tcp(12345, 45678, PSH | ACK, 1001, 5001, 502, new byte[0], new byte[11])), Match.WHOLE));
        rows.add(new Row("tcp ack with sack", LinkType.ETHERNET, v4("10.0.0.2", "10.0.0.1", 6,
                tcp(45678, 12345, ACK, 5001, 1012, 501, sackOptions, new byte[0])), Match.WHOLE));
        rows.add(new Row("tcp fin", LinkType.ETHERNET, v4("10.0.0.1", "10.0.0.2", 6,
                tcp(12345, 45678, FIN | ACK, 1012, 5001, 502, new byte[0], new byte[0])), Match.WHOLE));
        rows.add(new Row("tcp rst", LinkType.ETHERNET, v4("10.0.0.1", "10.0.0.2", 6,
                tcp(12345, 45678, RST, 1013, 0, 0, new byte[0], new byte[0])), Match.WHOLE));
        rows.add(new Row("tcp urg", LinkType.ETHERNET, v4("10.0.0.3", "10.0.0.4", 6,
                tcp(1023, 2000, URG | ACK, 7, 9, 100, new byte[0], new byte[4])), Match.WHOLE));
        // UDP
        rows.add(new Row("udp", LinkType.ETHERNET, v4("10.0.0.5", "10.0.0.6", 17, udp(12345, 12346, new byte[30])),
                Match.WHOLE));
        rows.add(new Row("udp to 53 (tcpdump decodes DNS)", LinkType.ETHERNET, v4("192.168.1.10", "8.8.8.8", 17,
                udp(33333, 53, new byte[] {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1})), Match.ADDRESSES));
        // ICMP
        rows.add(new Row("icmp echo request", LinkType.ETHERNET, v4("10.0.0.1", "8.8.8.8", 1, icmp(8, 0, echo(77, 3, 32))),
                Match.WHOLE));
        rows.add(new Row("icmp echo reply", LinkType.ETHERNET, v4("8.8.8.8", "10.0.0.1", 1, icmp(0, 0, echo(77, 3, 32))),
                Match.WHOLE));
        rows.add(new Row("icmp port unreachable", LinkType.ETHERNET, v4("10.0.0.254", "10.0.0.1", 1,
                icmp(3, 3, unreachable)), Match.WHOLE));
        rows.add(new Row("icmp host unreachable", LinkType.ETHERNET, v4("10.0.0.254", "10.0.0.1", 1,
                icmp(3, 1, unreachable)), Match.WHOLE));
        rows.add(new Row("icmp time exceeded", LinkType.ETHERNET, v4("10.0.0.254", "10.0.0.1", 1,
                icmp(11, 0, unreachable)), Match.WHOLE));
        // IPv4 fragments: the first carries the UDP header, later ones only the protocol number
        rows.add(new Row("ipv4 first fragment", LinkType.ETHERNET, ethernet(B, A, IPV4,
                ipv4("10.0.0.1", "10.0.0.2", 17, 0x2000, 20 + 8 + 92, udp(5000, 6000, new byte[92]))), Match.WHOLE));
        rows.add(new Row("ipv4 middle fragment", LinkType.ETHERNET, ethernet(B, A, IPV4,
                ipv4("10.0.0.1", "10.0.0.2", 17, 0x2000 | 185, 120, new byte[100])), Match.WHOLE));
        rows.add(new Row("ipv4 last fragment", LinkType.ETHERNET, ethernet(B, A, IPV4,
                ipv4("10.0.0.1", "10.0.0.2", 17, 370, 120, new byte[100])), Match.WHOLE));
        rows.add(new Row("ipv4 gre (tcpdump decodes it)", LinkType.ETHERNET, v4("10.0.0.1", "10.0.0.2", 47, new byte[4]),
                Match.ADDRESSES));
        // IPv6
        rows.add(new Row("ipv6 tcp syn", LinkType.ETHERNET, v6("2001:db8::1", "2001:db8::2", 6,
                tcp(40000, 45678, SYN, 1000, 0, 65535, new byte[0], new byte[0])), Match.WHOLE));
        rows.add(new Row("ipv6 udp", LinkType.ETHERNET, v6("2001:db8::1", "2001:db8::2", 17,
                udp(40001, 9999, new byte[20])), Match.WHOLE));
        rows.add(new Row("icmp6 echo request", LinkType.ETHERNET, v6("2001:db8::1", "2001:db8::2", 58,
                icmp(128, 0, echo(5, 6, 8))), Match.WHOLE));
        rows.add(new Row("icmp6 echo reply", LinkType.ETHERNET, v6("2001:db8::2", "2001:db8::1", 58,
                icmp(129, 0, echo(5, 6, 8))), Match.WHOLE));
        rows.add(new Row("icmp6 neighbor solicitation", LinkType.ETHERNET, v6("fe80::1", "ff02::1:ff00:2", 58,
                icmp(135, 0, ns)), Match.WHOLE));
        rows.add(new Row("icmp6 neighbor advertisement", LinkType.ETHERNET, v6("fe80::2", "fe80::1", 58,
                icmp(136, 0, na)), Match.WHOLE));
        rows.add(new Row("icmp6 router solicitation", LinkType.ETHERNET, v6("fe80::1", "ff02::2", 58,
                icmp(133, 0, new byte[4])), Match.WHOLE));
        rows.add(new Row("ipv6 first fragment of tcp", LinkType.ETHERNET, v6("2001:db8::1", "2001:db8::2", 44,
                Packets.ipv6Fragment(6, 0, true, tcp(40004, 45678, SYN, 1000, 0, 65535, new byte[0], new byte[0]))),
                Match.WHOLE));
        rows.add(new Row("ipv6 later fragment", LinkType.ETHERNET, v6("2001:db8::1", "2001:db8::2", 44,
                Packets.ipv6Fragment(6, 800, false, new byte[100])), Match.WHOLE));
        rows.add(new Row("ipv6 destination options then tcp", LinkType.ETHERNET, v6("2001:db8::1", "2001:db8::2", 60,
                new Packets.Bytes().u8(6).u8(0).u16(0).u32(0)
                        .raw(tcp(40003, 45678, SYN, 9, 0, 1024, new byte[0], new byte[0])).toArray()), Match.WHOLE));
        rows.add(new Row("ipv6 hop-by-hop then udp", LinkType.ETHERNET, v6("2001:db8::1", "2001:db8::2", 0,
                new Packets.Bytes().u8(17).u8(0).u16(0).u32(0).raw(udp(40002, 9998, new byte[6])).toArray()), Match.WHOLE));
        // ARP
        rows.add(new Row("arp request", LinkType.ETHERNET, ethernet("ff:ff:ff:ff:ff:ff", A, ARP,
                Packets.arpRequest(A, "10.0.0.1", "10.0.0.2")), Match.WHOLE));
        byte[] reply = new byte[28 + 18]; // padded to the Ethernet minimum
        System.arraycopy(Packets.arpReply(B, "10.0.0.2", A, "10.0.0.1"), 0, reply, 0, 28);
        rows.add(new Row("arp reply (padded)", LinkType.ETHERNET, ethernet(A, B, ARP, reply), Match.WHOLE));
        // VLAN
        rows.add(new Row("802.1Q icmp", LinkType.ETHERNET, Packets.vlan(B, A, 100, IPV4,
                ipv4("10.0.0.1", "10.0.0.2", 1, icmp(8, 0, echo(1, 1, 0)))), Match.WHOLE));
        rows.add(new Row("802.1ad + 802.1Q udp", LinkType.ETHERNET, Packets.qinq(B, A, 200, 100, IPV4,
                ipv4("10.0.0.1", "10.0.0.2", 17, udp(1111, 2222, new byte[4]))), Match.WHOLE));
        // raw IP (an L3 hook): the pcap writer adds an Ethernet header tcpdump does not print
        rows.add(new Row("raw ipv4 udp", LinkType.RAW, ipv4("10.1.0.1", "10.1.0.2", 17, udp(7, 9, new byte[3])),
                Match.WHOLE));
        rows.add(new Row("raw ipv6 icmp6", LinkType.RAW, ipv6("2001:db8::5", "2001:db8::6", 58,
                icmp(128, 0, echo(9, 9, 4))), Match.WHOLE));
        // another ethertype: tcpdump adds a hex dump below
        rows.add(new Row("unknown ethertype", LinkType.ETHERNET, ethernet(B, A, 0x88b5, new byte[] {1, 2, 3, 4, 5}),
                Match.ADDRESSES));
        rows.add(new Row("unknown ip protocol", LinkType.ETHERNET, v4("10.0.0.1", "10.0.0.2", 253, new byte[4]),
                Match.WHOLE));
        return rows;
    }

    @Test
    void eachLineAgreesWithTcpdump() throws Exception {
        List<Row> rows = corpus();
        Path file = dir.resolve("corpus.pcap");
        try (PcapWriter w = PcapWriter.open(file, 65535)) {
            for (int i = 0; i < rows.size(); i++) {
                w.write(CapturedPacket.of(T0 + i * 1_000_000_001L, rows.get(i).linkType(), rows.get(i).bytes()));
            }
        }
        List<String> tcpdump = firstLines(Tcpdump.readUtc(file, "-nn"));
        List<String> tcpdumpE = firstLines(Tcpdump.readUtc(file, "-nn", "-e"));
        assertEquals(rows.size(), tcpdump.size(), String.join("\n", tcpdump));
        PacketLine decoder = new PacketLine(ZoneOffset.UTC);
        List<String> failures = new ArrayList<>();
        Pattern vlanWords = Pattern.compile("vlan \\d+, p \\d+, ");
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            String mine = decoder.format(CapturedPacket.of(T0 + i * 1_000_000_001L, row.linkType(), row.bytes()));
            String theirs = tcpdump.get(i);
            // tcpdump prints VLAN tags only with -e: ours must be the ones -e prints, in order
            Matcher m = vlanWords.matcher(mine);
            StringBuilder tags = new StringBuilder();
            while (m.find()) {
                tags.append(m.group());
            }
            if (!tags.isEmpty() && !tcpdumpE.get(i).replaceAll("ethertype [^,]*, ", "").contains(tags)) {
                failures.add(row.what() + ": VLAN words '" + tags + "' not in tcpdump -e's\n    " + tcpdumpE.get(i));
            }
            String compared = vlanWords.matcher(mine).replaceAll("");
            boolean same = switch (row.match()) {
                case WHOLE -> compared.equals(theirs);
                case ADDRESSES -> !prefix(theirs).isEmpty() && (compared.startsWith(prefix(theirs))
                        || compared.equals(theirs.stripTrailing().replaceFirst(":$", "")));
            };
            if (!same) {
                failures.add(row.what() + " (" + row.match() + ")\n    tcpdump: " + theirs + "\n    builtin: " + mine);
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** The line up to the first ": " (time, protocol, addresses). */
    private static String prefix(String line) {
        int colon = line.indexOf(": ");
        return colon < 0 ? "" : line.substring(0, colon + 2);
    }

    /** Each packet's first line: tcpdump's hex dumps of unknown ethertypes start with a tab. */
    private static List<String> firstLines(List<String> lines) {
        return lines.stream().filter(l -> !l.startsWith("\t") && !l.isEmpty()).toList();
    }

    @Test
    void aPacketCutShortEndsInWhatWasMissing() {
        byte[] frame = v4("10.0.0.1", "10.0.0.2", 6, tcp(1, 2, SYN, 1, 0, 1, new byte[0], new byte[0]));
        byte[] cut = java.util.Arrays.copyOf(frame, 14 + 20 + 6);
        String line = new PacketLine(ZoneOffset.UTC).format(
                CapturedPacket.of(T0, LinkType.ETHERNET, frame.length, cut, 0, cut.length));
        assertTrue(line.endsWith("[|tcp]"), line);
    }

    /** Every packet of the corpus cut at every length (-s) gives a line; none ends the capture. */
    @Test
    void everyPacketCutAtEveryLengthStillGivesALine() {
        PacketLine lines = new PacketLine(ZoneOffset.UTC);
        for (Row row : corpus()) {
            for (int n = 0; n <= row.bytes().length; n++) {
                byte[] cut = java.util.Arrays.copyOf(row.bytes(), n);
                String line = lines.format(CapturedPacket.of(T0, row.linkType(), row.bytes().length, cut, 0, n));
                assertTrue(!line.isBlank(), row + " at " + n);
            }
        }
    }
}

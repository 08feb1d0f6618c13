package io.netcap.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netcap.pcap.PcapReader;
import io.netcap.pcap.PcapRecord;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * netcap skb against real traffic between two namespaces, compared byte for byte with what
 * tcpdump captured on the same link at the same time.
 */
class SkbCaptureIT extends KernelTest {
    @TempDir
    Path dir;

    /**
     * @param hook      where netcap captures
     * @param side      "b-in": packets arriving at B (RX hooks); "a-out": packets leaving A (TX hooks)
     * @param transport  --transport (ring or perf); empty for the default
     */
    @ParameterizedTest(name = "{0} {2} {3}")
    @CsvSource({
            "tracepoint:net:netif_receive_skb, b-in, icmp, ",
            "tp_btf:netif_receive_skb, b-in, icmp, ",
            "tracepoint:net:net_dev_queue, a-out, icmp, ",
            "tracepoint:net:netif_receive_skb, b-in, udp, ",
            "tp_btf:net_dev_queue, a-out, tcp, ",
            "raw_tp:netif_receive_skb, b-in, udp, ",
            "tp_btf:netif_receive_skb, b-in, udp, perf",
            "tracepoint:net:net_dev_queue, a-out, tcp, perf",
    })
    void capturesWhatTcpdumpCaptures(String hook, String side, String traffic, String transport) throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            String filter = switch (traffic) {
                case "icmp" -> "icmp and src host " + net.addrA + " and dst host " + net.addrB;
                case "udp" -> "udp and dst port 9999 and dst host " + net.addrB;
                default -> "tcp and dst port 9998 and dst host " + net.addrB;
            };
            boolean rx = side.equals("b-in");
            Path ours = dir.resolve("netcap.pcap");
            Path theirs = dir.resolve("tcpdump.pcap");
            int expected = 3;
            try (ReferenceTcpdump ref = ReferenceTcpdump.start(rx ? net.nsB : net.nsA, rx ? net.devB : net.devA,
                    rx ? "in" : "out", theirs, filter);
                 NetcapProcess netcap = NetcapProcess.start("skb", "-f", hook, "-e", filter, "-w", ours.toString(),
                         "--transport", transport == null ? "ring" : transport)) {
                netcap.awaitListening();
                switch (traffic) {
                    case "icmp" -> net.ping(expected);
                    case "udp" -> {
                        for (int i = 0; i < expected; i++) {
                            net.udp(9999, "netcap-" + i);
                        }
                    }
                    default -> {
                        for (int i = 0; i < expected; i++) {
                            net.tcpConnect(9998);
                        }
                    }
                }
                Thread.sleep(300);
                netcap.signal("INT");
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                ref.close();
                List<PcapRecord> mine = PcapReader.read(ours);
                List<PcapRecord> reference = PcapReader.read(theirs);
                assertTrue(reference.size() >= expected, "tcpdump saw " + reference.size());
                assertEquals(reference.size(), mine.size(), "packets: netcap vs tcpdump\n" + netcap.stderr());
                for (int i = 0; i < mine.size(); i++) {
                    assertArrayEquals(reference.get(i).data(), mine.get(i).data(), "packet " + i + " bytes");
                    assertEquals(reference.get(i).originalLength(), mine.get(i).originalLength(), "packet " + i + " length");
                }
                assertTrue(netcap.stderr().contains(mine.size() + " packets captured"), netcap.stderr());
                assertTrue(netcap.stderr().contains("0 packets lost"), netcap.stderr());
            }
        }
    }

    /**
     * The filter runs on a copy of only the bytes it can read (78 here: an Ethernet header, an
     * IPv4 header of up to 60 bytes, the UDP ports); the rest of a matching packet is copied after
     * the match. Records of 1242-byte frames hold min(wire, -s) bytes, byte for byte what tcpdump
     * captured, at every hook kind and transport this kernel runs, with -s below the filter's
     * bytes, between them and the frame's length, and above it; and with --skb-data, where the
     * packet starts inside the skb (here at the UDP header: offset 20 from the IPv4 header).
     *
     * @param skbData --skb-data-offset, or empty for the located packet
     */
    @ParameterizedTest(name = "{0} {1} -s {2} {3} {4}")
    @CsvSource({
            "tracepoint:net:netif_receive_skb, b-in, 1514, ring, ",
            "tracepoint:net:netif_receive_skb, b-in, 200, perf, ",
            "raw_tp:netif_receive_skb, b-in, 1514, ring, ",
            "raw_tp:netif_receive_skb, b-in, 40, ring, ",
            "tp_btf:netif_receive_skb, b-in, 1514, ring, ",
            "tp_btf:netif_receive_skb, b-in, 200, perf, ",
            "tp_btf:netif_receive_skb, b-in, 40, ring, ",
            "tp_btf:net_dev_queue, a-out, 1514, ring, ",
            "tracepoint:net:net_dev_queue, a-out, 200, ring, ",
            "tp_btf:netif_receive_skb, b-in, 1514, ring, 20",
            "tracepoint:net:netif_receive_skb, b-in, 200, ring, 20",
    })
    void bytesPastTheFilterAreCopiedForMatches(String hook, String side, int snap, String transport, Integer skbData)
            throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            String payload = "0123456789abcdefghijklmnopqrstuvwxyz".repeat(33) + "0123456789ab"; // 1200 bytes
            boolean rx = side.equals("b-in");
            String filter = "udp and dst port 9997 and dst host " + net.addrB;
            Path ours = dir.resolve("netcap.pcap");
            Path theirs = dir.resolve("tcpdump.pcap");
            List<String> args = new java.util.ArrayList<>(List.of("skb", "-f", hook, "-i", rx ? net.devB : net.devA,
                    "-s", Integer.toString(snap), "-w", ours.toString(), "--transport", transport));
            // with --skb-data the packet starts at the UDP header: filter on its destination port (bytes 2-3)
            if (skbData != null) {
                args.addAll(List.of("--skb-data", "--skb-data-offset", skbData.toString(), "-e", "link[2:2] == 9997"));
            } else {
                args.addAll(List.of("-e", filter));
            }
            int count = 3;
            try (ReferenceTcpdump ref = ReferenceTcpdump.start(rx ? net.nsB : net.nsA, rx ? net.devB : net.devA,
                    rx ? "in" : "out", theirs, filter);
                 NetcapProcess netcap = NetcapProcess.start(args.toArray(String[]::new))) {
                netcap.awaitListening();
                for (int i = 0; i < count; i++) {
                    net.udp(9997, payload);
                }
                Thread.sleep(300);
                netcap.signal("INT");
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                ref.close();
                List<PcapRecord> mine = PcapReader.read(ours);
                List<PcapRecord> reference = PcapReader.read(theirs);
                assertEquals(count, reference.size(), "tcpdump saw the datagrams");
                assertEquals(count, mine.size(), netcap.stderr());
                for (int i = 0; i < count; i++) {
                    byte[] frame = reference.get(i).data();
                    assertEquals(1242, frame.length);
                    // a raw packet is written behind a made-up 14-byte Ethernet header, which -s counts
                    byte[] packet = skbData == null ? frame
                            : concat(java.util.Arrays.copyOf(mine.get(i).data(), 14),
                                    java.util.Arrays.copyOfRange(frame, 14 + skbData, frame.length));
                    assertEquals(packet.length, mine.get(i).originalLength(), "packet " + i + " length");
                    assertArrayEquals(java.util.Arrays.copyOf(packet, Math.min(snap, packet.length)), mine.get(i).data(),
                            "packet " + i + ": the first min(wire, -s) bytes");
                }
                assertFalse(netcap.stderr().contains("cut short"), netcap.stderr());
                assertFalse(netcap.stderr().contains("could not all read"), netcap.stderr());
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}

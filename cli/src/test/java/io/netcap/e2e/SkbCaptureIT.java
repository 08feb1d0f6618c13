package io.netcap.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
}

package io.netcap.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netcap.pcap.PcapReader;
import io.netcap.pcap.PcapRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Packets whose bytes are in page fragments — TCP payloads, 64 KiB GSO packets, frames sent from
 * a PACKET_TX_RING — come out whole and are filtered on their whole bytes, as tcpdump's are. On
 * this project's kernel tp_btf hooks read them through bpf_dynptr_from_skb; where /proc/kallsyms
 * gives page_offset_base (the function-hook guests) every hook kind reads them through the
 * fragments' pages. A hook that can read only the linear part says so and marks what it cut.
 */
class WholePacketIT extends KernelTest {
    private static final String RX = "tp_btf:netif_receive_skb";
    private static final String TX = "tp_btf:net_dev_queue";

    @TempDir
    Path dir;

    static boolean kallsymsLayout() throws Exception {
        String kallsyms = Files.readString(Path.of("/proc/kallsyms"));
        return kallsyms.contains(" page_offset_base\n") && kallsyms.contains(" vmemmap_base\n");
    }

    /** Hooks other than tp_btf read fragments only through the kallsyms layout (the guests' kernels). */
    private static void assumeWhole(String hook) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(hook.startsWith("tp_btf:") || kallsymsLayout(),
                hook + " reads page fragments only where /proc/kallsyms lists page_offset_base (the function-hook guests)");
    }

    /** Every record of a TCP bulk transfer holds min(wire length, snap length) bytes: none is cut. */
    @ParameterizedTest
    @ValueSource(strings = {"1514", "65535"})
    void tcpBulkTransferRecordsAreWhole(String snap) throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            Path ours = dir.resolve("bulk.pcap");
            try (NetcapProcess netcap = NetcapProcess.start("dump", "-Q", "in", "-i", net.devB, "-s", snap,
                    "-e", "tcp port 5201", "-w", ours.toString())) {
                netcap.awaitListening();
                net.tcpBulk(5201, 1);
                Thread.sleep(300);
                netcap.signal("INT");
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                List<PcapRecord> mine = PcapReader.read(ours);
                int snapLength = Integer.parseInt(snap);
                long big = mine.stream().filter(p -> p.originalLength() > 1514).count();
                assertTrue(mine.size() > 100, "a bulk transfer: " + mine.size() + " records");
                long cut = mine.stream().filter(p -> p.data().length < Math.min(p.originalLength(), snapLength)).count();
                assertEquals(0, cut, "records shorter than min(wire, " + snap + ") of " + mine.size() + " (" + big
                        + " larger than a frame)\n" + netcap.stderr());
                assertFalse(netcap.stderr().contains("truncated"), netcap.stderr());
            }
        }
    }

    /**
     * tcpdump's filter for an HTTP request line ("GET ") in the TCP payload, which TCP's sends keep
     * in page fragments: it matches on RX and TX.
     */
    @ParameterizedTest
    @ValueSource(strings = {RX, TX, "tracepoint:net:netif_receive_skb"})
    void aPayloadFilterMatchesBytesInPageFragments(String hook) throws Exception {
        assumeWhole(hook);
        try (TestNetwork net = TestNetwork.create()) {
            Path request = dir.resolve("get.txt");
            Files.writeString(request, "GET /netcap HTTP/1.1\r\nHost: b\r\n\r\n");
            net.tcpSink(8080);
            try (NetcapProcess netcap = NetcapProcess.start("skb", "-f", hook, "--json", "--json-bytes", "-e",
                    "dst host " + net.addrB + " and tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420")) {
                netcap.awaitListening();
                net.tcpSend(8080, request);
                netcap.awaitStdoutLines(1);
                netcap.signal("INT");
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                List<JsonNode> records = json(netcap.stdout());
                assertEquals(1, records.size(), netcap.stdout() + netcap.stderr());
                String bytes = records.get(0).get("bytes").asText();
                assertTrue(bytes.contains(hex("GET /netcap HTTP/1.1")), bytes);
                assertFalse(records.get(0).has("truncated"), records.get(0).toString());
            }
        }
    }

    /**
     * A filter on a byte 3000 bytes into 64 KiB GSO packets (one skb per 64 KiB on a veth, mostly
     * page fragments) matches them, and they are written up to the snap length.
     */
    @ParameterizedTest
    @ValueSource(strings = {RX, TX, "tracepoint:net:net_dev_queue"})
    void aFilterDeepInsideAGsoPacketMatches(String hook) throws Exception {
        assumeWhole(hook);
        List<PcapRecord> mine = captureZeds(hook, "4000", "len > 10000 and ip[3000:4] = 0x5a5a5a5a");
        for (PcapRecord p : mine) {
            assertTrue(p.originalLength() > 10000, "length " + p.originalLength());
            assertEquals(4000, p.data().length, "cut at -s, not before");
            assertEquals('Z', p.data()[3000 + 14], "byte 3000 of the IP packet");
        }
    }

    /**
     * 400 kB of 'Z' over one TCP connection from A to B (64 KiB GSO packets on the veth), captured
     * at {@code hook} with {@code -s snap} and {@code dst host B and <filter>}: the records, at
     * least one.
     */
    private List<PcapRecord> captureZeds(String hook, String snap, String filter) throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            Path data = dir.resolve("z.bin");
            byte[] z = new byte[400_000];
            java.util.Arrays.fill(z, (byte) 'Z');
            Files.write(data, z);
            net.tcpSink(8081);
            Path ours = dir.resolve("gso.pcap");
            try (NetcapProcess netcap = NetcapProcess.start("skb", "-f", hook, "-s", snap, "-w", ours.toString(),
                    "-e", "dst host " + net.addrB + " and " + filter)) {
                netcap.awaitListening();
                net.tcpSend(8081, data);
                Thread.sleep(300);
                netcap.signal("INT");
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                List<PcapRecord> mine = PcapReader.read(ours);
                assertFalse(mine.isEmpty(), "no GSO packet matched " + filter + "\n" + netcap.stderr());
                return mine;
            }
        }
    }

    /**
     * A filter reads further into a packet than the snap length and than 2048 bytes: byte 30000
     * of 64 KiB GSO packets, with -s 128. The filter sees as far as it reads, so it matches as in
     * tcpdump (a fixed floor of 2048 bytes made it silently match nothing), and the records are
     * still cut at -s.
     */
    @ParameterizedTest
    @ValueSource(strings = {RX, TX})
    void aFilterReadingPastTheSnapLengthMatches(String hook) throws Exception {
        assumeWhole(hook);
        for (PcapRecord p : captureZeds(hook, "128", "ip[30000:4] = 0x5a5a5a5a")) {
            assertTrue(p.originalLength() > 30004, "length " + p.originalLength());
            assertEquals(128, p.data().length, "cut at -s");
        }
    }

    /**
     * Frames from trafgen's mmap TX ring keep only the Ethernet header in the linear part (on RX,
     * nothing after the pulled MAC header): the UDP port filter still matches every one, on RX and
     * TX, and they are written whole.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({RX + ", b-in", TX + ", a-out", "tracepoint:net:netif_receive_skb, b-in"})
    void framesSentFromAPacketTxRingMatch(String hook, String side) throws Exception {
        boolean whole = hook.startsWith("tp_btf:") || kallsymsLayout();
        try (TestNetwork net = TestNetwork.create()) {
            Path ours = dir.resolve("ring.pcap");
            int count = 20;
            boolean rx = side.equals("b-in");
            try (NetcapProcess netcap = NetcapProcess.start("skb", "-f", hook, "-i", rx ? net.devB : net.devA,
                    "-e", "udp and dst port 9 and dst host " + net.addrB, "-w", ours.toString())) {
                netcap.awaitListening();
                net.udpFromPageFragments(count, dir);
                Thread.sleep(300);
                netcap.signal("INT");
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                List<PcapRecord> mine = PcapReader.read(ours);
                if (!whole) {
                    // the UDP header is in a fragment this hook cannot read: nothing matches, and it says why
                    assertEquals(0, mine.size(), netcap.stderr());
                    assertTrue(netcap.stderr().contains(hook + " can read only the linear part"), netcap.stderr());
                    assertTrue(netcap.stderr().contains("use tp_btf:netif_receive_skb for whole packets"), netcap.stderr());
                    assertTrue(netcap.stderr().contains(count + " packets seen whose bytes the hook could not all read"),
                            netcap.stderr());
                    return;
                }
                assertEquals(count, mine.size(), netcap.stderr());
                for (PcapRecord p : mine) {
                    assertEquals(60, p.originalLength());
                    assertEquals(60, p.data().length, "the whole frame, fragments included");
                    for (int i = 42; i < 60; i++) {
                        assertEquals(0x41, p.data()[i] & 0xff, "payload byte " + i);
                    }
                }
                assertFalse(netcap.stderr().contains("linear part"), netcap.stderr());
            }
        }
    }

    /**
     * UDP datagrams that GRO merged into one skb with the later ones on its frag_list (a veth
     * with rx-gro-list, fed in batches through a tbf qdisc) are written whole: every byte of every
     * datagram in it. Merging is up to the timing of each NAPI poll, so bursts are sent until
     * netcap has written one merged packet (at most ten); without one the test is skipped.
     */
    @ParameterizedTest
    @ValueSource(strings = {RX, "tracepoint:net:netif_receive_skb"})
    void packetsOnAFragListAreWhole(String hook) throws Exception {
        assumeWhole(hook);
        try (TestNetwork net = TestNetwork.create()) {
            TestNetwork.run("ip", "netns", "exec", net.nsB, "ethtool", "-K", net.devB, "gro", "on", "rx-gro-list", "on");
            TestNetwork.run("ip", "netns", "exec", net.nsA, "tc", "qdisc", "add", "dev", net.devA, "root", "tbf",
                    "rate", "50mbit", "burst", "32kb", "latency", "500ms");
            Path data = dir.resolve("b.bin");
            byte[] b = new byte[300_000];
            java.util.Arrays.fill(b, (byte) 'B');
            Files.write(data, b);
            String filter = "udp and dst port 7777 and dst host " + net.addrB;
            try (NetcapProcess netcap = NetcapProcess.start("skb", "-f", hook, "-i", net.devB, "-s", "65535", "--json",
                    "--json-bytes", "-e", filter + " and len > 1100")) {
                netcap.awaitListening();
                for (int burst = 0; burst < 10 && netcap.stdout().isEmpty(); burst++) {
                    TestNetwork.run("ip", "netns", "exec", net.nsA, "timeout", "20", "socat", "-b", "1000", "-u",
                            "OPEN:" + data, "UDP-SENDTO:" + net.addrB + ":7777");
                    Thread.sleep(500);
                }
                netcap.signal("INT");
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                List<JsonNode> merged = json(netcap.stdout());
                org.junit.jupiter.api.Assumptions.assumeFalse(merged.isEmpty(), "GRO merged no datagrams in ten bursts");
                for (JsonNode r : merged) {
                    int len = r.get("len").asInt();
                    assertEquals(len, r.get("caplen").asInt(), "whole: " + r);
                    assertFalse(r.has("truncated"), r.toString());
                    byte[] frame = java.util.HexFormat.of().parseHex(r.get("bytes").asText());
                    // the first datagram's payload (after 42 bytes of headers), then the rest of
                    // the frag_list: each later datagram's UDP payload, all 'B'
                    for (int i = 42; i < frame.length; i++) {
                        assertEquals('B', frame[i], "byte " + i + " of " + len);
                    }
                    assertEquals(0, (len - 42) % 1000, "whole datagrams: " + len);
                }
            }
        }
    }

    /**
     * Where a hook reads only the linear part (a classic tracepoint without the kallsyms layout),
     * it says so once at start, marks each cut record truncated in --json, and counts them at exit.
     */
    @org.junit.jupiter.api.Test
    void aLinearOnlyHookMarksWhatItCuts() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(kallsymsLayout(),
                "this kernel's /proc/kallsyms lists page_offset_base: every hook reads whole packets here");
        try (TestNetwork net = TestNetwork.create()) {
            Path request = dir.resolve("payload.txt");
            Files.writeString(request, "x".repeat(3000));
            net.tcpSink(8082);
            try (NetcapProcess netcap = NetcapProcess.start("skb", "-f", "tracepoint:net:netif_receive_skb", "--json",
                    "-e", "tcp and dst port 8082 and dst host " + net.addrB + " and len > 1000")) {
                netcap.awaitListening();
                net.tcpSend(8082, request);
                netcap.awaitStdoutLines(1);
                Thread.sleep(300);
                netcap.signal("INT");
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                String err = netcap.stderr();
                assertEquals(1, err.split("can read only the linear part", -1).length - 1, "said once: " + err);
                List<JsonNode> records = json(netcap.stdout());
                assertFalse(records.isEmpty());
                for (JsonNode r : records) {
                    assertTrue(r.path("truncated").asBoolean(), r.toString());
                    assertTrue(r.get("caplen").asInt() < r.get("len").asInt(), r.toString());
                }
                assertTrue(err.contains(records.size() + " packet" + (records.size() == 1 ? "" : "s")
                        + " written cut short (marked truncated)"), err);
            }
        }
    }

    private static List<JsonNode> json(String lines) throws Exception {
        ObjectMapper m = new ObjectMapper();
        List<JsonNode> out = new java.util.ArrayList<>();
        for (String line : lines.split("\n")) {
            if (!line.isBlank()) {
                out.add(m.readTree(line));
            }
        }
        return out;
    }

    private static String hex(String s) {
        return java.util.HexFormat.of().formatHex(s.getBytes(StandardCharsets.US_ASCII));
    }
}

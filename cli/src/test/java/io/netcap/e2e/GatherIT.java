package io.netcap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * --gather on real traffic between two namespaces: delays the kernel really adds (a socket read
 * late on purpose, a rate-limiting qdisc), a packet followed from one namespace's transmit to the
 * other's receive on another CPU, and packets dropped between the hooks.
 */
class GatherIT extends KernelTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DELAYED_READER = Path.of("src/test/resources/io/netcap/e2e/gather/DelayedReader.java");
    /** A segment with data: handshake and pure ACKs are never copied to the reader, so are not followed here. */
    private static final String DATA_SEGMENTS = " and tcp[tcpflags] & tcp-push != 0";

    @TempDir
    Path dir;

    private static List<JsonNode> followed(NetcapProcess netcap) throws IOException {
        List<JsonNode> packets = new ArrayList<>();
        for (String line : netcap.stdout().lines().filter(l -> l.startsWith("{")).toList()) {
            packets.add(JSON.readTree(line));
        }
        return packets;
    }

    /** The DelayedReader on B's address, started in B; returns once it listens. */
    private static Process delayedReader(TestNetwork net, int port, int delayMs, int reads) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder("ip", "netns", "exec", net.nsB, "timeout", "60", java, DELAYED_READER.toString(),
                net.addrB, Integer.toString(port), Integer.toString(delayMs), Integer.toString(reads))
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
        String line = out.readLine(); // the source launcher compiles first: a second or two
        if (!"listening".equals(line)) {
            p.destroyForcibly();
            throw new IOException("DelayedReader did not start: " + line);
        }
        return p;
    }

    /** Runs bash in A with a bound in time. */
    private static void inA(TestNetwork net, String script) throws IOException {
        TestNetwork.run("ip", "netns", "exec", net.nsA, "timeout", "25", "bash", "-c", script);
    }

    private static double millis(String text) {
        Matcher m = Pattern.compile("([0-9.]+) (ns|us|ms|s)").matcher(text);
        assertTrue(m.find(), text);
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "ns" -> v / 1e6;
            case "us" -> v / 1e3;
            case "ms" -> v;
            default -> v * 1e3;
        };
    }

    /**
     * The server reads each segment 200 ms after it arrives: between netif_receive_skb (arrival)
     * and skb_copy_datagram_iovec (the read) of the same skb, --gather shows those 200 ms per
     * segment, and the exit table's median agrees.
     */
    @Test
    void socketQueueingDelayOfEverySegment() throws Exception {
        int port = 9301;
        int delayMs = 200;
        try (TestNetwork net = TestNetwork.create()) {
            Process reader = delayedReader(net, port, delayMs, 6);
            try (NetcapProcess netcap = NetcapProcess.start("skb", "-G",
                    "-f", "tracepoint:net:netif_receive_skb,tracepoint:skb:skb_copy_datagram_iovec",
                    "-e", "tcp dst port " + port + " and dst host " + net.addrB + DATA_SEGMENTS, "-c", "6")) {
                netcap.awaitListening();
                // the first segment is the server's first read too (class loading, JIT): not measured
                inA(net, "exec 3<>/dev/tcp/" + net.addrB + "/" + port
                        + "; for i in 0 1 2 3 4 5; do printf segment$i >&3; sleep 0.4; done");
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                List<Double> delays = new ArrayList<>();
                Matcher m = Pattern.compile("(?m)^\t\\[2] tracepoint:skb:skb_copy_datagram_iovec  \\+(.*)$")
                        .matcher(netcap.stdout());
                while (m.find()) {
                    delays.add(millis(m.group(1)));
                }
                String all = netcap.stdout() + netcap.stderr();
                assertEquals(6, delays.size(), all);
                assertTrue(delays.get(0) >= delayMs, all);
                for (double d : delays.subList(1, 6)) {
                    // the server's sleep and 1 ms polling, plus whatever else the machine runs
                    assertTrue(d >= delayMs && d < delayMs + 40, "each segment waits the server's 200 ms: " + all);
                }
                Matcher row = Pattern.compile("(?m)^  \\[1]->\\[2] +6 +(\\S+ \\S+) +(\\S+ \\S+)").matcher(netcap.stderr());
                assertTrue(row.find(), netcap.stderr());
                double p50 = millis(row.group(2));
                assertTrue(p50 >= delayMs && p50 < delayMs + 10, "the table's median: " + netcap.stderr());
                List<Double> sorted = delays.stream().sorted().toList();
                assertEquals(sorted.get(2), p50, 0.0015, "the median (nearest rank) of the six, to the microsecond: " + all);
            } finally {
                reader.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * A token bucket of 1 Mbit/s on A's device and a burst of equal datagrams: between
     * net_dev_queue and net_dev_start_xmit each frame waits for the ones before it, so the frames
     * leave one every size/rate (8.3 ms for 1042 bytes) and the k-th frame's delay grows with k.
     */
    @Test
    void transmitQueueingDelayGrowsAsTheRatePredicts() throws Exception {
        int frames = 8;
        int frameBytes = 14 + 20 + 8 + 1000;
        double msPerFrame = frameBytes * 8 / 1e6 * 1e3; // at 1 Mbit/s
        try (TestNetwork net = TestNetwork.create()) {
            net.ping(1); // resolve B's address first: the datagrams must not wait for ARP
            TestNetwork.run("ip", "netns", "exec", net.nsA, "tc", "qdisc", "add", "dev", net.devA, "root", "tbf",
                    "rate", "1mbit", "burst", "1600", "limit", "100000");
            try (NetcapProcess netcap = NetcapProcess.start("skb", "--gather", "--json",
                    "-f", "tracepoint:net:net_dev_queue,tracepoint:net:net_dev_start_xmit",
                    "-e", "udp dst port 9 and dst host " + net.addrB, "-c", Integer.toString(frames))) {
                netcap.awaitListening();
                inA(net, "s=$(printf '%01000d' 0); for i in $(seq " + frames + "); do printf %s \"$s\" > /dev/udp/"
                        + net.addrB + "/9; done");
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                List<JsonNode> packets = followed(netcap);
                String all = netcap.stdout() + netcap.stderr();
                assertEquals(frames, packets.size(), all);
                double[] delay = new double[frames];
                double[] left = new double[frames];
                for (int k = 0; k < frames; k++) {
                    JsonNode hops = packets.get(k).get("gather");
                    assertEquals(frameBytes, packets.get(k).get("len").asInt(), all);
                    assertEquals("seen", hops.get(1).get("status").asText(), all);
                    delay[k] = hops.get(1).get("since_first_ns").asLong() / 1e6;
                    left[k] = java.time.Instant.parse(hops.get(1).get("time").asText()).toEpochMilli();
                }
                assertTrue(delay[frames - 1] > (frames - 3) * msPerFrame, "the last frame waited for the others: " + all);
                double spacing = (left[frames - 1] - left[2]) / (frames - 3);
                assertTrue(Math.abs(spacing - msPerFrame) < 0.25 * msPerFrame,
                        "frames leave one per " + msPerFrame + " ms, measured " + spacing + ": " + all);
                for (int k = 2; k < frames; k++) {
                    assertTrue(delay[k] > delay[k - 1], "the k-th frame waits longer than the one before: " + all);
                }
            }
        }
    }

    /**
     * A ping from A to B, with B's receive steered to another CPU (RPS): each echo request is
     * followed from A's transmit to B's receive, in another namespace and on another CPU, and
     * the replies the other way; none is lost to the order the CPUs' events were read in, with
     * one ring buffer or with per-CPU perf buffers (read one after another).
     */
    @ParameterizedTest
    @ValueSource(strings = {"ring", "perf"})
    void followedAcrossTheVethPairAndAcrossCpus(String transport) throws Exception {
        int cpus = Runtime.getRuntime().availableProcessors();
        try (TestNetwork net = TestNetwork.create()) {
            if (cpus > 1) {
                TestNetwork.run("ip", "netns", "exec", net.nsB, "bash", "-c",
                        "echo 2 > /sys/class/net/" + net.devB + "/queues/rx-0/rps_cpus");
            }
            // resolve B's address first: a request held for ARP is sent from the CPU the ARP reply arrives on
            net.ping(1);
            try (NetcapProcess netcap = NetcapProcess.start("skb", "-G", "--json", "--transport", transport,
                    "-f", "tracepoint:net:net_dev_start_xmit,tracepoint:net:netif_receive_skb",
                    "-e", "icmp and host " + net.addrB, "-c", "10")) {
                netcap.awaitListening();
                TestNetwork.run("ip", "netns", "exec", net.nsA, "taskset", "-c", "0", "ping", "-n", "-q", "-c", "5",
                        "-i", "0.2", "-w", "10", net.addrB);
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                List<JsonNode> packets = followed(netcap);
                String all = netcap.stdout() + netcap.stderr();
                assertEquals(10, packets.size(), all);
                int crossed = 0;
                for (JsonNode p : packets) {
                    JsonNode hops = p.get("gather");
                    assertEquals("seen", hops.get(1).get("status").asText(), all);
                    assertTrue(hops.get(1).get("since_first_ns").asLong() < 50_000_000L, all);
                    if (p.get("icmp_type").asInt() == 8) {
                        assertEquals(net.devA, p.get("device").asText(), "the head is A's transmit: " + all);
                        if (hops.get(0).get("cpu").asInt() != hops.get(1).get("cpu").asInt()) {
                            crossed++;
                        }
                    }
                }
                assertEquals(5, packets.stream().filter(p -> p.get("icmp_type").asInt() == 8).count(), all);
                if (cpus > 1) {
                    assertEquals(5, crossed, "RPS moved B's receive of every request to CPU 1: " + all);
                }
            }
        }
    }

    /**
     * -i, --netns and -e choose packets at the first hook: a ping request taken on A's device in
     * A's namespace is followed to B's receive, on B's device in B's namespace, which neither
     * option names.
     */
    @Test
    void theSelectionIsMadeAtTheFirstHookAndThePacketFollowedBeyondIt() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            net.ping(1);
            try (NetcapProcess netcap = NetcapProcess.start("skb", "-G", "--json", "-i", net.devA,
                    "--netns", Long.toString(net.netnsInode(net.nsA)),
                    "-f", "tracepoint:net:net_dev_start_xmit,tracepoint:net:netif_receive_skb",
                    "-e", "icmp[icmptype] == icmp-echo and dst host " + net.addrB, "-c", "3")) {
                netcap.awaitListening();
                net.ping(3);
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                List<JsonNode> packets = followed(netcap);
                String all = netcap.stdout() + netcap.stderr();
                assertEquals(3, packets.size(), all);
                for (JsonNode p : packets) {
                    assertEquals(net.devA, p.get("device").asText(), all);
                    assertEquals("seen", p.get("gather").get(1).get("status").asText(), all);
                }
            }
        }
    }

    /**
     * DNAT in B rewrites the destination between B's receive and the moment icmp_rcv consumes
     * the request: followed by its address (--gather-distinguish-by-pointer), the request is
     * seen at consume_skb although its destination no longer matches -e there; by address and
     * headers (the default) it is not recognised, as the README says.
     */
    @Test
    void throughNatThePacketIsFollowedByItsAddress() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            String natted = net.addrB.substring(0, net.addrB.lastIndexOf('.')) + ".3";
            TestNetwork.run("ip", "netns", "exec", net.nsB, "iptables", "-t", "nat", "-A", "PREROUTING", "-d", natted,
                    "-j", "DNAT", "--to-destination", net.addrB);
            TestNetwork.run("ip", "-n", net.nsA, "neigh", "add", natted, "lladdr", net.mac(net.nsB, net.devB), "dev",
                    net.devA);
            for (String identity : new String[] {"address", "address+content"}) {
                try (NetcapProcess netcap = NetcapProcess.start("skb", "-G", "--json", "--gather-identity", identity,
                        "--gather-timeout", "0.5", "-f", "tracepoint:net:netif_receive_skb,tracepoint:skb:consume_skb",
                        "-e", "icmp[icmptype] == icmp-echo and dst host " + natted, "-c", "2")) {
                    netcap.awaitListening();
                    TestNetwork.run("ip", "netns", "exec", net.nsA, "ping", "-n", "-q", "-c", "2", "-i", "0.2", "-w",
                            "10", natted);
                    assertEquals(0, netcap.waitFor(30), netcap.stderr());
                    List<JsonNode> packets = followed(netcap);
                    String all = identity + ": " + netcap.stdout() + netcap.stderr();
                    assertEquals(2, packets.size(), all);
                    for (JsonNode p : packets) {
                        assertEquals(natted, p.get("dst_ip").asText(), all);
                        assertEquals(identity.equals("address") ? "seen" : "not_seen",
                                p.get("gather").get(1).get("status").asText(), all);
                    }
                }
            }
        }
    }

    /**
     * An iptables rule in B drops the large segments: the small ones are seen at the read, the
     * large one (and each retransmission of it) is reported not seen within the timeout.
     */
    @Test
    void packetsDroppedBetweenTheHooksAreNotSeen() throws Exception {
        int port = 9302;
        try (TestNetwork net = TestNetwork.create()) {
            net.tcpSink(port);
            TestNetwork.run("ip", "netns", "exec", net.nsB, "iptables", "-A", "INPUT", "-p", "tcp", "--dport",
                    Integer.toString(port), "-m", "length", "--length", "400:2000", "-j", "DROP");
            try (NetcapProcess netcap = NetcapProcess.start("skb", "-G", "--json", "--gather-timeout", "0.5",
                    "-f", "tracepoint:net:netif_receive_skb,tracepoint:skb:skb_copy_datagram_iovec",
                    "-e", "tcp dst port " + port + " and dst host " + net.addrB + DATA_SEGMENTS)) {
                netcap.awaitListening();
                inA(net, "exec 3<>/dev/tcp/" + net.addrB + "/" + port + "; printf keep1 >&3; sleep 0.3;"
                        + " printf keep2 >&3; sleep 0.3; printf '%0500d' 0 >&3; sleep 1.5");
                netcap.signal("INT");
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                List<JsonNode> packets = followed(netcap);
                String all = netcap.stdout() + netcap.stderr();
                List<JsonNode> small = packets.stream().filter(p -> p.get("len").asInt() < 200).toList();
                List<JsonNode> large = packets.stream().filter(p -> p.get("len").asInt() >= 400).toList();
                assertEquals(2, small.size(), all);
                small.forEach(p -> assertEquals("seen", p.get("gather").get(1).get("status").asText(), all));
                assertTrue(large.size() >= 2, "the large segment and at least one retransmission: " + all);
                assertEquals("not_seen", large.get(0).get("gather").get(1).get("status").asText(), all);
                assertTrue(large.stream().allMatch(p -> p.get("gather").get(1).get("status").asText()
                        .matches("not_seen|capture_ended")), all);
                assertTrue(netcap.stderr().matches("(?s).*\\[1]->\\[2] +2 .* [1-9][0-9]* +[0-9]+\n.*"), all);
            }
        }
    }

    /**
     * With -w the file holds the followed packets as they reached the first hook, and the delay
     * lines go to stdout under "packet N at HOOK", numbered like the file.
     */
    @Test
    void writesTheFirstHooksPacketsToAFileAndTheDelaysToStdout() throws Exception {
        Path file = dir.resolve("gathered.pcap");
        try (TestNetwork net = TestNetwork.create()) {
            try (NetcapProcess netcap = NetcapProcess.start("skb", "-G", "-w", file.toString(),
                    "-f", "tracepoint:net:net_dev_start_xmit,tracepoint:net:netif_receive_skb",
                    "-e", "icmp and host " + net.addrB, "-c", "6")) {
                netcap.awaitListening();
                net.ping(3);
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                String out = netcap.stdout();
                for (int n = 1; n <= 6; n++) {
                    assertTrue(out.contains("packet " + n + " at tracepoint:net:net_dev_start_xmit"), out);
                }
                assertEquals(6, Pattern.compile("(?m)^\t\\[2] tracepoint:net:netif_receive_skb  \\+").matcher(out)
                        .results().count(), out);
                String read = TestNetwork.run("tcpdump", "-nn", "-r", file.toString());
                assertEquals(6, read.lines().filter(l -> l.contains("ICMP echo")).count(), read);
                assertTrue(Files.size(file) > 24);
            }
        }
    }
}

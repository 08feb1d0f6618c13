package io.netcap.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netcap.bpf.btf.Btf;
import io.netcap.pcap.PcapReader;
import io.netcap.pcap.PcapRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capture at kernel functions (fentry, kprobe) against real traffic, compared with tcpdump.
 * These need a kernel that can hook functions: the project's own cannot (no kprobes, fentry not
 * permitted), so scripts/kernel-matrix.sh runs this class inside Debian 6.1 and 6.12 guests.
 */
@Tag("function-hooks")
class FunctionHookIT extends KernelTest {
    @TempDir
    Path dir;

    @BeforeEach
    void needFunctionHooks() {
        assumeTrue(Files.exists(Path.of("/sys/kernel/tracing/kprobe_events"))
                        || Files.exists(Path.of("/sys/kernel/debug/tracing/kprobe_events")),
                "function hooks need a kernel with kprobes; scripts/kernel-matrix.sh runs these tests in QEMU guests");
    }

    /**
     * Runs netcap (with {@code netcapArgs}, plus the filter and -w) and tcpdump on B's device
     * (rx: packets in) or A's (packets out) while {@code traffic} runs; returns both captures.
     */
    private List<List<PcapRecord>> bothCaptures(TestNetwork net, boolean rx, String filter, Runnable traffic,
                                                String... netcapArgs) throws Exception {
        Path ours = Files.createTempFile(dir, "netcap", ".pcap");
        Path theirs = Files.createTempFile(dir, "tcpdump", ".pcap");
        List<String> args = new java.util.ArrayList<>(List.of(netcapArgs));
        args.addAll(List.of("-e", filter, "-w", ours.toString()));
        try (ReferenceTcpdump ref = ReferenceTcpdump.start(rx ? net.nsB : net.nsA, rx ? net.devB : net.devA,
                rx ? "in" : "out", theirs, filter);
             NetcapProcess netcap = NetcapProcess.start(args.toArray(String[]::new))) {
            netcap.awaitListening();
            traffic.run();
            Thread.sleep(500);
            netcap.signal("INT");
            assertEquals(0, netcap.waitFor(120), netcap.stderr());
            ref.close();
            return List.of(PcapReader.read(ours), PcapReader.read(theirs));
        }
    }

    /** Captures at {@code hook} and checks it got exactly the packets tcpdump got, byte for byte. */
    private List<PcapRecord> captureVersusTcpdump(TestNetwork net, String hook, boolean rx, String filter,
                                                  Runnable traffic) throws Exception {
        List<List<PcapRecord>> both = bothCaptures(net, rx, filter, traffic, "skb", "-f", hook);
        List<PcapRecord> mine = both.get(0);
        List<PcapRecord> reference = both.get(1);
        assertTrue(reference.size() >= 3, "tcpdump saw " + reference.size());
        assertEquals(reference.size(), mine.size(), hook);
        for (int i = 0; i < mine.size(); i++) {
            assertArrayEquals(reference.get(i).data(), mine.get(i).data(), hook + ": packet " + i);
        }
        return mine;
    }

    private static Runnable pings(TestNetwork net, int n) {
        return () -> {
            try {
                net.ping(n);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        };
    }

    private static String echoTo(TestNetwork net) {
        return "icmp[icmptype] == icmp-echo and dst host " + net.addrB;
    }

    @Test
    void icmpRcvExplicitAndAutoDetectedArgument() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            captureVersusTcpdump(net, "icmp_rcv@1", true, echoTo(net), pings(net, 3));
            captureVersusTcpdump(net, "icmp_rcv", true, echoTo(net), pings(net, 3));
        }
    }

    @Test
    void ipRcvSeesReceivedPackets() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            captureVersusTcpdump(net, "ip_rcv@1", true, echoTo(net), pings(net, 3));
        }
    }

    @Test
    void devQueueXmitSeesSentPacketsWithTheirEthernetHeader() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            captureVersusTcpdump(net, "__dev_queue_xmit@1", false, echoTo(net), pings(net, 3));
        }
    }

    @Test
    void tcpV4RcvWithAPortFilter() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            // The SYN to a closed port reaches tcp_v4_rcv; B answers with a reset.
            captureVersusTcpdump(net, "tcp_v4_rcv@1", true, "tcp port 9997 and dst host " + net.addrB, () -> {
                try {
                    for (int i = 0; i < 3; i++) {
                        net.tcpConnect(9997);
                    }
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
            });
        }
    }

    @Test
    void fentryAndKprobeOfTheSameHookCaptureTheSamePackets() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            List<PcapRecord> fentry = captureVersusTcpdump(net, "fentry:icmp_rcv@1", true, echoTo(net), pings(net, 3));
            List<PcapRecord> kprobe = captureVersusTcpdump(net, "kprobe:icmp_rcv@1", true, echoTo(net), pings(net, 3));
            assertEquals(fentry.size(), kprobe.size());
            for (int i = 0; i < fentry.size(); i++) {
                // Different pings, so IP ids, checksums and ICMP ids differ; everything else is the same.
                byte[] f = fentry.get(i).data();
                byte[] k = kprobe.get(i).data();
                assertEquals(fentry.get(i).originalLength(), kprobe.get(i).originalLength());
                assertArrayEquals(java.util.Arrays.copyOfRange(f, 0, 14), java.util.Arrays.copyOfRange(k, 0, 14),
                        "Ethernet header of packet " + i);
                assertArrayEquals(java.util.Arrays.copyOfRange(f, 14 + 9, 14 + 10), java.util.Arrays.copyOfRange(k, 14 + 9, 14 + 10),
                        "IP protocol of packet " + i);
                assertArrayEquals(java.util.Arrays.copyOfRange(f, 14 + 12, 14 + 22), java.util.Arrays.copyOfRange(k, 14 + 12, 14 + 22),
                        "addresses and ICMP type/code of packet " + i);
            }
        }
    }

    /** -f FUNC@S@E: the function's argument E (ip_rcv's net_device) is the extension's ext, at fentry and kprobe. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"fentry:ip_rcv@1@2", "kprobe:ip_rcv@1@2"})
    void theFunctionsExtraArgumentReachesTheAction(String hook) throws Exception {
        Path action = dir.resolve("device-arg-action.c");
        try (java.io.InputStream in = FunctionHookIT.class.getResourceAsStream("ext/device-arg-action.c")) {
            Files.write(action, in.readAllBytes());
        }
        try (TestNetwork net = TestNetwork.create();
             NetcapProcess netcap = NetcapProcess.start("skb", "-f", hook, "-e", echoTo(net), "--ext-action",
                     action.toString(), "--json", "-c", "2")) {
            netcap.awaitListening();
            net.ping(2);
            assertEquals(0, netcap.waitFor(120), netcap.stderr());
            for (String line : netcap.stdout().strip().split("\n")) {
                JsonNode ext = new ObjectMapper().readTree(line).get("ext");
                assertEquals(net.devB, ext.get("dev").asText(), line);
                assertEquals(0, ext.get("hook").asInt(), line);
            }
        }
    }

    @Test
    void dropFunctionReportsTheNetfilterReason() throws Exception {
        String drop = Btf.vmlinux().findFuncParams("kfree_skb_reason").isPresent() ? "kfree_skb_reason" : "sk_skb_reason_drop";
        try (TestNetwork net = TestNetwork.create()) {
            net.ping(1);
            net.dropIcmpAtB();
            try (NetcapProcess netcap = NetcapProcess.start("skb", "-f", drop, "--json", "-c", "3", "-e", echoTo(net))) {
                netcap.awaitListening();
                net.ping(3, true);
                assertEquals(0, netcap.waitFor(120), netcap.stderr());
                String[] lines = netcap.stdout().strip().split("\n");
                assertEquals(3, lines.length, netcap.stdout());
                for (String line : lines) {
                    JsonNode j = new ObjectMapper().readTree(line);
                    assertEquals("NETFILTER_DROP", j.get("drop_reason").asText(), line);
                    assertEquals(net.addrB, j.get("dst_ip").asText(), line);
                }
            }
        }
    }

    @Test
    void fakeHeaderGivesIpOutputAnEthernetHeader() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            List<List<PcapRecord>> both = bothCaptures(net, false, echoTo(net), pings(net, 3),
                    "skb", "-f", "ip_output@3", "--fake-hdr");
            List<PcapRecord> mine = both.get(0);
            List<PcapRecord> reference = both.get(1);
            assertEquals(3, reference.size());
            assertEquals(reference.size(), mine.size());
            for (int i = 0; i < mine.size(); i++) {
                byte[] m = mine.get(i).data();
                byte[] r = reference.get(i).data();
                assertArrayEquals(new byte[12], java.util.Arrays.copyOfRange(m, 0, 12), "made-up MACs are zero");
                // From the ethertype on, the packet is the one that left the device.
                assertArrayEquals(java.util.Arrays.copyOfRange(r, 12, r.length), java.util.Arrays.copyOfRange(m, 12, m.length));
            }
        }
    }

    @Test
    void fakeHeaderBuildsTheIpHeaderFromTheSocketAtIpQueueXmit() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            String filter = "tcp and dst port 9996 and dst host " + net.addrB;
            List<List<PcapRecord>> both = bothCaptures(net, false, filter, () -> {
                try {
                    for (int i = 0; i < 3; i++) {
                        net.tcpConnect(9996);
                    }
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
            }, "skb", "-f", "ip_queue_xmit@2", "--fake-hdr");
            List<PcapRecord> mine = both.get(0);
            List<PcapRecord> reference = both.get(1);
            assertEquals(3, reference.size());
            assertEquals(reference.size(), mine.size());
            for (int i = 0; i < mine.size(); i++) {
                byte[] m = mine.get(i).data();
                byte[] r = reference.get(i).data();
                assertEquals(0x45, m[14] & 0xff, "a made-up IPv4 header without options");
                assertEquals(6, m[14 + 9], "protocol from the socket");
                assertArrayEquals(java.util.Arrays.copyOfRange(r, 14 + 12, 14 + 20),
                        java.util.Arrays.copyOfRange(m, 14 + 12, 14 + 20), "addresses from the socket");
                assertArrayEquals(java.util.Arrays.copyOfRange(r, 14 + 20, r.length),
                        java.util.Arrays.copyOfRange(m, 14 + 20, m.length), "the TCP segment itself");
                assertEquals(reference.get(i).originalLength(), mine.get(i).originalLength());
            }
        }
    }
}

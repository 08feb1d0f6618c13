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
class FunctionHookTest extends KernelTest {
    @TempDir
    Path dir;

    @BeforeEach
    void needFunctionHooks() {
        assumeTrue(Files.exists(Path.of("/sys/kernel/tracing/kprobe_events"))
                        || Files.exists(Path.of("/sys/kernel/debug/tracing/kprobe_events")),
                "function hooks need a kernel with kprobes; scripts/kernel-matrix.sh runs these tests in QEMU guests");
    }

    /** Captures at {@code hook} while A pings B, and compares with tcpdump on the same side. */
    private List<PcapRecord> captureVersusTcpdump(TestNetwork net, String hook, boolean rx, String filter,
                                                  Runnable traffic, String... extra) throws Exception {
        Path ours = Files.createTempFile(dir, "netcap", ".pcap");
        Path theirs = Files.createTempFile(dir, "tcpdump", ".pcap");
        List<String> args = new java.util.ArrayList<>(List.of("skb", "-f", hook, "-e", filter, "-w", ours.toString()));
        args.addAll(List.of(extra));
        try (ReferenceTcpdump ref = ReferenceTcpdump.start(rx ? net.nsB : net.nsA, rx ? net.devB : net.devA,
                rx ? "in" : "out", theirs, filter);
             NetcapProcess netcap = NetcapProcess.start(args.toArray(String[]::new))) {
            netcap.awaitListening();
            traffic.run();
            Thread.sleep(500);
            netcap.signal("INT");
            assertEquals(0, netcap.waitFor(120), netcap.stderr());
            ref.close();
            List<PcapRecord> mine = PcapReader.read(ours);
            List<PcapRecord> reference = PcapReader.read(theirs);
            assertTrue(reference.size() >= 3, "tcpdump saw " + reference.size());
            assertEquals(reference.size(), mine.size(), hook + "\n" + netcap.stderr());
            for (int i = 0; i < mine.size(); i++) {
                assertArrayEquals(reference.get(i).data(), mine.get(i).data(), hook + ": packet " + i);
            }
            return mine;
        }
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
                // Different pings (different ids), same shape: same length and headers up to the ICMP id.
                assertEquals(fentry.get(i).originalLength(), kprobe.get(i).originalLength());
                assertArrayEquals(java.util.Arrays.copyOfRange(fentry.get(i).data(), 0, 14 + 20 + 2),
                        java.util.Arrays.copyOfRange(kprobe.get(i).data(), 0, 14 + 20 + 2), "headers of packet " + i);
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
}

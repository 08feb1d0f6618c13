package io.netcap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netcap.pcap.PcapReader;
import io.netcap.pcap.PcapRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** -c, signals, -i across namespaces, the tcpdump display and -S, against real traffic. */
class SkbBehaviourIT extends KernelTest {
    private static final String RX = "tracepoint:net:netif_receive_skb";

    @TempDir
    Path dir;

    @Test
    void countStopsByItselfWithACompletePcap() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            Path file = dir.resolve("c.pcap");
            try (NetcapProcess netcap = NetcapProcess.start("skb", "-f", RX, "-e", "icmp and host " + net.addrB,
                    "-c", "3", "-w", file.toString())) {
                netcap.awaitListening();
                net.ping(6); // requests arrive at B, replies at A: more than 3 matches
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                List<PcapRecord> packets = PcapReader.read(file);
                assertEquals(3, packets.size());
                assertTrue(netcap.stderr().contains("3 packets captured"), netcap.stderr());
            }
        }
    }

    /** tcpdump -s 100 -w declares 100 in the file header; so must netcap, and cut every record to it. */
    @Test
    void theFileHeaderDeclaresTheCaptureSize() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            Path file = dir.resolve("s100.pcap");
            try (NetcapProcess netcap = NetcapProcess.start("skb", "-f", RX, "-e", "udp port 7777 and dst host " + net.addrB,
                    "-s", "100", "-c", "1", "-w", file.toString())) {
                netcap.awaitListening();
                net.udp(7777, "x".repeat(300));
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
            }
            byte[] header = java.util.Arrays.copyOf(java.nio.file.Files.readAllBytes(file), 24);
            assertEquals(100, java.nio.ByteBuffer.wrap(header, 16, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(),
                    "snaplen in the file header");
            List<PcapRecord> packets = PcapReader.read(file);
            assertEquals(1, packets.size());
            assertEquals(100, packets.get(0).capturedLength());
            assertEquals(14 + 20 + 8 + 300, packets.get(0).originalLength());
        }
    }

    /**
     * IDs of the BPF programs a process holds open, from its descriptors' fdinfo ("prog_id:"),
     * so that other netcap processes on the machine do not count.
     */
    private static java.util.Set<String> programIdsHeldBy(long pid) throws Exception {
        java.util.Set<String> ids = new java.util.HashSet<>();
        try (java.util.stream.Stream<java.nio.file.Path> fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/" + pid + "/fdinfo"))) {
            for (java.nio.file.Path fd : (Iterable<java.nio.file.Path>) fds::iterator) {
                String info;
                try {
                    info = java.nio.file.Files.readString(fd);
                } catch (java.io.IOException closedMeanwhile) {
                    continue;
                }
                Matcher m = Pattern.compile("(?m)^prog_id:\\s+(\\d+)").matcher(info);
                if (m.find()) {
                    ids.add(m.group(1));
                }
            }
        }
        return ids;
    }

    /** Of the given program IDs, those still loaded in the kernel. */
    private static java.util.Set<String> stillLoaded(java.util.Set<String> ids) throws Exception {
        java.util.Set<String> loaded = new java.util.HashSet<>();
        Matcher m = Pattern.compile("(?m)^(\\d+): ").matcher(TestNetwork.run("bpftool", "prog", "show"));
        while (m.find()) {
            loaded.add(m.group(1));
        }
        loaded.retainAll(ids);
        return loaded;
    }

    @Test
    void sigtermMidCaptureLeavesAValidPcapAndNoProgramLoaded() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            Path file = dir.resolve("term.pcap");
            try (NetcapProcess netcap = NetcapProcess.start("skb", "-f", RX, "-e",
                    "icmp[icmptype] == icmp-echo and dst host " + net.addrB, "-w", file.toString())) {
                netcap.awaitListening();
                java.util.Set<String> ours = programIdsHeldBy(netcap.pid());
                assertEquals(1, ours.size(), "one hook program loaded by this netcap: " + ours);
                net.ping(4);
                Thread.sleep(200);
                netcap.signal("TERM");
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                assertEquals(4, PcapReader.read(file).size());
                assertTrue(netcap.stderr().contains("4 packets captured"), netcap.stderr());
                java.util.Set<String> left = stillLoaded(ours);
                assertTrue(left.isEmpty(), "still loaded after exit: " + left);
            }
        }
    }

    /** tracepoint hooks read the device name with a helper, BTF-typed ones compare it in place. */
    @ParameterizedTest
    @ValueSource(strings = {RX, "tp_btf:netif_receive_skb"})
    void interfaceMatchesTheDeviceNameInAnyNamespace(String hook) throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            // Both directions match the filter; only the requests arrive on devB (in namespace B).
            try (NetcapProcess netcap = NetcapProcess.start("skb", "-f", hook, "-i", net.devB, "-e",
                    "icmp and host " + net.addrA, "--json")) {
                netcap.awaitListening();
                net.ping(3);
                Thread.sleep(200);
                netcap.signal("INT");
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                assertFalse(netcap.stderr().contains("no device named"), "the device exists, in a namespace no process is in: "
                        + netcap.stderr());
                List<String> lines = netcap.stdout().lines().filter(l -> l.startsWith("{")).toList();
                assertEquals(3, lines.size(), netcap.stdout() + netcap.stderr());
                for (String line : lines) {
                    assertTrue(line.contains("\"device\":\"" + net.devB + "\""), line);
                    assertTrue(line.contains("\"icmp_type\":8"), "only echo requests arrive on " + net.devB + ": " + line);
                }
            }
        }
    }

    /** A device or namespace that exists nowhere is said at start, in one line; capturing goes on in case it appears. */
    @Test
    void aDeviceOrNamespaceThatExistsNowhereIsWarnedAbout() throws Exception {
        String device = "ncnodev" + ProcessHandle.current().pid() % 100000;
        String[][] cases = {
            {"-i", device, "netcap: warning: no device named " + device
                    + " in any network namespace now; capturing in case it appears"},
            {"--netns", "12345", "netcap: warning: --netns: no network namespace has inode 12345 now"}};
        for (String[] c : cases) {
            String stderr = startAndStop(c[0], c[1]);
            // (the tracepoint's own warning about what it can read is not about -i or --netns)
            List<String> warnings = stderr.lines().filter(l -> l.contains("warning") && !l.contains("linear part")
                    && !l.contains("page fragments")).toList();
            assertEquals(1, warnings.size(), stderr);
            assertTrue(warnings.get(0).startsWith(c[2]), stderr);
            assertTrue(stderr.indexOf(c[2]) < stderr.indexOf("listening on"), "said at start: " + stderr);
        }
        // Namespaces no process is in (ip netns add): netcap enters them to list their devices,
        // so it can tell that devA is not in B's namespace, and that devB is.
        try (TestNetwork net = TestNetwork.create()) {
            String b = Long.toString(net.netnsInode(net.nsB));
            String stderr = startAndStop("--netns", net.nsB, "-i", net.devA);
            assertTrue(stderr.contains("netcap: warning: no device named " + net.devA + " in network namespace " + b
                    + " now; capturing in case it appears"), stderr);
            stderr = startAndStop("--netns", net.nsB, "-i", net.devB);
            assertFalse(stderr.contains("no device named") || stderr.contains("--netns:"), stderr);
        }
    }

    /** Starts netcap skb with these options, stops it once listening; its stderr. */
    private static String startAndStop(String... options) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("skb", "-f", RX, "-e", "icmp", "--json"));
        args.addAll(List.of(options));
        try (NetcapProcess netcap = NetcapProcess.start(args.toArray(String[]::new))) {
            netcap.awaitListening();
            netcap.signal("INT");
            assertEquals(0, netcap.waitFor(30), netcap.stderr());
            return netcap.stderr();
        }
    }

    /**
     * Packets that take the same path share one stack id (bpf_get_stackid gives identical stacks
     * one entry): every one of them shows the stack, not only the first, which frees the entry.
     */
    @Test
    void packetsSharingAStackAllShowIt() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            net.ping(1);
            try (NetcapProcess netcap = NetcapProcess.start("skb", "-f", "tp_btf:netif_receive_skb", "--json", "-S",
                    "-e", "icmp and host " + net.addrB, "-c", "8")) {
                netcap.awaitListening();
                net.ping(4);
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                List<String> packets = netcap.stdout().lines().filter(l -> l.startsWith("{")).toList();
                assertEquals(8, packets.size(), netcap.stderr());
                for (String p : packets) {
                    assertTrue(p.contains("netif_receive_skb") && !p.contains("missing from the stack map"), p);
                }
            }
        }
    }

    @Test
    void displaysTcpdumpLinesWithStacksUnderEachPacket() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            try (NetcapProcess netcap = NetcapProcess.start("skb", "-f", RX, "-e",
                    "icmp[icmptype] == icmp-echo and dst host " + net.addrB, "-S", "-c", "2")) {
                netcap.awaitListening();
                net.ping(3);
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                String out = netcap.stdout();
                Matcher m = Pattern.compile("IP " + Pattern.quote(net.addrA) + " > " + Pattern.quote(net.addrB)
                        + ": ICMP echo request").matcher(out);
                int lines = 0;
                while (m.find()) {
                    lines++;
                }
                assertEquals(2, lines, out);
                // Each packet line is followed directly by its stack, innermost frame first.
                String[] outLines = out.split("\n");
                int packetLine = -1;
                for (int i = 0; i < outLines.length; i++) {
                    if (outLines[i].contains("ICMP echo request")) {
                        packetLine = i;
                        break;
                    }
                }
                assertTrue(packetLine >= 0 && packetLine + 1 < outLines.length, out);
                String stack = String.join("\n", List.of(outLines).subList(packetLine + 1,
                        Math.min(outLines.length, packetLine + 40)));
                assertTrue(stack.contains("netif_receive_skb"), "stack under the packet:\n" + out);
                assertTrue(stack.contains("net_rx_action") || stack.contains("process_backlog"), out);
            }
        }
    }

    @Test
    void displayShowsTcpdumpLinesForUdp() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            try (NetcapProcess netcap = NetcapProcess.start("skb", "-f", "tp_btf:netif_receive_skb", "-t", "-nn -v",
                    "-c", "2", "udp port 7777 and dst host " + net.addrB)) {
                netcap.awaitListening();
                net.udp(7777, "hello");
                net.udp(7777, "world");
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                String out = netcap.stdout();
                assertTrue(out.contains(net.addrA + ".") && out.contains(net.addrB + ".7777: UDP, length 5"), out);
                assertTrue(out.contains("proto UDP (17)"), "-v took effect: " + out);
            }
        }
    }
}

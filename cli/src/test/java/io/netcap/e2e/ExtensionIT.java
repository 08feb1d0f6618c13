package io.netcap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netcap.pcap.PcapReader;
import io.netcap.pcap.PcapRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The user's C in the capture program (--ext-filter, --ext-action), against real traffic: the
 * docs' examples as published, netcap's own examples rewritten in their shape, the extra argument
 * of -f HOOK@S@E, netcap mbuf and raw, and the errors a user meets.
 */
class ExtensionIT extends KernelTest {
    /** The docs' examples, which the README shows: the tests run them as they are (cli/ is the working directory). */
    private static final Path DOCS = Path.of("..", "docs");
    private static final String FILTER_MARK = DOCS.resolve("ext-filter-mark.c").toString();
    private static final String ACTION_FIELDS = DOCS.resolve("ext-action-fields.c").toString();
    private static final String TX = "tracepoint:net:net_dev_queue";
    private static final int SOURCE_PORT = 40000;

    @TempDir
    Path dir;

    /** A test resource as a file clang can read. */
    private Path resource(String name) throws IOException {
        Path file = dir.resolve(name);
        try (InputStream in = ExtensionIT.class.getResourceAsStream("ext/" + name)) {
            Files.write(file, in.readAllBytes());
        }
        return file;
    }

    /** Marks what A sends to UDP port 9, and ICMP, with 42 (ext-filter-mark.c's mark), before it leaves A. */
    private static void markInA(TestNetwork net) throws IOException {
        TestNetwork.run("ip", "netns", "exec", net.nsA, "iptables", "-t", "mangle", "-A", "OUTPUT", "-p", "udp",
                "--dport", "9", "-j", "MARK", "--set-mark", "42");
        TestNetwork.run("ip", "netns", "exec", net.nsA, "iptables", "-t", "mangle", "-A", "OUTPUT", "-p", "icmp",
                "-j", "MARK", "--set-mark", "42");
    }

    /** A datagram from A's port 40000 to B's port {@code port}. */
    private static void udpFromFixedPort(TestNetwork net, int port, String payload) throws IOException {
        TestNetwork.run("ip", "netns", "exec", net.nsA, "bash", "-c", "echo -n '" + payload + "' | timeout 10 socat -u - UDP:"
                + net.addrB + ":" + port + ",sourceport=" + SOURCE_PORT);
    }

    private static int ifindex(TestNetwork net) throws IOException {
        return Integer.parseInt(TestNetwork.run("ip", "netns", "exec", net.nsA, "cat",
                "/sys/class/net/" + net.devA + "/ifindex").strip());
    }

    /**
     * Unmarked UDP and marked ICMP go first: were either the filter or the expression not applied,
     * -c 2 would stop at them. Only the two marked UDP datagrams may be captured.
     */
    @Test
    void theMarkFilterKeepsOnlyMarkedPacketsThatTheExpressionMatches() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            markInA(net);
            try (NetcapProcess netcap = NetcapProcess.start("skb", "-f", TX, "-e", "udp and src host " + net.addrA,
                    "--ext-filter", FILTER_MARK, "--json", "-c", "2")) {
                netcap.awaitListening();
                udpFromFixedPort(net, 10, "unmarked");
                net.ping(2);
                udpFromFixedPort(net, 9, "one");
                udpFromFixedPort(net, 9, "two");
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                List<JsonNode> packets = json(netcap.stdout());
                assertEquals(2, packets.size(), netcap.stdout());
                for (JsonNode p : packets) {
                    assertEquals(9, p.get("dst_port").asInt(), p.toString());
                    assertEquals("UDP", p.get("protocol").asText());
                }
                assertTrue(netcap.stderr().contains("2 packets matched by the filter in the kernel"), netcap.stderr());
            }
        }
    }

    /**
     * Every kind of field of docs/ext-action-fields.c, printed right under the packet's tcpdump
     * line; at a classic tracepoint (helper reads) and a tp_btf hook (a BTF-typed skb).
     */
    @ParameterizedTest
    @ValueSource(strings = {TX, "tp_btf:net_dev_queue"})
    void theActionsFieldsArePrintedExactlyUnderThePacket(String hook) throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            markInA(net);
            try (NetcapProcess netcap = NetcapProcess.start("skb", "-f", hook, "-e",
                    "udp port 9 and src host " + net.addrA, "--ext-action", ACTION_FIELDS, "-c", "1")) {
                netcap.awaitListening();
                udpFromFixedPort(net, 9, "xyz");
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                List<String> lines = netcap.stdout().lines().toList();
                assertEquals(2, lines.size(), netcap.stdout());
                assertTrue(lines.get(0).contains(net.addrA + "." + SOURCE_PORT + " > " + net.addrB + ".9: UDP, length 3"),
                        lines.get(0));
                // 45 bytes: Ethernet, IP and UDP headers and "xyz"; the IP id changes from packet to packet
                String expected = "\text: proto=17 len=45 slack=-1455 type=EXT_PACKET_HOST dev=\"" + net.devA
                        + "\" mark=0x2a ports=[40000, 9] udp=true first=x ip={ttl=64 ihl=5 words id=0x[0-9a-f]{4}}"
                        + " ifindex=" + ifindex(net) + " hook=0";
                assertTrue(Pattern.matches(Pattern.quote(expected).replace("0x[0-9a-f]{4}", "\\E0x[0-9a-f]{4}\\Q"),
                        lines.get(1)), "expected\n" + expected + "\ngot\n" + lines.get(1));
            }
        }
    }

    @Test
    void theJsonAgreesWithTheText() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            markInA(net);
            try (NetcapProcess netcap = NetcapProcess.start("skb", "-f", TX, "-e",
                    "udp port 9 and src host " + net.addrA, "--ext-action", ACTION_FIELDS, "--json", "-c", "1")) {
                netcap.awaitListening();
                udpFromFixedPort(net, 9, "xyz");
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                JsonNode packet = json(netcap.stdout()).get(0);
                JsonNode ext = packet.get("ext");
                assertEquals(17, ext.get("proto").asInt());
                assertEquals(45, ext.get("len").asLong());
                assertEquals(packet.get("len").asInt(), ext.get("len").asInt(), "skb->len is the packet's length here");
                assertEquals(-1455, ext.get("slack").asInt());
                assertEquals("EXT_PACKET_HOST", ext.get("type").asText());
                assertEquals(net.devA, ext.get("dev").asText());
                assertEquals(42, ext.get("mark").asInt());
                assertEquals("[40000,9]", ext.get("ports").toString());
                assertTrue(ext.get("udp").asBoolean());
                assertEquals("x", ext.get("first").asText());
                assertEquals(64, ext.get("ip").get("ttl").asInt());
                assertEquals(5, ext.get("ip").get("ihl").asInt());
                assertEquals(ifindex(net), ext.get("ifindex").asInt());
                assertEquals(packet.get("ifindex").asInt(), ext.get("ifindex").asInt());
                assertEquals(0, ext.get("hook").asInt());
            }
        }
    }

    /** -f tp_btf:kfree_skb@1@3: the drop reason, the tracepoint's third argument, is the action's ext. */
    @Test
    void theExtraArgumentOfTheHookReachesTheAction() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            net.dropIcmpAtB();
            try (NetcapProcess netcap = NetcapProcess.start("skb", "-f", "tp_btf:kfree_skb@1@3", "-e",
                    "icmp and dst host " + net.addrB, "--ext-action", resource("drop-reason-action.c").toString(),
                    "--json", "-c", "1")) {
                netcap.awaitListening();
                net.ping(2, true);
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                JsonNode packet = json(netcap.stdout()).get(0);
                assertEquals("tp_btf:kfree_skb@1@3", packet.get("hook").asText());
                assertEquals("NETFILTER_DROP", packet.get("drop_reason").asText(), packet.toString());
                assertEquals("SKB_DROP_REASON_NETFILTER_DROP", packet.get("ext").get("reason").asText(), packet.toString());
                assertEquals(0, packet.get("ext").get("hook").asInt());
            }
        }
    }

    /**
     * netcap's published examples, rewritten in their shape (the announcement's names and options,
     * C99 types, bpf_trace_printk as they call it), compile and run unchanged; the colour is theirs.
     */
    @Test
    void netcapsOwnExamplesRunUnchanged() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            try (NetcapProcess netcap = NetcapProcess.start("skb", "-f", "tracepoint:net:netif_receive_skb", "-e",
                    "icmp and dst host " + net.addrB, "--user-filter", resource("netcap-style-filter.c").toString(),
                    "--user-action", resource("netcap-style-action.c").toString(), "--user-output-color", "red",
                    "--color", "always", "-c", "1")) {
                netcap.awaitListening();
                net.ping(1);
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                List<String> lines = netcap.stdout().lines().toList();
                assertEquals(2, lines.size(), netcap.stdout());
                assertTrue(lines.get(0).contains("ICMP echo request"), lines.get(0));
                assertEquals("\033[31m\text: magic=0x5eed count=2024 total=-7000000000 letter=N flags=0x21 port=0xbeef\033[0m",
                        lines.get(1));
            }
        }
    }

    /**
     * netcap mbuf: the filter reads each rte_mbuf's pkt_len from the DPDK program's memory and keeps
     * the long ones; the action reports it, the port and the mbuf's address.
     */
    @Test
    void mbufExtensionsSeeTheMbuf() throws Exception {
        List<byte[]> frames = TestFrames.mixed(20);
        Path out = dir.resolve("out.pcap");
        try (DpdkApp app = DpdkApp.start(DpdkApp.binary(), TestFrames.writePcap(dir.resolve("in.pcap"), frames));
             NetcapProcess netcap = NetcapProcess.start("mbuf", "-f", "process_burst@1@2", "-p", Long.toString(app.pid()),
                     "-e", "udp port 9", "--ext-filter", resource("mbuf-long-filter.c").toString(),
                     "--ext-action", resource("mbuf-action.c").toString(), "-w", out.toString())) {
            netcap.awaitListening();
            app.go();
            assertEquals(frames.size(), app.awaitProcessed(Duration.ofSeconds(30)), app.stderr());
            netcap.signal("INT");
            assertEquals(0, netcap.waitFor(30), netcap.stderr());
            List<byte[]> want = new ArrayList<>();
            for (byte[] f : frames) {
                if ((ByteBuffer.wrap(f).getShort(36) & 0xffff) == 9 && f.length > 100) {
                    want.add(f);
                }
            }
            List<PcapRecord> got = PcapReader.read(out);
            assertEquals(want.size(), got.size(), netcap.stderr());
            // with -w, the fields go to stdout under "packet N", one line each
            List<String> ext = netcap.stdout().lines().filter(l -> l.startsWith("\text: ")).toList();
            assertEquals(want.size(), ext.size(), netcap.stdout());
            for (int i = 0; i < want.size(); i++) {
                assertTrue(ext.get(i).matches("\text: pkt_len=" + want.get(i).length + " port=0 hook=0 mbuf=0x[0-9a-f]+"),
                        ext.get(i));
            }
        }
    }

    /** netcap raw: the action reads the frame's MAC addresses from the AF_XDP receiver's buffer. */
    @Test
    void rawExtensionsSeeTheBuffer() throws Exception {
        try (TestNetwork net = TestNetwork.create();
             XskReceiver rx = XskReceiver.start(net, net.nsB, net.devB);
             NetcapProcess netcap = NetcapProcess.start("raw", "-f", "process_raw", "-p", Long.toString(rx.pid()),
                     "-e", "udp port 9", "--ext-action", resource("raw-macs.c").toString(), "--json", "-c", "1")) {
            netcap.awaitListening();
            net.udp(9, "raw");
            assertEquals(0, netcap.waitFor(30), netcap.stderr());
            JsonNode packet = json(netcap.stdout()).get(0);
            JsonNode ext = packet.get("ext");
            assertEquals(net.mac(net.nsB, net.devB), macOf(ext.get("dst")));
            assertEquals(net.mac(net.nsA, net.devA), macOf(ext.get("src")));
            assertEquals(packet.get("len").asInt(), ext.get("len").asInt());
        }
    }

    private static String macOf(JsonNode bytes) {
        byte[] b = new byte[bytes.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes.get(i).asInt();
        }
        return HexFormat.ofDelimiter(":").formatHex(b);
    }

    @Test
    void aCompileErrorShowsTheUsersFileAndLine() throws Exception {
        Path bad = dir.resolve("bad.c");
        Files.writeString(bad, "static inline int xcap_ext_filter(void *ext, void *pkt, u16 trace_index)\n{\n"
                + "\tstruct sk_buff *skb = pkt;\n\treturn BPF_CORE_READ(skb, mrak);\n}\n");
        try (NetcapProcess netcap = NetcapProcess.start("skb", "-f", TX, "--ext-filter", bad.toString())) {
            assertEquals(2, netcap.waitFor(60), netcap.stderr());
            String err = netcap.stderr();
            assertTrue(err.startsWith("netcap: the extension does not compile:\n" + bad + ":4:"), err);
            assertTrue(err.contains("no member named 'mrak' in 'struct sk_buff'"), err);
            assertTrue(!err.contains("capture.bpf.c") && !err.contains("Exception"), err);
        }
    }

    @Test
    void aWrongSignatureOrAMissingFunctionIsOneUsageLine() throws Exception {
        Path wrong = dir.resolve("wrong.c");
        Files.writeString(wrong, "static inline int xcap_ext_action(void *ext, void *pkt, u32 pkt_len, int *user, u16 i)"
                + " { return 1; }\nstruct xcap_user_extend { int a; };\n");
        try (NetcapProcess netcap = NetcapProcess.start("skb", "-f", TX, "--ext-action", wrong.toString())) {
            assertEquals(2, netcap.waitFor(60), netcap.stderr());
            assertEquals("netcap: --ext-action " + wrong + ": the action must be static inline int xcap_ext_action(void"
                    + " *ext, void *pkt, u32 pkt_len, struct xcap_user_extend *user, u16 trace_index)\n", netcap.stderr());
        }
        Path none = dir.resolve("none.c");
        Files.writeString(none, "static inline int my_filter(void *ext, void *pkt, u16 trace_index) { return 1; }\n");
        try (NetcapProcess netcap = NetcapProcess.start("dump", "--user-filter", none.toString())) {
            assertEquals(2, netcap.waitFor(60), netcap.stderr());
            assertEquals("netcap: --ext-filter " + none + ": defines no xcap_ext_filter or xcap_user_filter; it needs"
                    + " static inline int xcap_ext_filter(void *ext, void *pkt, u16 trace_index)\n", netcap.stderr());
        }
    }

    @Test
    void aVerifierRejectionNamesTheUsersFunction() throws Exception {
        Path bad = dir.resolve("deref.c");
        Files.writeString(bad, "static inline int xcap_ext_filter(void *ext, void *pkt, u16 trace_index)\n{\n"
                + "\tstruct sk_buff *skb = pkt;\n\tunsigned char *head = BPF_CORE_READ(skb, head);\n\n"
                + "\treturn head[0] == 0x45;\n}\n");
        try (NetcapProcess netcap = NetcapProcess.start("skb", "-f", TX, "--ext-filter", bad.toString())) {
            assertEquals(1, netcap.waitFor(60), netcap.stderr());
            String err = netcap.stderr();
            assertTrue(err.startsWith("netcap: the kernel's verifier rejected xcap_ext_filter of --ext-filter (" + bad
                    + ":6: return head[0] == 0x45;) at " + TX + "; its last words:"), err);
        }
    }

    private static List<JsonNode> json(String stdout) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        ObjectMapper mapper = new ObjectMapper();
        for (String line : stdout.lines().toList()) {
            nodes.add(mapper.readTree(line));
        }
        return nodes;
    }
}

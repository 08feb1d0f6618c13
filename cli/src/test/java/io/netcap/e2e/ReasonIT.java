package io.netcap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netcap.bpf.btf.Btf;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reasons are named by their own enum: a TCP connect to a closed port makes the kernel send a
 * reset (tcp_send_reset, an enum sk_rst_reason) and drop the SYN (kfree_skb, an enum
 * skb_drop_reason), both for "no socket", which the two enums number differently.
 */
class ReasonIT extends KernelTest {
    private static final int PORT = 9997;

    private static long valueOf(Map<Long, String> values, String name) {
        return values.entrySet().stream().filter(e -> e.getValue().equals(name)).mapToLong(Map.Entry::getKey)
                .findFirst().orElseThrow(() -> new AssertionError(name + " not in " + values));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tracepoint:tcp:tcp_send_reset,tracepoint:skb:kfree_skb",
            "tp_btf:tcp_send_reset,tp_btf:kfree_skb", "raw_tp:tcp_send_reset,raw_tp:kfree_skb"})
    void aResetToAClosedPortShowsAResetReasonAndTheDropADropReason(String hooks) throws Exception {
        Btf btf = Btf.vmlinux();
        assumeTrue(btf.findEnumValues("sk_rst_reason").isPresent(), "this kernel has no enum sk_rst_reason");
        // What this kernel calls "no socket" in each enum, and proof that the numbers differ, so
        // that decoding by the wrong enum could not pass.
        long resetNoSocket = valueOf(btf.enumValues("sk_rst_reason"), "SK_RST_REASON_NO_SOCKET");
        long dropNoSocket = valueOf(btf.enumValues("skb_drop_reason"), "SKB_DROP_REASON_NO_SOCKET");
        assertNotEquals(resetNoSocket, dropNoSocket);
        String[] hook = hooks.split(",");
        try (TestNetwork net = TestNetwork.create()) {
            try (NetcapProcess netcap = NetcapProcess.start("skb", "-f", hooks, "--json",
                    "tcp dst port " + PORT + " and dst host " + net.addrB)) {
                netcap.awaitListening();
                net.tcpConnect(PORT);
                Thread.sleep(300);
                netcap.signal("INT");
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                List<JsonNode> resets = new ArrayList<>();
                List<JsonNode> drops = new ArrayList<>();
                ObjectMapper mapper = new ObjectMapper();
                for (String line : netcap.stdout().lines().filter(l -> l.startsWith("{")).toList()) {
                    JsonNode j = mapper.readTree(line);
                    (j.get("hook").asText().equals(hook[0]) ? resets : drops).add(j);
                }
                String all = netcap.stdout() + netcap.stderr();
                assertEquals(1, resets.size(), "one SYN answered with a reset: " + all);
                assertEquals("NO_SOCKET", resets.get(0).path("reset_reason").asText(), all);
                assertFalse(resets.get(0).has("drop_reason"), all);
                assertEquals("S", resets.get(0).path("tcp_flags").asText(), "the reset answers the SYN: " + all);
                assertEquals(1, drops.size(), "the SYN is then dropped: " + all);
                assertEquals(hook[1], drops.get(0).get("hook").asText(), all);
                assertEquals("NO_SOCKET", drops.get(0).path("drop_reason").asText(), all);
                assertFalse(drops.get(0).has("reset_reason"), all);
            }
        }
    }

    /** tcpdump's line cannot say why a packet was dropped: the display prints the reason under it. */
    @org.junit.jupiter.api.Test
    void theDisplayShowsTheDropReasonUnderThePacket() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            try (NetcapProcess netcap = NetcapProcess.start("skb", "-f", "tp_btf:kfree_skb",
                    "tcp dst port " + PORT + " and dst host " + net.addrB, "-c", "1")) {
                netcap.awaitListening();
                net.tcpConnect(PORT);
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                List<String> lines = netcap.stdout().lines().toList();
                int packet = -1;
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).contains("> " + net.addrB + "." + PORT + ": Flags [S]")) {
                        packet = i;
                    }
                }
                assertTrue(packet >= 0 && packet + 1 < lines.size(), netcap.stdout());
                assertEquals("\tdrop_reason NO_SOCKET", lines.get(packet + 1), netcap.stdout());
            }
        }
    }
}

package io.netcap.capture.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class BacktraceReportTest {
    private static final BacktraceReport REPORT = BacktraceReport.of(List.of(
            new BacktraceReport.Entry(List.of("sk_skb_reason_drop", "tcp_v4_rcv"), "tracepoint:skb:kfree_skb",
                    new BacktraceReport.Reason("drop_reason", "NO_SOCKET"), 3),
            new BacktraceReport.Entry(List.of("tcp_v4_send_reset", "tcp_v4_rcv"), "tp_btf:tcp_send_reset",
                    new BacktraceReport.Reason("reset_reason", "NO_SOCKET"), 2),
            new BacktraceReport.Entry(List.of("netif_receive_skb"), "tp_btf:netif_receive_skb", null, 1)));

    @Test
    void textSaysWhichKindOfReason() {
        StringWriter text = new StringWriter();
        REPORT.printText(new PrintWriter(text), 0, true);
        List<String> tails = text.toString().lines().filter(l -> l.startsWith("]: ")).toList();
        assertEquals(List.of("]: 3  drop_reason NO_SOCKET  at tracepoint:skb:kfree_skb",
                "]: 2  reset_reason NO_SOCKET  at tp_btf:tcp_send_reset",
                "]: 1  at tp_btf:netif_receive_skb"), tails);
    }

    @Test
    void jsonNamesTheReasonByItsKind() throws Exception {
        StringWriter json = new StringWriter();
        REPORT.printJson(new PrintWriter(json), 0, List.of("a", "b", "c"), "tcp");
        JsonNode stacks = new ObjectMapper().readTree(json.toString()).get("stacks");
        assertEquals("NO_SOCKET", stacks.get(0).get("drop_reason").asText());
        assertFalse(stacks.get(0).has("reset_reason"));
        assertEquals("NO_SOCKET", stacks.get(1).get("reset_reason").asText());
        assertFalse(stacks.get(1).has("drop_reason"));
        assertFalse(stacks.get(2).has("drop_reason") || stacks.get(2).has("reset_reason") || stacks.get(2).has("reason"));
    }
}

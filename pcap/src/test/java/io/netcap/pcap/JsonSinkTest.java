package io.netcap.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonSinkTest {
    private static JsonNode written(String reasonLabel, String reason) throws Exception {
        return written(reasonLabel, reason, false);
    }

    private static JsonNode written(String reasonLabel, String reason, boolean truncated) throws Exception {
        byte[] bytes = PcapWriterTest.synSegment();
        CapturedPacket p = new CapturedPacket(PcapWriterTest.T0, LinkType.ETHERNET, bytes.length, bytes, 0,
                bytes.length, "tp_btf:tcp_send_reset", 2, "veth0", 4026531840L, 0xffff888000001000L, 1, List.of(),
                null, reasonLabel, reason, truncated);
        StringWriter out = new StringWriter();
        JsonSink sink = new JsonSink(new PrintWriter(out), false);
        sink.write(p);
        sink.close();
        return new ObjectMapper().readTree(out.toString());
    }

    @Test
    void aReasonIsWrittenUnderItsOwnKind() throws Exception {
        JsonNode reset = written("reset_reason", "NO_SOCKET");
        assertEquals("NO_SOCKET", reset.get("reset_reason").asText());
        assertFalse(reset.has("drop_reason"), reset.toString());
        JsonNode drop = written("drop_reason", "NETFILTER_DROP");
        assertEquals("NETFILTER_DROP", drop.get("drop_reason").asText());
        assertFalse(drop.has("reset_reason"), drop.toString());
        JsonNode none = written(null, null);
        assertFalse(none.has("drop_reason") || none.has("reset_reason"), none.toString());
        assertEquals("tp_btf:tcp_send_reset", none.get("hook").asText());
    }

    @Test
    void aReasonWithoutItsKindIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> written(null, "NO_SOCKET"));
    }

    /** A record the kernel could not read whole says so, even when its headers are all there. */
    @org.junit.jupiter.api.Test
    void aRecordCutByTheKernelIsTruncated() throws Exception {
        org.junit.jupiter.api.Assertions.assertTrue(written(null, null, true).path("truncated").asBoolean());
        org.junit.jupiter.api.Assertions.assertFalse(written(null, null, false).has("truncated"));
    }
}

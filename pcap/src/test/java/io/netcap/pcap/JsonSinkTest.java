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

    /** stdout as netcap has it (a PrintWriter over a PrintStream, both of which swallow errors) on a full disk. */
    @Test
    void aFailedWriteIsAnErrorNotASilentLoss() throws Exception {
        java.io.OutputStream full = new java.io.OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                throw new java.io.IOException("No space left on device");
            }
        };
        PrintWriter stdout = new PrintWriter(new java.io.PrintStream(full, false), true);
        JsonSink sink = new JsonSink(stdout, false);
        sink.write(CapturedPacket.of(PcapWriterTest.T0, LinkType.ETHERNET, new byte[60]));
        java.io.IOException e = assertThrows(java.io.IOException.class, sink::flush);
        assertEquals(true, e.getMessage().startsWith("cannot write JSON to stdout"), e.getMessage());
    }

    @Test
    void aWorkingOutputFlushesQuietly() throws Exception {
        StringWriter text = new StringWriter();
        JsonSink sink = new JsonSink(new PrintWriter(text), false);
        sink.write(CapturedPacket.of(PcapWriterTest.T0, LinkType.ETHERNET, new byte[60]));
        sink.flush();
        assertEquals(1, text.toString().lines().count());
    }
}

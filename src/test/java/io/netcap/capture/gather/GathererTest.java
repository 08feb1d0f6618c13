package io.netcap.capture.gather;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netcap.capture.program.CaptureEvent;
import io.netcap.capture.program.EventDecoder;
import io.netcap.capture.program.EventRecords;
import io.netcap.capture.session.RecordReorderer;
import io.netcap.pcap.CapturedPacket;
import io.netcap.pcap.LinkType;
import io.netcap.pcap.PacketNote;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GathererTest {
    private static final long MS = 1_000_000L;
    private static final List<String> HOOKS = List.of("tracepoint:net:net_dev_queue",
            "tracepoint:net:net_dev_start_xmit", "tracepoint:net:netif_receive_skb");
    private final List<CapturedPacket> out = new ArrayList<>();

    private Gatherer gatherer(GatherIdentity identity, int bufferSize) {
        return new Gatherer(HOOKS, GatherSettings.of(identity, 2, bufferSize, null), out::add);
    }

    /** An IPv4 UDP datagram (raw IP) whose identification field is {@code id}. */
    private static CapturedPacket udp(int id, long wallNanos) {
        byte[] p = new byte[28];
        p[0] = 0x45;
        p[3] = 28;
        p[4] = (byte) (id >>> 8);
        p[5] = (byte) id;
        p[8] = 64;
        p[9] = 17;
        p[12] = 10;
        p[15] = 1;
        p[16] = 10;
        p[19] = 2;
        p[21] = 9;
        p[23] = 9;
        return CapturedPacket.of(wallNanos, LinkType.RAW, p);
    }

    private static GatherNote note(CapturedPacket p) {
        List<PacketNote> notes = p.notes();
        assertEquals(1, notes.size());
        return (GatherNote) notes.get(0);
    }

    private static JsonNode json(CapturedPacket p) throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            note(p).writeJsonValue(g);
        }
        return new ObjectMapper().readTree(w.toString());
    }

    @Test
    void aPacketSeenAtEveryHookGoesOutWithEachDelay() throws IOException {
        Gatherer g = gatherer(GatherIdentity.ADDRESS_AND_CONTENT, 64);
        g.accept(100 * MS, 0, 0xa000, udp(1, 5_000 * MS));
        g.accept(100 * MS + 1_500, 1, 0xa000, udp(1, 0));
        assertTrue(out.isEmpty(), "still travelling");
        g.accept(112 * MS, 2, 0xa000, udp(1, 0));
        assertEquals(1, out.size());
        assertEquals(List.of("\t[2] tracepoint:net:net_dev_start_xmit  +1.500 us",
                "\t[3] tracepoint:net:netif_receive_skb  +11.999 ms after [2], 12.000 ms after [1]"),
                note(out.get(0)).lines());
        JsonNode hops = json(out.get(0));
        assertEquals(3, hops.size());
        assertEquals("seen", hops.get(2).get("status").asText());
        assertEquals(12 * MS, hops.get(2).get("since_first_ns").asLong());
        assertEquals(12 * MS - 1_500, hops.get(2).get("since_previous_ns").asLong());
        assertEquals("1970-01-01T00:00:05.012000000Z", hops.get(2).get("time").asText());
        assertEquals(1, g.stats().followed());
    }

    @Test
    void missingHopAfterTheTimeoutIsNotSeenAndTheLaterHopCountsFromTheLastSeen() {
        Gatherer g = gatherer(GatherIdentity.ADDRESS_AND_CONTENT, 64);
        g.accept(0, 0, 0xa000, udp(1, 0));
        g.accept(3 * MS, 2, 0xa000, udp(1, 0));
        g.advanceTo(2_000 * MS - 1);
        assertTrue(out.isEmpty(), "the timeout has not run out");
        g.advanceTo(2_000 * MS);
        assertEquals(List.of("\t[2] tracepoint:net:net_dev_start_xmit  not seen within 2 s",
                "\t[3] tracepoint:net:netif_receive_skb  +3.000 ms"), note(out.get(0)).lines());
    }

    @Test
    void evictedForRoomIsUnknownNotNotSeen() throws IOException {
        Gatherer g = gatherer(GatherIdentity.ADDRESS, 16);
        for (int i = 0; i <= 16; i++) {
            g.accept(i * MS, 0, 0x1000 + i, udp(i, 0));
        }
        assertEquals(1, out.size(), "one over the buffer size");
        assertEquals("evicted", json(out.get(0)).get(1).get("status").asText());
        assertTrue(note(out.get(0)).lines().get(0).contains("dropped from the gather buffer (--gather-buffer-size 16)"));
        assertEquals(1, g.stats().evicted());
        assertEquals(16, g.held());
    }

    @Test
    void anAddressSeenAgainAtTheFirstHookEndsTheOlderPacket() throws IOException {
        Gatherer g = gatherer(GatherIdentity.ADDRESS, 64);
        g.accept(0, 0, 0xbeef, udp(1, 0));
        g.accept(1 * MS, 1, 0xbeef, udp(1, 0));
        g.accept(2 * MS, 0, 0xbeef, udp(2, 0)); // the sk_buff was freed and reused
        assertEquals(1, out.size());
        JsonNode first = json(out.get(0));
        assertEquals("seen", first.get(1).get("status").asText());
        assertEquals("replaced", first.get(2).get("status").asText());
        g.accept(3 * MS, 1, 0xbeef, udp(2, 0));
        g.accept(4 * MS, 2, 0xbeef, udp(2, 0));
        assertEquals(2, out.size());
        assertEquals(2 * MS, json(out.get(1)).get(2).get("since_first_ns").asLong(), "the new packet's own delay");
    }

    @Test
    void byDefaultTheSameAddressWithOtherHeadersIsAnotherPacket() throws IOException {
        Gatherer g = gatherer(GatherIdentity.ADDRESS_AND_CONTENT, 64);
        g.accept(0, 0, 0xbeef, udp(1, 0));
        g.accept(1 * MS, 1, 0xbeef, udp(7, 0)); // same address, other IP id: not this packet
        g.accept(2 * MS, 1, 0xbeef, udp(1, 0));
        g.accept(3 * MS, 2, 0xbeef, udp(1, 0));
        assertEquals(1, out.size());
        assertEquals(2 * MS, json(out.get(0)).get(1).get("since_first_ns").asLong());
        StringWriter table = new StringWriter();
        g.stats().print(new PrintWriter(table));
        assertTrue(table.toString().contains("gather: 1 event at [2] of packets not seen at [1] first (not followed)"),
                table.toString());
    }

    @Test
    void contentIdentityFollowsACopyAtAnotherAddress() throws IOException {
        Gatherer g = gatherer(GatherIdentity.CONTENT, 64);
        g.accept(0, 0, 0x1000, udp(1, 0));
        g.accept(1 * MS, 1, 0x2000, udp(1, 0));
        g.accept(2 * MS, 2, 0x3000, udp(1, 0));
        assertEquals(1, out.size());
        assertEquals("seen", json(out.get(0)).get(2).get("status").asText());
    }

    @Test
    void packetsGoOutInTheOrderTheyReachedTheFirstHook() throws IOException {
        Gatherer g = gatherer(GatherIdentity.ADDRESS_AND_CONTENT, 64);
        g.accept(0, 0, 0xa, udp(1, 10));
        g.accept(1 * MS, 0, 0xb, udp(2, 20));
        g.accept(2 * MS, 1, 0xb, udp(2, 0));
        g.accept(3 * MS, 2, 0xb, udp(2, 0));
        assertTrue(out.isEmpty(), "b is done but a, ahead of it, is not");
        g.accept(4 * MS, 1, 0xa, udp(1, 0));
        g.accept(5 * MS, 2, 0xa, udp(1, 0));
        assertEquals(List.of(10L, 20L), out.stream().map(CapturedPacket::timestampNanos).toList());
    }

    @Test
    void aRepeatedHookCountsOnceAndTheEndOfCaptureIsUnknown() throws IOException {
        Gatherer g = gatherer(GatherIdentity.ADDRESS_AND_CONTENT, 64);
        g.accept(0, 0, 0xa, udp(1, 0));
        g.accept(1 * MS, 1, 0xa, udp(1, 0));
        g.accept(2 * MS, 1, 0xa, udp(1, 0));
        g.accept(2_500 * MS, 0, 0xb, udp(2, 0));
        g.finishAll(3_000 * MS);
        assertEquals(2, out.size());
        assertEquals("not_seen", json(out.get(0)).get(2).get("status").asText(), "its timeout ran out before the end");
        assertEquals(1 * MS, json(out.get(0)).get(1).get("since_first_ns").asLong(), "the first sighting counts");
        assertEquals("capture_ended", json(out.get(1)).get(1).get("status").asText());
        StringWriter table = new StringWriter();
        g.stats().print(new PrintWriter(table));
        assertTrue(table.toString().contains("gather: 1 event at a hook its packet had already reached"), table.toString());
        assertTrue(table.toString().contains("1 packet still travelling when the capture ended"), table.toString());
    }

    @Test
    void aMissingHopWhileEventsWereLostIsUnknownNotNotSeen() throws IOException {
        Gatherer g = gatherer(GatherIdentity.ADDRESS_AND_CONTENT, 64);
        g.eventsLost(0, 0);
        g.accept(10 * MS, 0, 0xa, udp(1, 0));
        g.eventsLost(5, 500 * MS); // five events lost in (0, 500 ms]
        g.accept(3_000 * MS, 0, 0xb, udp(2, 0));
        g.eventsLost(5, 5_100 * MS);
        g.advanceTo(5_100 * MS);
        assertEquals(2, out.size());
        assertEquals("events_lost", json(out.get(0)).get(1).get("status").asText());
        assertTrue(note(out.get(0)).lines().get(0).contains("unknown: not seen within 2 s, but events were lost"));
        assertEquals("not_seen", json(out.get(1)).get(1).get("status").asText(), "no loss in its window");
    }

    @Test
    void onlyPacketsStillTravellingCountAgainstTheBufferSize() throws IOException {
        Gatherer g = gatherer(GatherIdentity.ADDRESS_AND_CONTENT, 16);
        g.accept(0, 0, 0xdead, udp(9999, 0)); // never reaches the other hooks: holds back the rest
        for (int i = 1; i <= 40; i++) {
            long t = i * MS;
            g.accept(t, 0, 0x1000 + i, udp(i, 0));
            g.accept(t + 1, 1, 0x1000 + i, udp(i, 0));
            g.accept(t + 2, 2, 0x1000 + i, udp(i, 0));
        }
        assertTrue(out.isEmpty(), "41 held (under 4 x 16), 1 travelling: nothing evicted, order kept");
        for (int i = 41; i <= 80; i++) {
            long t = i * MS;
            g.accept(t, 0, 0x1000 + i, udp(i, 0));
            g.accept(t + 1, 1, 0x1000 + i, udp(i, 0));
            g.accept(t + 2, 2, 0x1000 + i, udp(i, 0));
        }
        assertEquals(81, out.size() + g.held(), "nothing lost");
        assertTrue(out.size() >= 16 && g.held() <= 64, "finished ones went out ahead of the travelling one past 64 held");
        g.advanceTo(2_000 * MS);
        assertEquals(81, out.size());
        List<String> statuses = new ArrayList<>();
        for (CapturedPacket p : out) {
            statuses.add(json(p).get(1).get("status").asText());
        }
        assertEquals(1, Collections.frequency(statuses, "not_seen"), "a true timeout, not an eviction: " + statuses);
        assertEquals(80, Collections.frequency(statuses, "seen"));
        assertEquals(0, g.stats().evicted());
        StringWriter table = new StringWriter();
        g.stats().print(new PrintWriter(table));
        assertTrue(table.toString().contains("printed ahead of an earlier packet still travelling"), table.toString());
    }

    @Test
    void anEventAfterItsPacketsTimeoutIsLateNotUnfollowed() {
        Gatherer g = gatherer(GatherIdentity.ADDRESS_AND_CONTENT, 64);
        g.accept(0, 0, 0xa, udp(1, 0));
        g.advanceTo(2_000 * MS);
        g.accept(2_001 * MS, 1, 0xa, udp(1, 0));
        StringWriter table = new StringWriter();
        g.stats().print(new PrintWriter(table));
        assertTrue(table.toString().contains("gather: 1 event at [2] after their packet's timeout had run out"),
                table.toString());
        assertTrue(!table.toString().contains("not followed"), table.toString());
    }

    @Test
    void packetsNotWrittenAreLeftOutOfTheTableAndReasonsShow() throws IOException {
        List<CapturedPacket> written = new ArrayList<>();
        Gatherer g = new Gatherer(HOOKS, GatherSettings.of(GatherIdentity.ADDRESS, 2, 64, null),
                p -> written.size() < 1 && written.add(p)); // -c 1
        for (int i = 0; i < 3; i++) {
            g.accept(i * 10 * MS, 0, 0x100 + i, udp(i, 0));
            g.accept(i * 10 * MS + 1_000, 1, 0x100 + i, udp(i, 0));
            CapturedPacket dropped = new CapturedPacket(0, LinkType.RAW, 28, udp(i, 0).bytes(), 0, 28, "kfree_skb", 0,
                    null, 0, 0x100 + i, 1, List.of(), null, "drop_reason", "NETFILTER_DROP", false);
            g.accept(i * 10 * MS + 2_000, 2, 0x100 + i, dropped);
        }
        assertEquals(1, written.size());
        assertEquals(1, g.stats().followed(), "only the packet -c let through");
        assertTrue(note(written.get(0)).lines().get(1).endsWith("(drop_reason NETFILTER_DROP)"),
                note(written.get(0)).lines().toString());
        assertEquals("NETFILTER_DROP", json(written.get(0)).get(2).get("drop_reason").asText());
    }

    @Test
    void whatALaterHooksEventCarriedIsShownUnderItsLine() throws IOException {
        PacketNote ext = new PacketNote() {
            @Override
            public List<String> lines() {
                return List.of("\text: reason=NO_SOCKET idx=1");
            }

            @Override
            public String jsonField() {
                return "ext";
            }

            @Override
            public void writeJsonValue(JsonGenerator g) throws IOException {
                g.writeStartObject();
                g.writeNumberField("idx", 1);
                g.writeEndObject();
            }
        };
        Gatherer g = new Gatherer(HOOKS.subList(0, 2), GatherSettings.of(GatherIdentity.ADDRESS, 2, 64, null), out::add);
        g.accept(0, 0, 0xa, udp(1, 0));
        g.accept(1 * MS, 1, 0xa, udp(1, 0).withNotes(List.of(ext)));
        assertEquals(List.of("\t[2] tracepoint:net:net_dev_start_xmit  +1.000 ms", "\t    ext: reason=NO_SOCKET idx=1"),
                note(out.get(0)).lines());
        assertEquals(1, json(out.get(0)).get(1).get("ext").get("idx").asInt());
    }

    /**
     * Events of one packet read from two CPUs arrive out of order (a follow event before its
     * head); after the stream's re-ordering the gatherer loses none of them.
     */
    @Test
    void eventsArrivingShuffledAreAllFollowedAfterReordering() {
        Random random = new Random(42);
        List<CaptureEvent> events = new ArrayList<>();
        int packets = 2_000;
        for (int i = 0; i < packets; i++) {
            long t = i * 100_000L; // 10 kpps
            for (int hook = 0; hook < 3; hook++) {
                CapturedPacket p = udp(i, 0);
                events.add(new CaptureEvent(t + hook * 40_000L, 0x10000 + (i % 50) * 0x100, hook, p.length(), 2, 0,
                        -1, hook, 0, LinkType.RAW, 0, "veth0", 0, p.bytes()));
            }
        }
        // Shuffle within blocks of 30 events (about 1 ms): the disorder of CPUs sharing a ring.
        for (int from = 0; from < events.size(); from += 30) {
            Collections.shuffle(events.subList(from, Math.min(events.size(), from + 30)), random);
        }
        Gatherer g = gatherer(GatherIdentity.ADDRESS_AND_CONTENT, 4096);
        // through the ring buffer's reorderer, as records, decoded when released (CaptureSession's path)
        RecordReorderer reorderer = new RecordReorderer(5 * MS, 100_000);
        EventDecoder decoder = new EventDecoder();
        RecordReorderer.RecordHandler toGatherer = (buffer, offset, size) -> {
            CaptureEvent e = decoder.decode(buffer.position(offset), size);
            g.accept(e.monotonicNanos(), e.hook(), e.skb(), CapturedPacket.of(e.monotonicNanos(), e.linkType(), e.data()));
        };
        for (CaptureEvent e : events) {
            ByteBuffer record = EventRecords.encode(e);
            reorderer.add(record, record.capacity(), e.monotonicNanos(), toGatherer);
            reorderer.releaseUpTo(e.monotonicNanos(), toGatherer);
        }
        reorderer.releaseAll(toGatherer);
        g.finishAll(Long.MAX_VALUE);
        assertEquals(packets, out.size());
        for (CapturedPacket p : out) {
            assertEquals(List.of("\t[2] tracepoint:net:net_dev_start_xmit  +40.000 us",
                    "\t[3] tracepoint:net:netif_receive_skb  +40.000 us after [2], 80.000 us after [1]"), note(p).lines());
        }
        StringWriter table = new StringWriter();
        g.stats().print(new PrintWriter(table));
        assertTrue(table.toString().matches("(?s).*\\[1]->\\[2] +2000 +40\\.000 us.*"), table.toString());
    }
}

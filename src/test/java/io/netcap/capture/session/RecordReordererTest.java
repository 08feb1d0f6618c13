package io.netcap.capture.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecordReordererTest {
    /** Records of {@code size} bytes that hold their own time in the first 8 and then a fill byte. */
    private static ByteBuffer record(long time, int size) {
        ByteBuffer b = ByteBuffer.allocate(size + 3).order(ByteOrder.nativeOrder());
        b.putLong(3, time);
        for (int i = 11; i < size + 3; i++) {
            b.put(i, (byte) time);
        }
        return b.position(3); // not at the buffer's start, as in a ring
    }

    private static void add(RecordReorderer r, long time, int size, List<Long> out) {
        r.add(record(time, size), size, time, collect(out));
    }

    /** Checks each released record's bytes (its time, then the fill) and keeps its time. */
    private static RecordReorderer.RecordHandler collect(List<Long> out) {
        return (buffer, offset, size) -> {
            long time = buffer.getLong(offset);
            for (int i = 8; i < size; i++) {
                if (buffer.get(offset + i) != (byte) time) { // (a message built per byte would take seconds)
                    fail("byte " + i + " of the record of " + time + " is " + buffer.get(offset + i));
                }
            }
            out.add(time);
        };
    }

    @Test
    void holdsRecordsForTheWindowAndReleasesInOrder() {
        RecordReorderer r = new RecordReorderer(100, 1000);
        List<Long> out = new ArrayList<>();
        add(r, 1000, 40, out);
        add(r, 990, 64, out);
        add(r, 1050, 16, out);
        r.releaseUpTo(1095, collect(out)); // limit 995: only 990
        assertEquals(List.of(990L), out);
        assertEquals(995, r.completeThrough());
        r.releaseUpTo(1200, collect(out));
        assertEquals(List.of(990L, 1000L, 1050L), out);
        assertEquals(0, r.held());
        assertEquals(0, r.lateEvents());
    }

    @Test
    void boundsWhatItHoldsAndCountsLateRecords() {
        RecordReorderer r = new RecordReorderer(1_000_000, 2);
        List<Long> out = new ArrayList<>();
        add(r, 30, 20, out);
        add(r, 10, 20, out);
        add(r, 20, 20, out); // over the bound: the oldest (10) goes out
        assertEquals(List.of(10L), out);
        add(r, 5, 20, out); // older than something already released
        assertEquals(1, r.lateEvents());
        r.releaseAll(collect(out));
        assertEquals(List.of(10L, 5L, 20L, 30L), out);
    }

    /**
     * Many more bytes than a chunk holds, with local disorder and records of many sizes,
     * released as it goes: every record comes out whole, once, in time order, through arena moves
     * across chunks and through growth of the index.
     */
    @Test
    void sortsLocalDisorderAcrossChunksAndIndexGrowth() {
        Random random = new Random(42);
        RecordReorderer r = new RecordReorderer(50_000, 1_000_000);
        List<Long> out = new ArrayList<>();
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 60_000; i++) {
            long time = i * 10L + random.nextInt(300); // several CPUs' records, microseconds apart
            expected.add(time);
            add(r, time, 8 + random.nextInt(400), out);
            if (i % 500 == 499) {
                r.releaseUpTo(i * 10L, collect(out));
            }
        }
        r.releaseAll(collect(out));
        Collections.sort(expected);
        assertEquals(expected, out);
        assertEquals(0, r.lateEvents());
    }

    /**
     * A capture that keeps releasing what it held reuses its chunks: the bytes held stay at what
     * the window needs (here less than a chunk) however many records pass, and a record larger
     * than a chunk gets one of its own.
     */
    @Test
    void reusesChunksInTheSteadyStateAndTakesAnOutsizedRecord() {
        RecordReorderer r = new RecordReorderer(100, 1_000_000);
        List<Long> out = new ArrayList<>();
        int size = 4096;
        long time = 0;
        for (int round = 0; round < 100; round++) {
            for (int i = 0; i < RecordReorderer.CHUNK_SIZE / size; i++) {
                add(r, time++, size, out); // one chunk's worth per round
            }
            r.releaseUpTo(time, collect(out)); // limit time - 100: the last 99 stay held
        }
        assertEquals(time - 99, out.size());
        assertEquals(2, r.chunksInUse(), "chunks after 100 chunks' worth of records"); // held, and the one filling
        add(r, time++, RecordReorderer.CHUNK_SIZE + 1, out);
        add(r, time++, 16, out);
        r.releaseAll(collect(out));
        assertEquals(time, out.size());
        for (int i = 0; i < out.size(); i++) {
            assertEquals(i, out.get(i));
        }
    }
}

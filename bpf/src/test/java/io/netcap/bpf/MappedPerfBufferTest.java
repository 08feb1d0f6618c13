package io.netcap.bpf;

import static io.netcap.bpf.RecordCollector.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class MappedPerfBufferTest {
    /** Collects copies of the samples a drain delivers. */

    @Test
    void theReaderIsWokenEverySixteenthOfABuffer() {
        assertEquals(256, MappedPerfBuffer.wakeupBytes(4096));
        assertEquals(1 << 20, MappedPerfBuffer.wakeupBytes(16 << 20));
    }

    @Nested
    @Tag("kernel")
    class AgainstTheKernel {
        /**
         * An XDP program (test-runnable with a packet) that writes packet[0] records of 16 bytes,
         * the packet's bytes 1..16 with the first replaced by its sequence number, and returns how
         * many the perf buffer refused. A test run stays on one CPU, so one run fills one buffer.
         */
        private static final String EMITTER = """
                struct {
                    __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
                    __uint(key_size, sizeof(__u32));
                    __uint(value_size, sizeof(__u32));
                } events SEC(".maps");

                SEC("xdp")
                int emit(struct xdp_md *ctx)
                {
                    void *data = (void *)(long)ctx->data;
                    void *end = (void *)(long)ctx->data_end;
                    __u8 head[16];
                    if (data + 1 + sizeof(head) > end)
                        return 1000;
                    __u8 count = *(__u8 *)data;
                    __builtin_memcpy(head, data + 1, sizeof(head));
                    int refused = 0;
                    for (int i = 0; i < 255 && i < count; i++) {
                        head[0] = (__u8)(((__u8 *)(data + 1))[0] + i);
                        if (bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, head, sizeof(head)))
                            refused++;
                    }
                    return refused;
                }
                """;
        /** What perf makes of a 16-byte sample: its u32 size plus data padded to 8 bytes. */
        private static final int PADDED = 20;
        /** Header, u32 size, padded data. */
        private static final int RECORD_BYTES = 8 + 4 + PADDED;

        @BeforeEach
        void root() {
            TestPrograms.assumeRoot();
        }

        /** Runs the program once: {@code count} records starting at sequence number {@code first}. */
        private int emit(BpfObject object, int count, int first) {
            byte[] packet = new byte[64];
            packet[0] = (byte) count;
            for (int i = 1; i < packet.length; i++) {
                packet[i] = (byte) (first + i - 1);
            }
            return object.program("emit").testRun(packet, null).retval();
        }

        /** Drains every buffer; returns the samples found in each. */
        private List<List<byte[]>> drainAll(MappedPerfBuffer perf) {
            List<List<byte[]>> perBuffer = new ArrayList<>();
            for (int i = 0; i < perf.bufferCount(); i++) {
                RecordCollector seen = new RecordCollector();
                assertTrue(perf.drain(i, Integer.MAX_VALUE, seen));
                perBuffer.add(seen.records);
            }
            return perBuffer;
        }

        private static List<byte[]> nonEmpty(List<List<byte[]>> perBuffer) {
            List<List<byte[]>> filled = perBuffer.stream().filter(l -> !l.isEmpty()).toList();
            assertEquals(1, filled.size(), "one run writes to the buffer of the CPU it ran on");
            return filled.get(0);
        }

        @Test
        void theRecordsOfOneRunArriveInOrderInOneCpusBuffer() {
            try (BpfObject object = TestPrograms.load("mperf", EMITTER);
                 MappedPerfBuffer perf = new MappedPerfBuffer(object.map("events"), 8)) {
                assertTrue(perf.bufferCount() >= 1 && perf.bufferCount() <= BpfMap.possibleCpus(), "one per online CPU");
                assertEquals(0, emit(object, 5, 40));
                List<byte[]> seen = nonEmpty(drainAll(perf));
                assertEquals(5, seen.size());
                for (int i = 0; i < 5; i++) {
                    byte[] expected = new byte[PADDED];
                    expected[0] = (byte) (40 + i);
                    for (int j = 1; j < 16; j++) {
                        expected[j] = (byte) (40 + j);
                    }
                    assertArrayEquals(expected, seen.get(i), "record " + i + ": 16 bytes, then perf's 4 of padding");
                }
                assertTrue(drainAll(perf).stream().allMatch(List::isEmpty), "each record is delivered once");
                assertEquals(0, perf.lostSamples());
            }
        }

        @Test
        void aCpuWakesTheReaderOnlyOnceASixteenthOfItsBufferIsWritten() {
            // one page per CPU: the reader is woken each time more than 256 bytes were written
            try (BpfObject object = TestPrograms.load("mperf", EMITTER);
                 MappedPerfBuffer perf = new MappedPerfBuffer(object.map("events"), 1)) {
                assertEquals(0, emit(object, 4, 0)); // 128 bytes
                long start = System.nanoTime();
                assertFalse(perf.await(100), "no wake-up for a few records");
                assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(80), "waited the timeout");
                assertEquals(4, nonEmpty(drainAll(perf)).size(), "but a drain finds them");
                assertEquals(0, emit(object, 12, 0)); // 384 bytes
                assertTrue(perf.await(5000), "woken once a sixteenth was written");
                assertEquals(12, nonEmpty(drainAll(perf)).size());
            }
        }

        @Test
        void recordsAFullBufferDroppedAreCountedFromTheKernelsNotice() {
            try (BpfObject object = TestPrograms.load("mperf", EMITTER);
                 MappedPerfBuffer perf = new MappedPerfBuffer(object.map("events"), 1)) {
                int refused = emit(object, 200, 0); // 6400 bytes into 4096
                assertTrue(refused > 0 && refused < 200, "refused " + refused);
                assertEquals(200 - refused, nonEmpty(drainAll(perf)).size());
                // the kernel writes its notice before the next record that fits
                assertEquals(0, emit(object, 1, 0));
                assertEquals(1, nonEmpty(drainAll(perf)).size());
                assertEquals(refused, perf.lostSamples());
            }
        }

        @Test
        void aDrainStopsAfterItsShareAndTheRestWaits() {
            try (BpfObject object = TestPrograms.load("mperf", EMITTER);
                 MappedPerfBuffer perf = new MappedPerfBuffer(object.map("events"), 8)) {
                assertEquals(0, emit(object, 10, 0));
                int filled = -1;
                for (int i = 0; i < perf.bufferCount(); i++) {
                    RecordCollector seen = new RecordCollector();
                    boolean whole = perf.drain(i, 3, seen);
                    if (!seen.records.isEmpty()) {
                        filled = i;
                        assertFalse(whole, "7 records left");
                        assertEquals(3, seen.records.size());
                    }
                }
                RecordCollector rest = new RecordCollector();
                assertTrue(perf.drain(filled, 100, rest));
                assertEquals(7, rest.records.size());
                assertEquals(3, rest.records.get(0)[0], "continues where the first drain stopped");
            }
        }

        @Test
        void closeIsIdempotentAndTheMapCanBeReadAgain() {
            try (BpfObject object = TestPrograms.load("mperf", EMITTER)) {
                MappedPerfBuffer perf = new MappedPerfBuffer(object.map("events"), 1);
                perf.close();
                perf.close();
                assertThrows(IllegalStateException.class, () -> perf.drain(0, 1, new RecordCollector()));
                assertThrows(IllegalStateException.class, () -> perf.await(0));
                assertThrows(IllegalArgumentException.class, () -> new MappedPerfBuffer(object.map("events"), 3));
                try (MappedPerfBuffer again = new MappedPerfBuffer(object.map("events"), 1)) {
                    assertEquals(0, emit(object, 2, 0));
                    assertEquals(2, nonEmpty(drainAll(again)).size());
                }
            }
        }
    }

    /** The walk over buffers in byte arrays, where a test can produce what a kernel rarely does. */
    @Nested
    class OverArrays {
        @Test
        void deliversSamplesOfAnySizeAndSumsLostNotices() {
            ArrayArea area = new ArrayArea(4096);
            MappedPerfBuffer perf = new MappedPerfBuffer("test", area);
            byte[][] written = {bytes(0, 0), bytes(1, 1), bytes(4, 2), bytes(5, 3), bytes(100, 4)};
            area.sample(written[0]);
            area.sample(written[1]);
            area.lost(7);
            area.sample(written[2]);
            area.lost(2);
            area.sample(written[3]);
            area.sample(written[4]);
            RecordCollector seen = new RecordCollector();
            assertTrue(perf.drain(0, 100, seen));
            assertEquals(written.length, seen.records.size());
            for (int i = 0; i < written.length; i++) {
                assertArrayEquals(written[i], ArrayArea.unpadded(seen.records.get(i), written[i].length), "sample " + i);
            }
            assertEquals(9, perf.lostSamples());
            assertEquals(area.head, area.tail);
            assertEquals(1, area.tailStores, "one data_tail store for the batch");
        }

        @Test
        void aSampleSplitByTheEndOfTheBufferArrivesWhole() {
            ArrayArea area = new ArrayArea(256);
            MappedPerfBuffer perf = new MappedPerfBuffer("test", area);
            area.sample(bytes(180, 1)); // 8 + 4 + 180 = 192 bytes
            assertTrue(perf.drain(0, 10, new RecordCollector()));
            byte[] wrapping = bytes(100, 7);
            area.sample(wrapping);
            RecordCollector seen = new RecordCollector();
            assertTrue(perf.drain(0, 10, seen));
            assertArrayEquals(wrapping, ArrayArea.unpadded(seen.records.get(0), 100));
        }

        @Test
        void aSampleWhoseSizeFieldWrapsToTheStartArrivesWhole() {
            ArrayArea area = new ArrayArea(256);
            MappedPerfBuffer perf = new MappedPerfBuffer("test", area);
            area.sample(bytes(236, 1)); // 248 bytes: the next header fills the last 8 bytes
            assertTrue(perf.drain(0, 10, new RecordCollector()));
            byte[] next = bytes(30, 9);
            area.sample(next);
            area.lost(3); // and a notice whose count sits past the end too
            RecordCollector seen = new RecordCollector();
            assertTrue(perf.drain(0, 10, seen));
            assertArrayEquals(next, ArrayArea.unpadded(seen.records.get(0), 30));
            assertEquals(3, perf.lostSamples());
        }

        @Test
        void aDrainStopsAfterMaxSamplesAndGivesTheirSpaceBack() {
            ArrayArea area = new ArrayArea(1024);
            MappedPerfBuffer perf = new MappedPerfBuffer("test", area);
            for (int i = 0; i < 10; i++) {
                area.sample(bytes(4, i)); // 16 bytes each
            }
            RecordCollector seen = new RecordCollector();
            assertFalse(perf.drain(0, 3, seen));
            assertEquals(3, seen.records.size());
            assertEquals(48, area.tail, "the space of the three is the kernel's again");
            assertTrue(perf.drain(0, 100, seen));
            assertEquals(10, seen.records.size());
            assertEquals(9, seen.records.get(9)[0]);
        }

        @Test
        void aDrainEndsAtTheHeadItFoundWhileTheCpuKeepsWriting() {
            ArrayArea area = new ArrayArea(1024);
            MappedPerfBuffer perf = new MappedPerfBuffer("test", area);
            area.sample(bytes(4, 1));
            area.sample(bytes(4, 2));
            List<Integer> seen = new ArrayList<>();
            assertTrue(perf.drain(0, 100, (record, size) -> {
                seen.add((int) record.get(0));
                area.sample(bytes(4, 50 + seen.size())); // written while the reader reads
            }));
            assertEquals(List.of(1, 2), seen);
            assertTrue(perf.drain(0, 100, (record, size) -> seen.add((int) record.get(0))));
            assertEquals(List.of(1, 2, 51, 52), seen);
        }

        @Test
        void aLongDrainGivesSpaceBackEveryQuarterBuffer() {
            ArrayArea area = new ArrayArea(1024);
            MappedPerfBuffer perf = new MappedPerfBuffer("test", area);
            List<Long> stores = new ArrayList<>();
            area.onStore = stores::add;
            for (int i = 0; i < 40; i++) {
                area.sample(bytes(20, i)); // 32 bytes each, 1280 in all: more than the buffer
                if (i == 29) {
                    assertTrue(perf.drain(0, 100, new RecordCollector()));
                    stores.clear();
                }
            }
            // 960 read first; the ten others (320 bytes) cross a quarter (256) once
            assertTrue(perf.drain(0, 100, new RecordCollector()));
            assertEquals(List.of(960L + 256, 1280L), stores);
        }

        @Test
        void anExceptionInTheConsumerPropagatesAndEarlierSamplesAreNotRedelivered() {
            ArrayArea area = new ArrayArea(1024);
            MappedPerfBuffer perf = new MappedPerfBuffer("test", area);
            for (int i = 1; i <= 4; i++) {
                area.sample(bytes(4, i));
            }
            IllegalStateException boom = new IllegalStateException("consumer failed");
            List<Integer> seen = new ArrayList<>();
            assertSame(boom, assertThrows(IllegalStateException.class, () -> perf.drain(0, 100, (record, size) -> {
                seen.add((int) record.get(0));
                if (record.get(0) == 2) {
                    throw boom;
                }
            })));
            assertEquals(32, area.tail, "past the sample the consumer threw for");
            assertTrue(perf.drain(0, 100, (record, size) -> seen.add((int) record.get(0))));
            assertEquals(List.of(1, 2, 3, 4), seen);
        }

        @Test
        void buffersAreReadIndependently() {
            ArrayArea a = new ArrayArea(256);
            ArrayArea b = new ArrayArea(512);
            MappedPerfBuffer perf = new MappedPerfBuffer("test", a, b);
            assertEquals(2, perf.bufferCount());
            a.sample(bytes(4, 1));
            b.sample(bytes(4, 2));
            b.sample(bytes(4, 3));
            RecordCollector fromB = new RecordCollector();
            assertTrue(perf.drain(1, 10, fromB));
            assertEquals(2, fromB.records.size());
            assertEquals(0, a.tail, "buffer 0 untouched");
        }

        @Test
        void aCorruptedHeaderStopsTheReadInsteadOfLooping() {
            ArrayArea area = new ArrayArea(256);
            MappedPerfBuffer perf = new MappedPerfBuffer("test", area);
            area.header(77, 16);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> perf.drain(0, 10, new RecordCollector()));
            assertTrue(e.getMessage().contains("record type 77"), e.getMessage());
            ArrayArea zero = new ArrayArea(256);
            zero.header(MappedPerfBuffer.PERF_RECORD_SAMPLE, 0);
            assertThrows(IllegalStateException.class,
                    () -> new MappedPerfBuffer("test", zero).drain(0, 10, new RecordCollector()));
        }

        @Test
        void closeIsIdempotent() {
            MappedPerfBuffer perf = new MappedPerfBuffer("test", new ArrayArea(256));
            perf.close();
            perf.close();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> perf.drain(0, 1, new RecordCollector()));
            assertEquals("perf buffer test is closed", e.getMessage());
        }
    }

    /** One CPU's buffer in a byte array, written as the kernel lays records out. */
    private static final class ArrayArea extends MappedPerfBuffer.Area {
        final ByteBuffer data;
        long head;
        long tail;
        int tailStores;
        java.util.function.LongConsumer onStore = position -> { };

        ArrayArea(int size) {
            data = ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
        }

        /** A PERF_SAMPLE_RAW sample: its data padded so that the u32 size and the data fill 8-byte units. */
        void sample(byte[] raw) {
            int padded = ((raw.length + 4 + 7) & ~7) - 4;
            int size = 8 + 4 + padded;
            long at = header(MappedPerfBuffer.PERF_RECORD_SAMPLE, size);
            putInt(at + 8, padded);
            for (int i = 0; i < padded; i++) {
                data.put(offset(at + 12 + i), i < raw.length ? raw[i] : 0);
            }
        }

        /** A PERF_RECORD_LOST notice: id, then the count. */
        void lost(long count) {
            long at = header(MappedPerfBuffer.PERF_RECORD_LOST, 24);
            putLong(at + 8, 99);
            putLong(at + 16, count);
        }

        /** Writes a header and advances head by {@code size} (at least 8); returns where it starts. */
        long header(int type, int size) {
            long at = head;
            assertTrue(at + Math.max(size, 8) - tail <= size(), "buffer full");
            putInt(at, type);
            data.putShort(offset(at + 4), (short) 0);
            data.putShort(offset(at + 6), (short) size);
            head += Math.max(size, 8);
            return at;
        }

        static byte[] unpadded(byte[] sample, int length) {
            assertEquals(((length + 4 + 7) & ~7) - 4, sample.length, "the padded size");
            return java.util.Arrays.copyOf(sample, length);
        }

        private void putInt(long position, int v) {
            data.putInt(offset(position), v);
        }

        private void putLong(long position, long v) {
            data.putLong(offset(position), v);
        }

        private int offset(long position) {
            return (int) (position & (size() - 1));
        }

        @Override
        long size() {
            return data.capacity();
        }

        @Override
        long head() {
            return head;
        }

        @Override
        long tail() {
            return tail;
        }

        @Override
        void setTail(long t) {
            tail = t;
            tailStores++;
            onStore.accept(t);
        }

        @Override
        int intAt(long offset) {
            return data.getInt((int) offset);
        }

        @Override
        long longAt(long offset) {
            return data.getLong((int) offset);
        }

        @Override
        void copy(long offset, byte[] to, int toOffset, int length) {
            data.get((int) offset, to, toOffset, length);
        }
    }
}

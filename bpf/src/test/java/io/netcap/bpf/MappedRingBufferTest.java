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
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class MappedRingBufferTest {
    private static final int NO_FLAGS = 0;
    /** BPF_RB_NO_WAKEUP, BPF_RB_FORCE_WAKEUP. */
    private static final int NO_WAKEUP = 1;
    private static final int FORCE_WAKEUP = 2;

    /** Collects copies of the records a drain delivers. */

    @Test
    void aRecordSpansItsHeaderAndDataRoundedUpToEightBytes() {
        assertEquals(8, MappedRingBuffer.recordSpan(0));
        assertEquals(16, MappedRingBuffer.recordSpan(1));
        assertEquals(16, MappedRingBuffer.recordSpan(8));
        assertEquals(24, MappedRingBuffer.recordSpan(9));
        assertEquals(2056, MappedRingBuffer.recordSpan(2047));
    }

    @Nested
    @Tag("kernel")
    class AgainstTheKernel {
        private static final int RING_SIZE = 4096 * 4;
        private static final int MAX_RECORDS = 32;
        private static final int PAYLOAD_SIZE = 4096;
        /** Offsets and lengths are masked to this in the program, so each slice fits the payload. */
        private static final int SLICE_MASK = 2047;
        private static final int DISCARDED_SIZE = 64;

        /**
         * Each test run follows the plan in map {@code plans}: record i is {@code length} bytes of
         * the payload from {@code offset}, written with {@code flags}; record {@code discard_at} is
         * instead reserved and discarded.
         */
        private static final String EMITTER = """
                struct {
                    __uint(type, BPF_MAP_TYPE_RINGBUF);
                    __uint(max_entries, %d);
                } events SEC(".maps");

                #define MAX_RECORDS %d
                struct plan {
                    __u32 count;
                    __u32 flags;
                    __u32 discard_at;
                    __u32 pad;
                    struct { __u32 offset; __u32 length; } records[MAX_RECORDS];
                    __u8 payload[%d];
                };

                struct {
                    __uint(type, BPF_MAP_TYPE_ARRAY);
                    __uint(max_entries, 1);
                    __type(key, __u32);
                    __type(value, struct plan);
                } plans SEC(".maps");

                SEC("syscall")
                int emit(void *ctx)
                {
                    __u32 zero = 0;
                    struct plan *p = bpf_map_lookup_elem(&plans, &zero);
                    if (!p)
                        return 1;
                    for (__u32 i = 0; i < MAX_RECORDS && i < p->count; i++) {
                        if (i == p->discard_at) {
                            void *r = bpf_ringbuf_reserve(&events, %d, 0);
                            if (!r)
                                return 2;
                            bpf_ringbuf_discard(r, 0);
                            continue;
                        }
                        __u32 offset = p->records[i].offset & %d;
                        __u32 length = p->records[i].length & %d;
                        if (bpf_ringbuf_output(&events, p->payload + offset, length, p->flags))
                            return 3;
                    }
                    return 0;
                }
                """.formatted(RING_SIZE, MAX_RECORDS, PAYLOAD_SIZE, DISCARDED_SIZE, SLICE_MASK, SLICE_MASK);

        @BeforeEach
        void root() {
            TestPrograms.assumeRoot();
        }

        @Test
        void recordsOfVariedSizesArriveIntactAndInOrder() {
            try (BpfObject object = TestPrograms.load("mring", EMITTER);
                 MappedRingBuffer ring = new MappedRingBuffer(object.map("events"))) {
                RecordCollector seen = new RecordCollector();
                assertEquals(0, ring.drain(seen), "nothing emitted yet");
                byte[] payload = payload(new Random(1));
                int[][] slices = {{0, 0}, {5, 1}, {9, 7}, {100, 8}, {3, 9}, {1000, 100}, {17, 1000}, {2047, 2047}};
                assertEquals(0, emit(object, NO_FLAGS, -1, payload, slices));
                assertEquals(slices.length, ring.drain(seen));
                assertSlices(payload, slices, seen.records);
                assertEquals(0, ring.drain(seen), "each record is delivered once");
            }
        }

        @Test
        void longBatchesStayIntactAcrossWrapAround() {
            Random random = new Random(42);
            try (BpfObject object = TestPrograms.load("mring", EMITTER);
                 MappedRingBuffer ring = new MappedRingBuffer(object.map("events"))) {
                long position = 0;
                long written = 0;
                int wrapped = 0;
                for (int round = 0; round < 40; round++) {
                    byte[] payload = payload(random);
                    List<int[]> slices = new ArrayList<>();
                    long bytes = 0;
                    // Fill most of the ring each round so that consecutive rounds wrap around it.
                    while (slices.size() < MAX_RECORDS) {
                        int length = random.nextInt(4) == 0 ? random.nextInt(16) : random.nextInt(SLICE_MASK + 1);
                        long span = MappedRingBuffer.recordSpan(length);
                        if (bytes + span > RING_SIZE) {
                            break;
                        }
                        bytes += span;
                        slices.add(new int[] {random.nextInt(SLICE_MASK + 1), length});
                        if ((position & (RING_SIZE - 1)) + span > RING_SIZE) {
                            wrapped++;
                        }
                        position += span;
                    }
                    int[][] plan = slices.toArray(new int[0][]);
                    // Fails with 3 (ENOSPC) unless the previous drain gave the space back.
                    assertEquals(0, emit(object, NO_FLAGS, -1, payload, plan), "round " + round);
                    RecordCollector seen = new RecordCollector();
                    assertEquals(plan.length, ring.drain(seen), "round " + round);
                    assertSlices(payload, plan, seen.records);
                    written += bytes;
                }
                assertTrue(written > 20L * RING_SIZE, "wrote " + written + " bytes");
                assertTrue(wrapped > 10, "records split by the end of the ring: " + wrapped);
            }
        }

        @Test
        void aDiscardedRecordIsSkipped() {
            try (BpfObject object = TestPrograms.load("mring", EMITTER);
                 MappedRingBuffer ring = new MappedRingBuffer(object.map("events"))) {
                byte[] payload = payload(new Random(2));
                int[][] slices = {{0, 10}, {0, 0}, {20, 30}};
                assertEquals(0, emit(object, NO_FLAGS, 1, payload, slices));
                RecordCollector seen = new RecordCollector();
                assertEquals(2, ring.drain(seen));
                assertSlices(payload, new int[][] {slices[0], slices[2]}, seen.records);
                assertEquals(0, ring.drain(seen));
            }
        }

        @Test
        void awaitTimesOutWhenEmptyAndWakesForAForcedWakeup() throws Exception {
            try (BpfObject object = TestPrograms.load("mring", EMITTER);
                 MappedRingBuffer ring = new MappedRingBuffer(object.map("events"))) {
                byte[] payload = payload(new Random(3));
                int[][] one = {{0, 16}};
                long start = System.nanoTime();
                assertFalse(ring.await(50));
                assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(40), "waited the timeout");
                assertFalse(ring.await(0));

                // Written while the reader sleeps in epoll_wait: only the wakeup can end the wait.
                CompletableFuture<Integer> writer = CompletableFuture.supplyAsync(() -> {
                    sleep(100);
                    return emit(object, FORCE_WAKEUP, -1, payload, one);
                });
                start = System.nanoTime();
                assertTrue(ring.await(10_000));
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "woken, not timed out");
                assertEquals(0, writer.get(10, TimeUnit.SECONDS));
                RecordCollector seen = new RecordCollector();
                assertEquals(1, ring.drain(seen));
                assertSlices(payload, one, seen.records);

                assertEquals(0, emit(object, FORCE_WAKEUP, -1, payload, one));
                assertTrue(ring.await(1000), "a wakeup that came before the wait");
                assertFalse(ring.await(10), "edge-triggered: a record left from an earlier wakeup does not end a wait");
                assertEquals(1, ring.drain(seen));
                assertFalse(ring.await(10), "drained");
            }
        }

        @Test
        void recordsWrittenWithoutWakeupAreStillDrained() throws Exception {
            try (BpfObject object = TestPrograms.load("mring", EMITTER);
                 MappedRingBuffer ring = new MappedRingBuffer(object.map("events"))) {
                byte[] payload = payload(new Random(4));
                int[][] slices = {{0, 100}, {1, 200}, {2, 300}};
                CompletableFuture<Integer> writer = CompletableFuture.supplyAsync(() -> {
                    sleep(50);
                    return emit(object, NO_WAKEUP, -1, payload, slices);
                });
                // No wakeup comes, so this may time out with the records there: drain regardless.
                ring.await(200);
                assertEquals(0, writer.get(10, TimeUnit.SECONDS));
                RecordCollector seen = new RecordCollector();
                assertEquals(3, ring.drain(seen));
                assertSlices(payload, slices, seen.records);

                assertEquals(0, emit(object, NO_WAKEUP, -1, payload, slices));
                assertFalse(ring.await(0), "records written without a wakeup do not end a wait: only a wakeup does");
                assertEquals(3, ring.drain(seen), "but a drain sees them");
                assertEquals(0, ring.drain(seen), "and consumes them");
            }
        }

        @Test
        void anExceptionInTheConsumerPropagatesAndEarlierRecordsAreNotRedelivered() {
            try (BpfObject object = TestPrograms.load("mring", EMITTER);
                 MappedRingBuffer ring = new MappedRingBuffer(object.map("events"))) {
                byte[] payload = payload(new Random(5));
                int[][] slices = {{0, 1}, {0, 2}, {0, 3}, {0, 4}};
                assertEquals(0, emit(object, NO_FLAGS, -1, payload, slices));
                IllegalStateException boom = new IllegalStateException("consumer failed");
                List<Integer> seen = new ArrayList<>();
                assertSame(boom, assertThrows(IllegalStateException.class, () -> ring.drain((record, size) -> {
                    seen.add(size);
                    if (size == 2) {
                        throw boom;
                    }
                })));
                assertEquals(List.of(1, 2), seen, "draining stops at the failing record");
                assertEquals(2, ring.drain((record, size) -> seen.add(size)), "the rest is still there");
                assertEquals(List.of(1, 2, 3, 4), seen);
            }
        }

        /**
         * Seven programs' worth of records in one drain, in order; a consumer that throws far into
         * a drain stops it there, and the next drain goes on from the record after.
         */
        @Test
        void aLongDrainDeliversEveryRecordOnceInOrder() {
            try (BpfObject object = TestPrograms.load("mring", EMITTER);
                 MappedRingBuffer ring = new MappedRingBuffer(object.map("events"))) {
                byte[] payload = payload(new Random(7));
                List<int[]> all = new ArrayList<>();
                for (int emits = 0; emits < 7; emits++) { // 224 records of 1-16 bytes
                    int[][] slices = new int[MAX_RECORDS][];
                    for (int i = 0; i < MAX_RECORDS; i++) {
                        slices[i] = new int[] {all.size(), 1 + all.size() % 16};
                        all.add(slices[i]);
                    }
                    assertEquals(0, emit(object, NO_FLAGS, -1, payload, slices));
                }
                RecordCollector seen = new RecordCollector();
                assertEquals(all.size(), ring.drain(seen));
                assertSlices(payload, all.toArray(new int[0][]), seen.records);

                for (int emits = 0; emits < 7; emits++) {
                    assertEquals(0, emit(object, NO_FLAGS, -1, payload, all.subList(32 * emits, 32 * emits + 32)
                            .toArray(new int[0][])));
                }
                IllegalStateException boom = new IllegalStateException("consumer failed");
                List<Integer> sizes = new ArrayList<>();
                assertSame(boom, assertThrows(IllegalStateException.class, () -> ring.drain((record, size) -> {
                    sizes.add(size);
                    if (sizes.size() == 150) {
                        throw boom;
                    }
                })));
                assertEquals(all.size() - 150, ring.drain((record, size) -> sizes.add(size)), "the rest");
                assertEquals(all.stream().map(r -> r[1]).toList(), sizes, "each record once, in order");
            }
        }

        @Test
        void closeIsIdempotentAndUseAfterCloseThrows() {
            try (BpfObject object = TestPrograms.load("mring", EMITTER)) {
                MappedRingBuffer ring = new MappedRingBuffer(object.map("events"));
                ring.close();
                ring.close();
                assertThrows(IllegalStateException.class, () -> ring.drain((record, size) -> { }));
                assertThrows(IllegalStateException.class, () -> ring.await(0));
                // The map is untouched: a new reader works.
                try (MappedRingBuffer again = new MappedRingBuffer(object.map("events"))) {
                    assertEquals(0, emit(object, NO_FLAGS, -1, payload(new Random(6)), new int[][] {{0, 8}}));
                    assertEquals(1, again.drain((record, size) -> { }));
                }
            }
        }

        @Test
        void onlyRingBufferMapsAreAccepted() {
            try (BpfObject object = TestPrograms.load("mring", EMITTER)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> new MappedRingBuffer(object.map("plans")));
                assertTrue(e.getMessage().contains("plans"), e.getMessage());
            }
        }

        private static byte[] payload(Random random) {
            byte[] payload = new byte[PAYLOAD_SIZE];
            random.nextBytes(payload);
            return payload;
        }

        /** Stores the plan and runs the program once; returns its return value (0: all written). */
        private static int emit(BpfObject object, int flags, int discardAt, byte[] payload, int[][] slices) {
            ByteBuffer plan = ByteBuffer.allocate(16 + 8 * MAX_RECORDS + PAYLOAD_SIZE).order(ByteOrder.nativeOrder());
            plan.putInt(slices.length).putInt(flags).putInt(discardAt).putInt(0);
            for (int i = 0; i < MAX_RECORDS; i++) {
                plan.putInt(i < slices.length ? slices[i][0] : 0).putInt(i < slices.length ? slices[i][1] : 0);
            }
            plan.put(payload);
            object.map("plans").update(new byte[4], plan.array());
            return object.program("emit").testRun(null, null).retval();
        }

        private static void assertSlices(byte[] payload, int[][] slices, List<byte[]> records) {
            assertEquals(slices.length, records.size());
            for (int i = 0; i < slices.length; i++) {
                byte[] expected = Arrays.copyOfRange(payload, slices[i][0], slices[i][0] + slices[i][1]);
                assertArrayEquals(expected, records.get(i), "record " + i);
            }
        }

        private static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** The walk over a ring in a byte array, where a test can produce what a kernel rarely does. */
    @Nested
    class OverAnArray {
        @Test
        void deliversRecordsOfAnySizeIncludingEmptyOnes() {
            ArrayRing memory = new ArrayRing(4096);
            MappedRingBuffer ring = new MappedRingBuffer("test", memory);
            byte[][] written = {bytes(0, 0), bytes(1, 1), bytes(8, 2), bytes(9, 3), bytes(100, 4)};
            for (byte[] record : written) {
                memory.write(record);
            }
            RecordCollector seen = new RecordCollector();
            assertEquals(written.length, ring.drain(seen));
            assertArrayEquals(written, seen.records.toArray(new byte[0][]));
            assertEquals(memory.producer, memory.consumer);
            assertEquals(1, memory.consumerStores, "one consumer_pos store for the batch");
        }

        @Test
        void aRecordSplitByTheEndOfTheRingArrivesWhole() {
            ArrayRing memory = new ArrayRing(256);
            MappedRingBuffer ring = new MappedRingBuffer("test", memory);
            memory.write(bytes(200, 1));
            assertEquals(1, ring.drain(new RecordCollector()));
            byte[] wrapping = bytes(100, 7);
            memory.write(wrapping);
            RecordCollector seen = new RecordCollector();
            assertEquals(1, ring.drain(seen));
            assertArrayEquals(wrapping, seen.records.get(0));
        }

        @Test
        void aLongBatchPublishesItsProgressEveryQuarterRing() {
            ArrayRing memory = new ArrayRing(1024);
            MappedRingBuffer ring = new MappedRingBuffer("test", memory);
            List<Long> published = new ArrayList<>();
            memory.onStore = published::add;
            // 60 records of 16 bytes (24 with the header, 1440 bytes), written in two steps so
            // that the batch crosses the end of the ring.
            for (int i = 0; i < 30; i++) {
                memory.write(bytes(16, i));
            }
            assertEquals(30, ring.drain(new RecordCollector()));
            for (int i = 30; i < 60; i++) {
                memory.write(bytes(16, i));
            }
            published.clear();
            assertEquals(30, ring.drain(new RecordCollector()));
            // Quarter ring = 256 bytes = 11 records of 24; 720 bytes: two intermediate stores + the last.
            assertEquals(List.of(720L + 264, 720L + 528, 1440L), published);
        }

        @Test
        void aBusyRecordEndsTheBatchUntilItIsCommitted() {
            ArrayRing memory = new ArrayRing(256);
            MappedRingBuffer ring = new MappedRingBuffer("test", memory);
            memory.write(bytes(4, 1));
            long busy = memory.reserve(16);
            memory.write(bytes(4, 3));
            RecordCollector seen = new RecordCollector();
            assertEquals(1, ring.drain(seen));
            assertEquals(0, ring.drain(seen), "still busy");
            memory.commit(busy, bytes(16, 2), false);
            assertEquals(2, ring.drain(seen));
            assertArrayEquals(new byte[][] {bytes(4, 1), bytes(16, 2), bytes(4, 3)}, seen.records.toArray(new byte[0][]));
        }

        @Test
        void discardedRecordsAreSkippedButTheirSpaceIsFreed() {
            ArrayRing memory = new ArrayRing(256);
            MappedRingBuffer ring = new MappedRingBuffer("test", memory);
            memory.commit(memory.reserve(40), bytes(40, 1), true);
            memory.write(bytes(4, 2));
            RecordCollector seen = new RecordCollector();
            assertEquals(1, ring.drain(seen));
            assertArrayEquals(bytes(4, 2), seen.records.get(0));
            assertEquals(memory.producer, memory.consumer);
            memory.commit(memory.reserve(40), bytes(40, 1), true);
            assertEquals(0, ring.drain(seen));
            assertEquals(memory.producer, memory.consumer, "a batch of only discarded records is consumed too");
        }

        @Test
        void aFailingConsumerStillPublishesWhatItReceived() {
            ArrayRing memory = new ArrayRing(256);
            MappedRingBuffer ring = new MappedRingBuffer("test", memory);
            for (int i = 0; i < 4; i++) {
                memory.write(bytes(4, i));
            }
            RuntimeException boom = new RuntimeException("boom");
            assertSame(boom, assertThrows(RuntimeException.class, () -> ring.drain((record, size) -> {
                if (record.get(0) == 1) {
                    throw boom;
                }
            })));
            assertEquals(2 * 16, memory.consumer, "past the record the consumer threw for");
            RecordCollector seen = new RecordCollector();
            assertEquals(2, ring.drain(seen));
            assertArrayEquals(new byte[][] {bytes(4, 2), bytes(4, 3)}, seen.records.toArray(new byte[0][]));
        }

        @Test
        void recordsLargerThanTheInitialBufferGrowIt() {
            ArrayRing memory = new ArrayRing(64 * 1024);
            MappedRingBuffer ring = new MappedRingBuffer("test", memory);
            byte[] big = bytes(10_000, 9);
            memory.write(bytes(3, 1));
            memory.write(big);
            memory.write(bytes(3, 2));
            RecordCollector seen = new RecordCollector();
            assertEquals(3, ring.drain(seen));
            assertArrayEquals(big, seen.records.get(1));
            assertArrayEquals(bytes(3, 2), seen.records.get(2));
        }

        @Test
        void closeIsIdempotent() {
            ArrayRing memory = new ArrayRing(256);
            MappedRingBuffer ring = new MappedRingBuffer("test", memory);
            ring.close();
            ring.close();
            assertEquals(1, memory.closes);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ring.drain(new RecordCollector()));
            assertEquals("ring buffer test is closed", e.getMessage());
        }

    }

    /** A ring in a byte array with a producer that writes records as the kernel lays them out. */
    private static final class ArrayRing extends MappedRingBuffer.Ring {
        final ByteBuffer data;
        long consumer;
        long producer;
        int consumerStores;
        int closes;
        java.util.function.LongConsumer onStore = position -> { };

        ArrayRing(int size) {
            data = ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
        }

        void write(byte[] record) {
            commit(reserve(record.length), record, false);
        }

        /** Reserves space for a record and marks it busy; returns its position. */
        long reserve(int length) {
            long position = producer;
            long span = MappedRingBuffer.recordSpan(length);
            assertTrue(position + span - consumer <= size(), "ring full");
            data.putInt(offset(position), length | MappedRingBuffer.BUSY_BIT);
            data.putInt(offset(position + 4), 0);
            producer += span;
            return position;
        }

        void commit(long position, byte[] record, boolean discard) {
            for (int i = 0; i < record.length; i++) {
                data.put(offset(position + MappedRingBuffer.HEADER_SIZE + i), record[i]);
            }
            data.putInt(offset(position), record.length | (discard ? MappedRingBuffer.DISCARD_BIT : 0));
        }

        private int offset(long position) {
            return (int) (position & (size() - 1));
        }

        @Override
        long size() {
            return data.capacity();
        }

        @Override
        long consumerPos() {
            return consumer;
        }

        @Override
        void setConsumerPos(long position) {
            consumer = position;
            consumerStores++;
            onStore.accept(position);
        }

        @Override
        long producerPos() {
            return producer;
        }

        @Override
        int headerAt(long offset) {
            return data.getInt((int) offset);
        }

        @Override
        void copy(long offset, byte[] to, int length) {
            // What the kernel's second mapping of the data pages does: continue from the start.
            for (int i = 0; i < length; i++) {
                to[i] = data.get(offset(offset + i));
            }
        }

        @Override
        boolean awaitReadable(int timeoutMs) {
            return false;
        }

        @Override
        void close() {
            closes++;
        }
    }
}

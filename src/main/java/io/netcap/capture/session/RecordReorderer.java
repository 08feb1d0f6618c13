package io.netcap.capture.session;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Puts the raw event records of one BPF ring buffer, shared by all CPUs, back in timestamp order,
 * holding copies of their bytes rather than decoded objects. A record is held until it is older
 * than {@code windowNanos} behind the clock, so that a slower CPU's earlier packet still lands
 * before it; past {@code maxHeld} records the oldest is released early. In one ring buffer the
 * disorder is only the gap between taking a timestamp and reserving the record (microseconds),
 * so a window of milliseconds keeps output time monotonic; a record that still arrives after a
 * later one was released keeps its true timestamp, is released at once and is counted in
 * {@link #lateEvents()}.
 *
 * <p>Why bytes: a decoded event per packet (its object, its data array, a packet object made
 * from it) was most of the reader's allocation and time at 440k packets/s (async-profiler); a
 * pcap file needs only a few header fields and the bytes, which {@link RecordHandler} reads in
 * place. The bytes are copied, in arrival order, into chunks of {@value #CHUNK_SIZE} bytes, and an
 * index (timestamp, place, length) keeps time order, as a sorted circular array into which an
 * in-order record is placed with one comparison. A chunk goes back to a pool when the last record
 * in it is released, so no byte is moved after it is copied in and the steady state allocates
 * nothing. (The arena this replaced was compacted when full: a loop over every held record that
 * took 3% of the reader's time and, because it ran hot, two or three C2 compilations of 8-12 ms
 * in each capture, LogCompilation at 440k packets/s.) Not thread-safe.
 * (Per-CPU perf buffers are merged by {@link PerCpuMerger} instead: each can lag the others by
 * far more than a window.)
 */
public final class RecordReorderer {
    /** Receives released records: {@code size} bytes at {@code offset} of {@code buffer}, valid during the call. */
    @FunctionalInterface
    public interface RecordHandler {
        void record(ByteBuffer buffer, int offset, int size);
    }

    /** Bytes per chunk; a record larger than this gets a chunk of its own size. */
    static final int CHUNK_SIZE = 1 << 20;
    /** Index capacity: a power of two, so that a slot is found with a mask rather than a division. */
    private static final int INITIAL_INDEX = 1024;

    private final long windowNanos;
    private final int maxHeld;
    /** Chunk slots: the bytes, a view of them in host order, and how many held records are in each. */
    private byte[][] chunks = new byte[4][];
    private ByteBuffer[] views = new ByteBuffer[4];
    private int[] live = new int[4];
    /** Slots with no record held (their bytes kept for reuse), as a stack. */
    private int[] free = new int[4];
    private int freeCount;
    /** Slots ever used. */
    private int slots;
    /** The chunk records are copied into, and its first unused byte; -1 before the first record. */
    private int current = -1;
    private int fill;
    /** The held records in time order: index slot (head + i) & (capacity - 1) for i < held. */
    private long[] times = new long[INITIAL_INDEX];
    /** Each record's chunk slot (high 32 bits) and offset in it (low 32). */
    private long[] places = new long[INITIAL_INDEX];
    private int[] lengths = new int[INITIAL_INDEX];
    private int head;
    private int held;
    private long lastReleased = Long.MIN_VALUE;
    private long completeThrough = Long.MIN_VALUE;
    private long lateEvents;

    public RecordReorderer(long windowNanos, int maxHeld) {
        this.windowNanos = windowNanos;
        this.maxHeld = maxHeld;
    }

    /** Copies the {@code size} bytes from {@code src}'s position and holds them as a record stamped {@code time}. */
    public void add(ByteBuffer src, int size, long time, RecordHandler out) {
        if (time < lastReleased) {
            lateEvents++;
        }
        if (current < 0 || chunks[current].length - fill < size) {
            startChunk(size);
        }
        src.get(src.position(), chunks[current], fill, size);
        insert(time, (long) current << 32 | fill, size);
        live[current]++;
        fill += size;
        while (held > maxHeld) {
            releaseOldest(out);
        }
    }

    /** Releases everything older than the window behind {@code nowNanos} (CLOCK_MONOTONIC). */
    public void releaseUpTo(long nowNanos, RecordHandler out) {
        long limit = nowNanos - windowNanos;
        completeThrough = Math.max(completeThrough, limit);
        while (held > 0 && times[head] <= limit) {
            releaseOldest(out);
        }
    }

    public void releaseAll(RecordHandler out) {
        while (held > 0) {
            releaseOldest(out);
        }
    }

    /**
     * Every record stamped at or before this time (CLOCK_MONOTONIC) has been released, but for
     * late ones ({@link #lateEvents()}); Long.MIN_VALUE before the first release.
     */
    public long completeThrough() {
        return completeThrough;
    }

    public int held() {
        return held;
    }

    /** Records that arrived after a later one had been released (the window was too short). */
    public long lateEvents() {
        return lateEvents;
    }

    /** Chunks holding records or kept for reuse: the bytes the reorderer has, in units of {@link #CHUNK_SIZE}. */
    int chunksInUse() {
        return slots;
    }

    private void releaseOldest(RecordHandler out) {
        long time = times[head];
        long place = places[head];
        int length = lengths[head];
        head = (head + 1) & (times.length - 1);
        held--;
        lastReleased = Math.max(lastReleased, time);
        int slot = (int) (place >>> 32);
        boolean last = --live[slot] == 0;
        out.record(views[slot], (int) place, length);
        // After the call: the bytes were the handler's until it returned. (A handler that throws
        // leaves the chunk unreused, which costs memory, never a record.)
        if (last) {
            if (slot == current) {
                fill = 0; // nothing held in it: the current chunk starts over
            } else {
                free[freeCount++] = slot;
            }
        }
    }

    /** Makes {@link #current} a chunk with room for {@code size} bytes: a free one, or a new one. */
    private void startChunk(int size) {
        if (current >= 0 && live[current] == 0) {
            free[freeCount++] = current;
        }
        for (int i = freeCount - 1; i >= 0; i--) {
            int slot = free[i];
            if (chunks[slot].length >= size) {
                free[i] = free[--freeCount];
                current = slot;
                fill = 0;
                return;
            }
        }
        if (freeCount > 0 && size > CHUNK_SIZE) {
            // An outsized record: replace a free chunk's bytes rather than add a slot.
            current = free[--freeCount];
        } else {
            if (slots == chunks.length) {
                int n = slots * 2;
                chunks = Arrays.copyOf(chunks, n);
                views = Arrays.copyOf(views, n);
                live = Arrays.copyOf(live, n);
                free = Arrays.copyOf(free, n);
            }
            current = slots++;
        }
        chunks[current] = new byte[Math.max(size, CHUNK_SIZE)];
        views[current] = ByteBuffer.wrap(chunks[current]).order(ByteOrder.nativeOrder());
        fill = 0;
    }

    /** Places a record in time order, walking back from the newest (no step for one in order). */
    private void insert(long time, long place, int length) {
        if (held == times.length) {
            growIndex();
        }
        int mask = times.length - 1;
        int i = held;
        while (i > 0 && times[(head + i - 1) & mask] > time) {
            int from = (head + i - 1) & mask;
            int to = (head + i) & mask;
            times[to] = times[from];
            places[to] = places[from];
            lengths[to] = lengths[from];
            i--;
        }
        int at = (head + i) & mask;
        times[at] = time;
        places[at] = place;
        lengths[at] = length;
        held++;
    }

    /** Doubles the index (full: {@code held} is its capacity), the oldest record first. */
    private void growIndex() {
        int capacity = times.length;
        times = unwrap(times, new long[capacity * 2], capacity);
        places = unwrap(places, new long[capacity * 2], capacity);
        lengths = unwrap(lengths, new int[capacity * 2], capacity);
        head = 0;
    }

    /** Copies the {@code capacity} entries of one full index array into {@code to}, from {@link #head} on. */
    private <A> A unwrap(A from, A to, int capacity) {
        System.arraycopy(from, head, to, 0, capacity - head);
        System.arraycopy(from, 0, to, capacity - head, head);
        return to;
    }
}

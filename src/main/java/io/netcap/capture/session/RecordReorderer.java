package io.netcap.capture.session;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

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
 * place. The bytes sit in an arena in arrival order and an index (timestamp, offset, length)
 * keeps time order, as a sorted circular array into which an in-order record is placed with one
 * comparison. When the arena is full, the held records move to the start of a second one (the
 * two are doubled when more than half would be held), so each byte is moved a bounded number of
 * times and the steady state allocates nothing. Not thread-safe.
 * (Per-CPU perf buffers are merged by {@link PerCpuMerger} instead: each can lag the others by
 * far more than a window.)
 */
public final class RecordReorderer {
    /** Receives released records: {@code size} bytes at {@code offset} of {@code buffer}, valid during the call. */
    @FunctionalInterface
    public interface RecordHandler {
        void record(ByteBuffer buffer, int offset, int size);
    }

    private static final int INITIAL_ARENA = 1 << 20;
    private static final int INITIAL_INDEX = 1024;

    private final long windowNanos;
    private final int maxHeld;
    private byte[] arena = new byte[INITIAL_ARENA];
    /** The arena before the last move, reused for the next one when it is as large: no allocation in the steady state. */
    private byte[] spare;
    private ByteBuffer arenaView = view(arena);
    private int arenaEnd;
    /** The held records in time order: slot (head + i) % capacity for i < held. */
    private long[] times = new long[INITIAL_INDEX];
    private int[] offsets = new int[INITIAL_INDEX];
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
        if (arenaEnd > arena.length - size) {
            moveToNewArena(size);
        }
        src.get(src.position(), arena, arenaEnd, size);
        insert(time, arenaEnd, size);
        arenaEnd += size;
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

    private void releaseOldest(RecordHandler out) {
        long time = times[head];
        int offset = offsets[head];
        int length = lengths[head];
        head = (head + 1) % times.length;
        held--;
        if (held == 0) {
            arenaEnd = 0; // nothing held: the arena starts over
        }
        lastReleased = Math.max(lastReleased, time);
        out.record(arenaView, offset, length);
    }

    /** Places a record in time order, walking back from the newest (no step for one in order). */
    private void insert(long time, int offset, int length) {
        if (held == times.length) {
            growIndex();
        }
        int capacity = times.length;
        int i = held;
        while (i > 0 && times[(head + i - 1) % capacity] > time) {
            int from = (head + i - 1) % capacity;
            int to = (head + i) % capacity;
            times[to] = times[from];
            offsets[to] = offsets[from];
            lengths[to] = lengths[from];
            i--;
        }
        int at = (head + i) % capacity;
        times[at] = time;
        offsets[at] = offset;
        lengths[at] = length;
        held++;
    }

    private void growIndex() {
        int capacity = times.length;
        long[] t = new long[capacity * 2];
        int[] o = new int[capacity * 2];
        int[] l = new int[capacity * 2];
        for (int i = 0; i < held; i++) {
            int from = (head + i) % capacity;
            t[i] = times[from];
            o[i] = offsets[from];
            l[i] = lengths[from];
        }
        times = t;
        offsets = o;
        lengths = l;
        head = 0;
    }

    /** Copies the held records, in time order, to the start of a new arena with room for {@code size} more bytes. */
    private void moveToNewArena(int size) {
        long live = 0;
        for (int i = 0; i < held; i++) {
            live += lengths[(head + i) % times.length];
        }
        long capacity = arena.length;
        while (capacity < 2 * (live + size)) {
            capacity *= 2;
        }
        if (capacity > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("more than 1 GiB of records held for ordering");
        }
        byte[] next = spare != null && spare.length == capacity ? spare : new byte[(int) capacity];
        int end = 0;
        for (int i = 0; i < held; i++) {
            int slot = (head + i) % times.length;
            System.arraycopy(arena, offsets[slot], next, end, lengths[slot]);
            offsets[slot] = end;
            end += lengths[slot];
        }
        spare = arena.length == capacity ? arena : null;
        arena = next;
        arenaView = view(next);
        arenaEnd = end;
    }

    private static ByteBuffer view(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
    }
}

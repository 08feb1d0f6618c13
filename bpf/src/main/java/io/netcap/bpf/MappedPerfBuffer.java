package io.netcap.bpf;

import static io.netcap.bpf.NativeLibbpf.LIB;
import static io.netcap.bpf.NativeLibbpf.RUNTIME;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Reads the per-CPU buffers of a BPF_MAP_TYPE_PERF_EVENT_ARRAY map (the transport of kernels
 * before 5.8) by walking their mapped pages in Java. libbpf's perf_buffer__new_raw opens a perf
 * event on every online CPU, maps its buffer, stores it in the map and gathers the events in one
 * epoll set; the records are read here, without libbpf's upcall into Java for each one, and a
 * caller may stop after any number of them, so that one busy CPU's buffer cannot hold the reader.
 *
 * <p>Each buffer holds its CPU's records in the order they were written; merging the buffers is the
 * caller's job. Buffers are numbered 0 to {@link #bufferCount()} - 1 (online CPUs in order, which
 * are not necessarily numbered the same). The kernel's notices of records it dropped because a
 * buffer was full are summed in {@link #lostSamples()}.
 *
 * <p>A CPU wakes the reader each time a sixteenth of its buffer has been written, not for every
 * record as libbpf's perf_buffer__new sets it up: a wake-up is an interrupt on the packet's own
 * path. Callers therefore drain every buffer after each {@link #await}, whatever it returned, and
 * wait with a timeout. Not thread-safe.
 */
public final class MappedPerfBuffer implements AutoCloseable {
    // struct perf_event_attr, the first PERF_ATTR_SIZE_VER0 bytes (every kernel accepts that size).
    static final int ATTR_SIZE = 64;
    private static final int PERF_TYPE_SOFTWARE = 1;
    private static final long PERF_COUNT_SW_BPF_OUTPUT = 10;
    private static final long PERF_SAMPLE_RAW = 1 << 10;
    /** The attr's flag bit {@code watermark}: wake up by bytes written (wakeup_watermark), not by events. */
    private static final long ATTR_FLAG_WATERMARK = 1L << 14;

    // struct perf_event_mmap_page: data_head and data_tail; the data follows the first page.
    static final int DATA_HEAD_OFFSET = 1024;
    static final int DATA_TAIL_OFFSET = 1032;

    // struct perf_event_header { u32 type; u16 misc; u16 size; } and the two record types the
    // event can write: a sample with only PERF_SAMPLE_RAW (u32 size, then the bytes, padded so that
    // the record stays 8-byte aligned), and PERF_RECORD_LOST (u64 id, u64 lost).
    static final int HEADER_SIZE = 8;
    static final int PERF_RECORD_LOST = 2;
    static final int PERF_RECORD_SAMPLE = 9;

    private static final int INITIAL_BUFFER = 4096;
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private final String name;
    private final Area[] areas;
    private Pointer handle;
    private final int epollFd;
    /** Room for one struct epoll_event per buffer; the events themselves are not looked at. */
    private final Pointer events;
    private long lostSamples;
    private boolean closed;
    private byte[] bytes = new byte[INITIAL_BUFFER];
    private ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());

    /**
     * Opens a buffer of {@code pagesPerCpu} pages on each online CPU for {@code map}, which must be
     * loaded.
     *
     * @throws IllegalArgumentException if {@code pagesPerCpu} is not a power of two
     * @throws BpfException if the kernel refuses the perf events or their mappings
     */
    public MappedPerfBuffer(BpfMap map, int pagesPerCpu) {
        if (pagesPerCpu <= 0 || Integer.bitCount(pagesPerCpu) != 1) {
            throw new IllegalArgumentException("pages per CPU must be a power of two, not " + pagesPerCpu);
        }
        this.name = map.name();
        long dataSize = pagesPerCpu * NativeLibc.pageSize();
        handle = NativeLibbpf.checkPointer("open perf buffer " + name,
                LIB.perf_buffer__new_raw(map.fd(), pagesPerCpu, attr(wakeupBytes(dataSize)), null, null, null));
        try {
            int count = (int) LIB.perf_buffer__buffer_cnt(handle);
            areas = new Area[count];
            Pointer base = Memory.allocateDirect(RUNTIME, Long.BYTES, true);
            Pointer size = Memory.allocateDirect(RUNTIME, Long.BYTES, true);
            for (int i = 0; i < count; i++) {
                NativeLibbpf.check("find CPU buffer " + i + " of perf buffer " + name,
                        LIB.perf_buffer__buffer(handle, i, base, size));
                areas[i] = new Mapping(base.getPointer(0), NativeLibc.pageSize(), size.getLong(0));
            }
            epollFd = NativeLibbpf.check("epoll fd of perf buffer " + name, LIB.perf_buffer__epoll_fd(handle));
            events = Memory.allocateDirect(RUNTIME, NativeLibc.EPOLL_EVENT_BUFFER_SIZE * Math.max(1, count), true);
        } catch (RuntimeException e) {
            LIB.perf_buffer__free(handle);
            handle = null;
            throw e;
        }
    }

    /** For unit tests: buffers over any memory; {@link #await} is not available. */
    MappedPerfBuffer(String name, Area... areas) {
        this.name = name;
        this.areas = areas.clone();
        this.epollFd = -1;
        this.events = null;
    }

    /** A sixteenth of a CPU's buffer: wake the reader that often, as the ring buffer's program does. */
    static long wakeupBytes(long dataSize) {
        return Math.max(HEADER_SIZE, dataSize / 16);
    }

    private static Pointer attr(long wakeupBytes) {
        Pointer attr = Memory.allocateDirect(RUNTIME, ATTR_SIZE, true);
        attr.putInt(0, PERF_TYPE_SOFTWARE);
        attr.putInt(4, ATTR_SIZE);
        attr.putLong(8, PERF_COUNT_SW_BPF_OUTPUT);
        attr.putLong(16, 1); // sample_period: every bpf_perf_event_output is a sample
        attr.putLong(24, PERF_SAMPLE_RAW);
        attr.putLong(40, ATTR_FLAG_WATERMARK);
        attr.putInt(48, (int) Math.min(wakeupBytes, Integer.MAX_VALUE)); // wakeup_watermark
        return attr;
    }

    /** How many CPU buffers there are: one per online CPU when opened. */
    public int bufferCount() {
        return areas.length;
    }

    /**
     * Sleeps until a CPU wakes the reader or {@code timeoutMs} passes (-1: forever, 0: not at all).
     * Records written since the last wake-up do not end the wait by themselves (see the class
     * comment), so drain every buffer afterwards either way.
     *
     * @return true if woken; false on timeout or when a signal interrupted the wait
     */
    public boolean await(int timeoutMs) {
        checkOpen();
        if (events == null) {
            throw new UnsupportedOperationException("perf buffer " + name + " has no perf events to wait for");
        }
        int n = NativeLibc.LIB.epoll_wait(epollFd, events, areas.length, timeoutMs);
        if (n == -1) {
            int errno = NativeLibc.lastError();
            if (errno == Errno.EINTR) {
                return false;
            }
            throw BpfException.of("epoll_wait on perf buffer " + name, errno);
        }
        return n > 0;
    }

    /**
     * Delivers the samples in buffer {@code index}, oldest first, until {@code maxSamples} have been
     * delivered or the buffer holds no more of what was there when the call began; notices of lost
     * records found on the way are added to {@link #lostSamples()}. The space read is given back
     * to the kernel every quarter buffer and at the end. If the consumer throws, the samples up to
     * and including the one it threw for are consumed and the exception propagates.
     *
     * @param maxSamples at least 1
     * @return true if the buffer was read to the end it had when the call began; false if samples
     *     were left for a later call
     * @throws IllegalStateException if a record's header is not one this event can write (a
     *     corrupted buffer); the buffer cannot be read further
     */
    public boolean drain(int index, int maxSamples, RecordConsumer consumer) {
        Objects.requireNonNull(consumer, "consumer");
        if (maxSamples < 1) {
            throw new IllegalArgumentException("maxSamples must be at least 1, not " + maxSamples);
        }
        checkOpen();
        Area area = areas[index];
        long size = area.size();
        long mask = size - 1;
        long publishEvery = size / 4;
        // Acquire pairs with the kernel's release of data_head: every record below it is complete.
        // Read once, so a drain ends even while the CPU keeps writing.
        long head = area.head();
        VarHandle.acquireFence();
        long tail = area.tail();
        long published = tail;
        int delivered = 0;
        try {
            while (tail < head && delivered < maxSamples) {
                long offset = tail & mask;
                int type = area.intAt(offset);
                int recordSize = recordSize(area.intAt(offset + 4));
                if (recordSize < HEADER_SIZE || (recordSize & 7) != 0 || recordSize > head - tail) {
                    throw corrupt(index, "a record of " + recordSize + " bytes");
                }
                long next = tail + recordSize;
                if (type == PERF_RECORD_SAMPLE) {
                    int rawSize = area.intAt((offset + HEADER_SIZE) & mask);
                    if (rawSize < 0 || rawSize > recordSize - HEADER_SIZE - Integer.BYTES) {
                        throw corrupt(index, "a sample of " + rawSize + " bytes in a record of " + recordSize);
                    }
                    ByteBuffer record = fill(area, (offset + HEADER_SIZE + Integer.BYTES) & mask, rawSize, size);
                    // Advance first: a consumer that throws has received this record, and the
                    // finally block must not hand it out again.
                    tail = next;
                    delivered++;
                    consumer.accept(record, rawSize);
                } else if (type == PERF_RECORD_LOST) {
                    lostSamples += area.longAt((offset + HEADER_SIZE + Long.BYTES) & mask);
                    tail = next;
                } else {
                    throw corrupt(index, "record type " + type);
                }
                if (tail - published >= publishEvery) {
                    publish(area, tail);
                    published = tail;
                }
            }
        } finally {
            if (tail != published) {
                publish(area, tail);
            }
        }
        return tail >= head;
    }

    /** The header's u16 size from the u32 that holds misc and size, read in host order. */
    private static int recordSize(int miscAndSize) {
        return LITTLE_ENDIAN ? miscAndSize >>> 16 : miscAndSize & 0xFFFF;
    }

    /** Records the kernel dropped because a CPU's buffer was full, as its notices in the buffers say. */
    public long lostSamples() {
        return lostSamples;
    }

    private IllegalStateException corrupt(int index, String what) {
        return new IllegalStateException("perf buffer " + name + ", CPU buffer " + index + ": unexpected " + what);
    }

    private static void publish(Area area, long tail) {
        // Release: our reads of the records are done before the kernel may overwrite them.
        VarHandle.releaseFence();
        area.setTail(tail);
    }

    /** Copies one sample (which may wrap around the end of the area) into the reused buffer. */
    private ByteBuffer fill(Area area, long offset, int length, long size) {
        if (bytes.length < length) {
            bytes = new byte[Integer.highestOneBit(Math.max(1, length - 1)) << 1];
            buffer = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        }
        int first = (int) Math.min(length, size - offset);
        area.copy(offset, bytes, 0, first);
        if (first < length) {
            area.copy(0, bytes, first, length - first);
        }
        buffer.clear().limit(length);
        return buffer;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("perf buffer " + name + " is closed");
        }
    }

    /**
     * Closes every CPU's perf event and mapping (libbpf also takes them out of the map); the map
     * itself stays with its {@link BpfObject}. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (handle != null) {
            LIB.perf_buffer__free(handle);
            handle = null;
        }
    }

    @Override
    public String toString() {
        return name;
    }

    /**
     * One CPU's buffer as {@link #drain} walks it: data_head, data_tail and a data area of
     * {@link #size()} bytes (a power of two) mapped once, so a record may wrap around its end.
     * Accesses are plain; {@link #drain} adds the fences. A test implementation over a byte array
     * exercises the walk without a kernel.
     */
    abstract static class Area {
        /** Data area size in bytes. */
        abstract long size();

        abstract long head();

        abstract long tail();

        abstract void setTail(long tail);

        /** The u32 at {@code offset} (4-byte aligned, below {@link #size()}) of the data area. */
        abstract int intAt(long offset);

        /** The u64 at {@code offset} (8-byte aligned, below {@link #size()}) of the data area. */
        abstract long longAt(long offset);

        /** Copies {@code length} bytes from {@code offset} of the data area; never past its end. */
        abstract void copy(long offset, byte[] to, int toOffset, int length);
    }

    /** The kernel's buffer for one CPU, as libbpf mapped it: the header page, then the data. */
    private static final class Mapping extends Area {
        private final Pointer base;
        private final long page;
        private final long size;

        Mapping(Pointer base, long page, long size) {
            this.base = base;
            this.page = page;
            this.size = size;
        }

        @Override
        long size() {
            return size;
        }

        @Override
        long head() {
            return base.getLong(DATA_HEAD_OFFSET);
        }

        @Override
        long tail() {
            return base.getLong(DATA_TAIL_OFFSET);
        }

        @Override
        void setTail(long tail) {
            base.putLong(DATA_TAIL_OFFSET, tail);
        }

        @Override
        int intAt(long offset) {
            return base.getInt(page + offset);
        }

        @Override
        long longAt(long offset) {
            return base.getLong(page + offset);
        }

        @Override
        void copy(long offset, byte[] to, int toOffset, int length) {
            base.get(page + offset, to, toOffset, length);
        }
    }
}

package io.netcap.bpf;

import static io.netcap.bpf.NativeLibc.LIB;
import static io.netcap.bpf.NativeLibc.RUNTIME;

import com.kenai.jffi.MemoryIO;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Reads records from a BPF_MAP_TYPE_RINGBUF map by walking its memory-mapped pages in Java, without
 * libbpf's ring_buffer and without a native callback per record. The consumer position is
 * published once per {@link #drain} (and every quarter ring within a long one) instead of once per
 * record. Records are delivered on the thread that calls {@link #drain}. Not thread-safe.
 *
 * <p>Callers loop {@code await(timeout); drain(consumer)}: programs that write with
 * BPF_RB_NO_WAKEUP never wake the reader, so {@link #drain} must run whatever {@link #await}
 * returned.
 */
public final class MappedRingBuffer implements AutoCloseable {
    /** enum bpf_map_type BPF_MAP_TYPE_RINGBUF. */
    static final int MAP_TYPE_RINGBUF = 27;

    // Record header, from include/uapi/linux/bpf.h: u32 len (plus the two flag bits), u32 pg_off.
    static final int HEADER_SIZE = 8;
    /** Set while the producer is still writing the record: it and all after it are not ready. */
    static final int BUSY_BIT = 1 << 31;
    /** Set for a record the program reserved and then discarded: skip it. */
    static final int DISCARD_BIT = 1 << 30;

    private static final int INITIAL_BUFFER = 4096;

    private final String name;
    private final long mask;
    /** Within one drain, publish the consumer position after at most this many bytes. */
    private final long publishEvery;
    private Ring ring;
    private byte[] bytes = new byte[INITIAL_BUFFER];
    private ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());

    /** Maps the ring buffer of {@code map}, which must be loaded. */
    public MappedRingBuffer(BpfMap map) {
        this(map.name(), Mapping.open(map));
    }

    /** For unit tests: a ring over any memory. */
    MappedRingBuffer(String name, Ring ring) {
        this.name = name;
        this.ring = ring;
        this.mask = ring.size() - 1;
        this.publishEvery = ring.size() / 4;
    }

    /**
     * Delivers every record that is complete now, in order, and returns how many. Records the
     * program discarded are skipped; a record still being written ends the batch (it and those
     * after it come with a later call). If the consumer throws, the records up to and including
     * the one it threw for are consumed and the exception propagates.
     */
    public int drain(RecordConsumer consumer) {
        Objects.requireNonNull(consumer, "consumer");
        Ring r = ring();
        // Only this reader writes consumer_pos, so a plain load of our own last store is enough.
        long cons = r.consumerPos();
        long published = cons;
        // Acquire pairs with the kernel's release of producer_pos when it reserves a record: every
        // header below it is visible (maybe still busy). Read once, so a drain ends even while
        // the program keeps writing.
        long prod = r.producerPos();
        VarHandle.acquireFence();
        int count = 0;
        try {
            while (cons < prod) {
                long offset = cons & mask;
                // Acquire pairs with the kernel's release of the header when it commits a record.
                int header = r.headerAt(offset);
                VarHandle.acquireFence();
                if ((header & BUSY_BIT) != 0) {
                    break;
                }
                int length = header & ~(BUSY_BIT | DISCARD_BIT);
                long next = cons + recordSpan(length);
                if ((header & DISCARD_BIT) == 0) {
                    ByteBuffer record = r.record(offset + HEADER_SIZE, length);
                    if (record == null) {
                        record = fill(r, offset + HEADER_SIZE, length);
                    }
                    // Advance first: a consumer that throws has received this record, and the
                    // finally block must not hand it out again.
                    cons = next;
                    count++;
                    consumer.accept(record, length);
                } else {
                    cons = next;
                }
                if (cons - published >= publishEvery) {
                    // A long batch gives the producer its space back as it goes.
                    publish(r, cons);
                    published = cons;
                }
            }
        } finally {
            if (cons != published) {
                publish(r, cons);
            }
        }
        return count;
    }

    /**
     * Sleeps until the program wakes the reader or {@code timeoutMs} passes (-1: forever, 0: not
     * at all). Edge-triggered: records committed without a wake-up (BPF_RB_NO_WAKEUP) do not end
     * the wait, and neither do records left over from an earlier wake-up. A reader that drains
     * after every wait therefore sleeps between batches instead of spinning on a ring the
     * producer keeps writing to, which would pull each record's cache lines to the reader's CPU
     * while the producer is still filling them.
     *
     * @return true if woken; false on timeout or when a signal interrupted the wait
     */
    public boolean await(int timeoutMs) {
        return ring().awaitReadable(timeoutMs);
    }

    /** Unmaps the ring and closes the epoll fd; the map itself stays with its {@link BpfObject}. */
    @Override
    public void close() {
        Ring r = ring;
        if (r == null) {
            return;
        }
        ring = null;
        r.close();
    }

    @Override
    public String toString() {
        return name;
    }

    /** Header plus data, rounded up to the 8 bytes the kernel aligns every record to. */
    static long recordSpan(int length) {
        return (Integer.toUnsignedLong(length) + HEADER_SIZE + 7) & ~7L;
    }

    private void publish(Ring r, long cons) {
        // Release: our reads of the records are done before the producer may overwrite them.
        VarHandle.releaseFence();
        r.setConsumerPos(cons);
    }

    /** Copies one record into the reused buffer: position 0, limit {@code length}, host order. */
    private ByteBuffer fill(Ring r, long dataOffset, int length) {
        if (bytes.length < length) {
            bytes = new byte[Integer.highestOneBit(length - 1) << 1];
            buffer = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        }
        r.copy(dataOffset, bytes, length);
        buffer.clear().limit(length);
        return buffer;
    }

    private Ring ring() {
        Ring r = ring;
        if (r == null) {
            throw new IllegalStateException("ring buffer " + name + " is closed");
        }
        return r;
    }

    /**
     * The memory {@link #drain} walks, in the kernel's layout: a consumer position, a producer
     * position and a data area of {@link #size()} bytes (a power of two) whose records may run past
     * its end, as the kernel maps the data pages twice. Accesses are plain; {@link #drain} adds the
     * fences. A test implementation over a byte array exercises the walk without a kernel.
     */
    abstract static class Ring {
        /** Data area size in bytes: the map's max_entries. */
        abstract long size();

        abstract long consumerPos();

        abstract void setConsumerPos(long position);

        abstract long producerPos();

        /** The u32 record header at {@code offset} (below {@link #size()}) of the data area. */
        abstract int headerAt(long offset);

        /** Copies {@code length} bytes from {@code offset} of the data area, which may wrap. */
        abstract void copy(long offset, byte[] to, int length);

        /**
         * The {@code length} bytes at {@code offset} of the data area in place, as a buffer whose
         * position and limit frame them (host byte order, valid until the next call), or null
         * when this ring cannot show its memory so and {@link #copy} must be used.
         */
        ByteBuffer record(long offset, int length) {
            return null;
        }

        /** Blocks up to {@code timeoutMs} for the kernel's wakeup; false on timeout or signal. */
        abstract boolean awaitReadable(int timeoutMs);

        abstract void close();
    }

    /** The kernel's ring: two mappings of the map fd and an epoll fd watching it. */
    private static final class Mapping extends Ring {
        private final String name;
        private final long size;
        private final long page;
        /** One page, read-write: consumer_pos at 0. */
        private final Pointer consumerPage;
        /** page + 2 * size, read-only: producer_pos at 0, data from {@code page}, mapped twice. */
        private final Pointer producerPages;
        private final int epollFd;
        /** One struct epoll_event, reused by every wait. */
        private final Pointer event = Memory.allocateDirect(RUNTIME, NativeLibc.EPOLL_EVENT_BUFFER_SIZE, true);
        /**
         * The data pages (both mappings) as a direct buffer, so that a record is read in place with
         * plain loads: copying each one out through jnr-ffi was a native call per record (JNI),
         * 6% of the reader's time at 440k packets/s (async-profiler). Null for a ring too large for
         * a buffer's int positions (over 1 GiB), which is copied out as before.
         */
        private final ByteBuffer data;

        private Mapping(String name, long size, long page, Pointer consumerPage, Pointer producerPages,
                        int epollFd) {
            this.name = name;
            this.size = size;
            this.page = page;
            this.consumerPage = consumerPage;
            this.producerPages = producerPages;
            this.epollFd = epollFd;
            long span = 2 * size;
            this.data = span > Integer.MAX_VALUE ? null
                    : MemoryIO.getInstance().newDirectByteBuffer(producerPages.address() + page, (int) span)
                            .order(ByteOrder.nativeOrder());
        }

        static Mapping open(BpfMap map) {
            String name = map.name();
            if (map.type() != MAP_TYPE_RINGBUF) {
                throw new IllegalArgumentException("map " + name + " is not a BPF_MAP_TYPE_RINGBUF map");
            }
            int fd = map.fd();
            long size = Integer.toUnsignedLong(map.maxEntries());
            long page = NativeLibc.pageSize();
            // The kernel enforces this at map creation; checked here because the masking relies on it.
            if (Long.bitCount(size) != 1 || size % page != 0) {
                throw new IllegalArgumentException("ring buffer " + name + " has " + size
                        + " bytes, not a power-of-two multiple of the page size");
            }
            Pointer consumer = NativeLibc.checkMapping("mmap consumer page of ring buffer " + name,
                    LIB.mmap(null, page, NativeLibc.PROT_READ | NativeLibc.PROT_WRITE, NativeLibc.MAP_SHARED,
                            fd, 0));
            Pointer producer = null;
            try {
                producer = NativeLibc.checkMapping("mmap data pages of ring buffer " + name,
                        LIB.mmap(null, page + 2 * size, NativeLibc.PROT_READ, NativeLibc.MAP_SHARED, fd, page));
                int epollFd = NativeLibc.check("epoll_create1 for ring buffer " + name,
                        LIB.epoll_create1(NativeLibc.EPOLL_CLOEXEC));
                Mapping mapping = new Mapping(name, size, page, consumer, producer, epollFd);
                try {
                    mapping.event.putInt(0, NativeLibc.EPOLLIN | NativeLibc.EPOLLET);
                    NativeLibc.check("epoll_ctl(EPOLL_CTL_ADD) for ring buffer " + name,
                            LIB.epoll_ctl(epollFd, NativeLibc.EPOLL_CTL_ADD, fd, mapping.event));
                    return mapping;
                } catch (RuntimeException e) {
                    LIB.close(epollFd);
                    throw e;
                }
            } catch (RuntimeException e) {
                if (producer != null) {
                    LIB.munmap(producer, page + 2 * size);
                }
                LIB.munmap(consumer, page);
                throw e;
            }
        }

        @Override
        long size() {
            return size;
        }

        @Override
        long consumerPos() {
            return consumerPage.getLong(0);
        }

        @Override
        void setConsumerPos(long position) {
            consumerPage.putLong(0, position);
        }

        @Override
        long producerPos() {
            return producerPages.getLong(0);
        }

        @Override
        int headerAt(long offset) {
            return producerPages.getInt(page + offset);
        }

        @Override
        void copy(long offset, byte[] to, int length) {
            // The second mapping of the data pages makes a wrapping record contiguous.
            producerPages.get(page + offset, to, 0, length);
        }

        @Override
        ByteBuffer record(long offset, int length) {
            if (data == null) {
                return null;
            }
            // The second mapping of the data pages makes a wrapping record contiguous.
            int start = (int) offset;
            data.limit(start + length).position(start);
            return data;
        }

        @Override
        boolean awaitReadable(int timeoutMs) {
            int n = LIB.epoll_wait(epollFd, event, 1, timeoutMs);
            if (n == -1) {
                int errno = NativeLibc.lastError();
                if (errno == Errno.EINTR) {
                    return false;
                }
                throw BpfException.of("epoll_wait on ring buffer " + name, errno);
            }
            return n > 0;
        }

        @Override
        void close() {
            // Reverse order of open. Failures here would be bugs (bad address or fd), not
            // conditions a caller could act on, so they are not reported.
            LIB.close(epollFd);
            LIB.munmap(producerPages, page + 2 * size);
            LIB.munmap(consumerPage, page);
        }
    }
}

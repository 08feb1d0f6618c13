package io.netcap.bpf;

import static io.netcap.bpf.NativeLibbpf.LIB;
import static io.netcap.bpf.NativeLibbpf.RUNTIME;

import java.util.Objects;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Reads records from a BPF_MAP_TYPE_RINGBUF map through libbpf's ring_buffer. Records are delivered
 * on the thread that calls {@link #poll} or {@link #consume}. Not thread-safe.
 */
public final class RingBufferReader implements AutoCloseable {
    // struct ring_buffer_opts { size_t sz; }
    private static final int OPTS_SIZE = 8;

    private final RecordConsumer consumer;
    private final RecordBuffer buffer = new RecordBuffer();
    private final CallbackFailure failure = new CallbackFailure();
    // libbpf holds only the native trampoline; this field keeps its Java side from being collected.
    private final NativeLibbpf.LibBpf.RingBufferSampleFn callback = this::onSample;
    private Pointer handle;

    public RingBufferReader(BpfMap map, RecordConsumer consumer) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        int fd = map.fd();
        Pointer opts = Memory.allocateDirect(RUNTIME, OPTS_SIZE, true);
        opts.putLong(0, OPTS_SIZE);
        handle = NativeLibbpf.checkPointer("open ring buffer " + map.name(),
                LIB.ring_buffer__new(fd, callback, null, opts));
    }

    private int onSample(Pointer ctx, Pointer data, long size) {
        // Nothing may propagate into libbpf's C frames.
        try {
            consumer.accept(buffer.fill(data, (int) size), (int) size);
            return 0;
        } catch (Throwable t) {
            failure.stash(t);
            // A negative return makes ring_buffer__poll stop and report the error.
            return -Errno.ECANCELED;
        }
    }

    /**
     * Waits up to {@code timeoutMs} (-1: forever) for records and delivers them all.
     *
     * @return records delivered; 0 on timeout or when interrupted by a signal
     */
    public int poll(int timeoutMs) {
        return finish("poll ring buffer", LIB.ring_buffer__poll(handle(), timeoutMs));
    }

    /** Delivers the records already there without waiting; returns how many. */
    public int consume() {
        return finish("consume ring buffer", LIB.ring_buffer__consume(handle()));
    }

    /** An epoll fd that becomes readable when records arrive, for callers with their own loop. */
    public int epollFd() {
        return NativeLibbpf.check("epoll fd of ring buffer", LIB.ring_buffer__epoll_fd(handle()));
    }

    private int finish(String operation, int result) {
        failure.rethrow();
        if (result == -Errno.EINTR) {
            return 0;
        }
        return NativeLibbpf.check(operation, result);
    }

    private Pointer handle() {
        if (handle == null) {
            throw new IllegalStateException("ring buffer reader is closed");
        }
        return handle;
    }

    @Override
    public void close() {
        if (handle == null) {
            return;
        }
        Pointer rb = handle;
        handle = null;
        LIB.ring_buffer__free(rb);
    }
}

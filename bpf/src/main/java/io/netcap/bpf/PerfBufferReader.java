package io.netcap.bpf;

import static io.netcap.bpf.NativeLibbpf.LIB;
import static io.netcap.bpf.NativeLibbpf.RUNTIME;

import java.util.Objects;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Reads records from a BPF_MAP_TYPE_PERF_EVENT_ARRAY map through libbpf's perf_buffer (the
 * fallback for kernels without ring buffers). Records the kernel had to drop because a per-CPU
 * buffer was full are not reported here (no lost callback is registered). Not thread-safe.
 */
public final class PerfBufferReader implements AutoCloseable {
    // struct perf_buffer_opts { size_t sz; }
    private static final int OPTS_SIZE = 8;

    /**
     * Receives one record and the CPU it was written on. {@code size} is perf's padded size: up
     * to 7 bytes more than the program wrote (its u32 header plus data is rounded to 8 bytes).
     */
    @FunctionalInterface
    public interface Consumer {
        void accept(int cpu, java.nio.ByteBuffer record, int size);
    }

    private final Consumer consumer;
    private final RecordBuffer buffer = new RecordBuffer();
    private final CallbackFailure failure = new CallbackFailure();
    // A strong reference for the native trampoline libbpf keeps.
    private final NativeLibbpf.LibBpf.PerfBufferSampleFn sampleCallback = this::onSample;
    private Pointer handle;

    /** @param pagesPerCpu size of each CPU's buffer in pages; must be a power of two */
    public PerfBufferReader(BpfMap map, int pagesPerCpu, Consumer consumer) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        if (pagesPerCpu <= 0 || Integer.bitCount(pagesPerCpu) != 1) {
            throw new IllegalArgumentException("pages per CPU must be a power of two, not " + pagesPerCpu);
        }
        int fd = map.fd();
        Pointer opts = Memory.allocateDirect(RUNTIME, OPTS_SIZE, true);
        opts.putLong(0, OPTS_SIZE);
        handle = NativeLibbpf.checkPointer("open perf buffer " + map.name(),
                LIB.perf_buffer__new(fd, pagesPerCpu, sampleCallback, null, null, opts));
    }

    private void onSample(Pointer ctx, int cpu, Pointer data, int size) {
        if (failure.isSet()) {
            return; // the poll is about to throw; later records of this batch are dropped
        }
        try {
            consumer.accept(cpu, buffer.fill(data, size), size);
        } catch (Throwable t) {
            failure.stash(t);
        }
    }

    /**
     * Waits up to {@code timeoutMs} (-1: forever) and delivers what arrived.
     *
     * @return what perf_buffer__poll returns (number of ready CPU buffers); 0 on timeout or signal
     */
    public int poll(int timeoutMs) {
        int result = LIB.perf_buffer__poll(handle(), timeoutMs);
        failure.rethrow();
        if (result == -Errno.EINTR) {
            return 0;
        }
        return NativeLibbpf.check("poll perf buffer", result);
    }

    /** Delivers the records already there without waiting (e.g. when draining at exit). */
    public int consume() {
        int result = LIB.perf_buffer__consume(handle());
        failure.rethrow();
        return NativeLibbpf.check("consume perf buffer", result);
    }

    private Pointer handle() {
        if (handle == null) {
            throw new IllegalStateException("perf buffer reader is closed");
        }
        return handle;
    }

    @Override
    public void close() {
        if (handle == null) {
            return;
        }
        Pointer pb = handle;
        handle = null;
        LIB.perf_buffer__free(pb);
    }
}

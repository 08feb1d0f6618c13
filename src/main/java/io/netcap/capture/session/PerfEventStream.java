package io.netcap.capture.session;

import io.netcap.bpf.BpfMap;
import io.netcap.bpf.MappedPerfBuffer;
import io.netcap.bpf.RecordConsumer;
import io.netcap.capture.program.CaptureEvent;
import io.netcap.capture.program.EventDecoder;
import java.util.function.Consumer;

/**
 * Events from a perf event array: one buffer per CPU, {@code bufferBytes} shared out among them,
 * merged in time order by a {@link PerCpuMerger}. Each poll reads a bounded number of records
 * from every buffer in turn, so a flood on one CPU neither starves the others (whose progress
 * the merge waits for) nor keeps the caller from seeing a stop request; while a buffer is left
 * with records the next poll does not wait. When the merge holds many events, the buffers that
 * are ahead are left in the kernel until the one holding them back catches up: what is held in
 * memory stays bounded without releasing anything out of order.
 */
final class PerfEventStream implements EventStream {
    private static final int PAGE_SIZE = 4096;
    /**
     * Records read per poll, shared out among the buffers: a few milliseconds of work (decoding,
     * merging and writing take about a microsecond per record), so the loop checks for a stop
     * and flushes its output many times a second however far behind it is.
     */
    static final int RECORDS_PER_POLL = 16_384;
    private static final int MIN_RECORDS_PER_BUFFER = 256;

    private final MappedPerfBuffer buffers;
    private final PerCpuMerger merger;
    private final Consumer<CaptureEvent> out;
    /** One decoder per buffer, each adding to its own lane of the merge. */
    private final RecordConsumer[] decoders;
    private final int recordsPerBuffer;
    /** Some buffer still had records after the last poll: poll again without waiting. */
    private boolean behind;

    PerfEventStream(BpfMap map, int bufferBytes, Consumer<CaptureEvent> out) {
        this.buffers = new MappedPerfBuffer(map, pagesPerCpu(bufferBytes, BpfMap.possibleCpus()));
        this.out = out;
        int n = buffers.bufferCount();
        this.merger = new PerCpuMerger(Math.max(1, n), ORDER_SLACK_NANOS, MAX_HELD);
        this.decoders = new RecordConsumer[n];
        EventDecoder events = new EventDecoder(); // the buffers are read on one thread
        for (int i = 0; i < n; i++) {
            int lane = i;
            decoders[i] = (record, size) -> merger.add(lane, events.decode(record, size), out);
        }
        this.recordsPerBuffer = recordsPerBuffer(n);
    }

    /** The largest power of two of pages per CPU that keeps the total within bufferBytes (at least one). */
    static int pagesPerCpu(long bufferBytes, int cpus) {
        long pages = bufferBytes / PAGE_SIZE / Math.max(1, cpus);
        return pages < 1 ? 1 : Integer.highestOneBit((int) Math.min(pages, 1 << 30));
    }

    /** Each buffer's share of {@link #RECORDS_PER_POLL}, at least a few hundred. */
    static int recordsPerBuffer(int buffers) {
        return Math.max(MIN_RECORDS_PER_BUFFER, RECORDS_PER_POLL / Math.max(1, buffers));
    }

    @Override
    public void pollAndRelease(int timeoutMs) {
        if (!behind) {
            // Drain whether woken or not: a CPU wakes the reader only every sixteenth of its buffer.
            buffers.await(timeoutMs);
        }
        behind = readEveryBuffer(false);
        merger.release(out);
    }

    @Override
    public void drainAll() {
        // In the same bounded rounds as while capturing, so that the merge holds as little.
        while (readEveryBuffer(true)) {
            merger.release(out);
        }
        merger.releaseAll(out);
    }

    /**
     * Reads up to {@link #recordsPerBuffer} records from each buffer, but none from those ahead
     * of the others while the merge is crowded.
     *
     * @param detached the hooks are detached, so a buffer read to its end will never have more
     * @return true if some buffer has records left
     */
    private boolean readEveryBuffer(boolean detached) {
        boolean left = false;
        boolean crowded = merger.crowded();
        for (int i = 0; i < decoders.length; i++) {
            if (crowded && merger.isAhead(i)) {
                left = true;
                continue;
            }
            long start = detached ? Long.MAX_VALUE : System.nanoTime();
            if (buffers.drain(i, recordsPerBuffer, decoders[i])) {
                merger.caughtUp(i, start);
            } else {
                left = true;
            }
        }
        return left;
    }

    @Override
    public long completeThrough() {
        return merger.completeThrough();
    }

    @Override
    public long lateEvents() {
        return merger.lateEvents();
    }

    @Override
    public long lostInTransit() {
        return buffers.lostSamples();
    }

    @Override
    public void close() {
        buffers.close();
    }
}

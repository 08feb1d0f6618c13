package io.netcap.capture.session;

import io.netcap.bpf.BpfMap;
import io.netcap.bpf.PerfBufferReader;
import io.netcap.bpf.RecordConsumer;

/** Events from a perf event array: one buffer per CPU, {@code bufferBytes} shared out among them. */
final class PerfEventStream implements EventStream {
    private static final int PAGE_SIZE = 4096;
    private final PerfBufferReader reader;

    PerfEventStream(BpfMap map, int bufferBytes, RecordConsumer consumer) {
        reader = new PerfBufferReader(map, pagesPerCpu(bufferBytes, BpfMap.possibleCpus()),
                (cpu, record, size) -> consumer.accept(record, size));
    }

    /** The largest power of two of pages per CPU that keeps the total within bufferBytes (at least one). */
    static int pagesPerCpu(long bufferBytes, int cpus) {
        long pages = bufferBytes / PAGE_SIZE / Math.max(1, cpus);
        return pages < 1 ? 1 : Integer.highestOneBit((int) Math.min(pages, 1 << 30));
    }

    @Override
    public void pollAndDrain(int timeoutMs) {
        reader.poll(timeoutMs);
    }

    @Override
    public void drain() {
        reader.consume();
    }

    @Override
    public void close() {
        reader.close();
    }
}

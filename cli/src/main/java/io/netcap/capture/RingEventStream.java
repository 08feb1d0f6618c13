package io.netcap.capture;

import io.netcap.bpf.BpfMap;
import io.netcap.bpf.RecordConsumer;
import io.netcap.bpf.RingBufferReader;

/** Events from a BPF ring buffer. */
final class RingEventStream implements EventStream {
    private final RingBufferReader reader;

    RingEventStream(BpfMap map, RecordConsumer consumer) {
        reader = new RingBufferReader(map, consumer);
    }

    @Override
    public void pollAndDrain(int timeoutMs) {
        // epoll reports the ring only after a wake-up, and most records are committed without
        // one (capture.bpf.c): consume whatever is there whether or not the poll saw it.
        reader.poll(timeoutMs);
        reader.consume();
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

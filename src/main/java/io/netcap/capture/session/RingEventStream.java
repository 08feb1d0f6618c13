package io.netcap.capture.session;

import io.netcap.bpf.BpfMap;
import io.netcap.bpf.MappedRingBuffer;
import io.netcap.bpf.RecordConsumer;

/**
 * Events from a BPF ring buffer, read in batches straight from its mapped pages: no native call
 * per record, and one consumer position update per batch (libbpf's reader makes an upcall into
 * Java and a position store for every record).
 */
final class RingEventStream implements EventStream {
    private final MappedRingBuffer ring;
    private final RecordConsumer consumer;

    RingEventStream(BpfMap map, RecordConsumer consumer) {
        this.ring = new MappedRingBuffer(map);
        this.consumer = consumer;
    }

    @Override
    public void pollAndDrain(int timeoutMs) {
        // The program commits most records without a wake-up (capture.bpf.c), so drain whether
        // the wait ended by a wake-up or by the timeout.
        ring.await(timeoutMs);
        ring.drain(consumer);
    }

    @Override
    public void drain() {
        ring.drain(consumer);
    }

    @Override
    public void close() {
        ring.close();
    }
}

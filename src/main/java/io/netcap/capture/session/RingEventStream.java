package io.netcap.capture.session;

import io.netcap.bpf.BpfMap;
import io.netcap.bpf.MappedRingBuffer;
import io.netcap.bpf.RecordConsumer;
import io.netcap.capture.program.CaptureEvent;
import io.netcap.capture.program.EventDecoder;
import java.util.function.Consumer;

/**
 * Events from a BPF ring buffer, read in batches straight from its mapped pages: no native call
 * per record, and one consumer position update per batch (libbpf's reader makes an upcall into
 * Java and a position store for every record). One ring holds every CPU's records in the order
 * they were reserved, so a short window puts them back in time order ({@link EventReorderer}).
 */
final class RingEventStream implements EventStream {
    private final MappedRingBuffer ring;
    private final EventReorderer reorderer = new EventReorderer(ORDER_SLACK_NANOS, MAX_HELD);
    private final Consumer<CaptureEvent> out;
    private final RecordConsumer decoder;

    RingEventStream(BpfMap map, Consumer<CaptureEvent> out) {
        this.ring = new MappedRingBuffer(map);
        this.out = out;
        EventDecoder events = new EventDecoder();
        this.decoder = (record, size) -> reorderer.add(events.decode(record, size), out);
    }

    @Override
    public void pollAndRelease(int timeoutMs) {
        // The program commits most records without a wake-up (capture.bpf.c), so drain whether
        // the wait ended by a wake-up or by the timeout.
        ring.await(timeoutMs);
        ring.drain(decoder);
        reorderer.releaseUpTo(System.nanoTime(), out);
    }

    @Override
    public void drainAll() {
        ring.drain(decoder);
        reorderer.releaseAll(out);
    }

    @Override
    public long completeThrough() {
        return reorderer.completeThrough();
    }

    @Override
    public long lateEvents() {
        return reorderer.lateEvents();
    }

    @Override
    public long lostInTransit() {
        return 0; // the program counts what bpf_ringbuf_output could not write
    }

    @Override
    public void close() {
        ring.close();
    }
}

package io.netcap.capture.session;

import io.netcap.bpf.BpfMap;
import io.netcap.bpf.MappedRingBuffer;
import io.netcap.bpf.RecordConsumer;
import io.netcap.capture.program.EventDecoder;

/**
 * Events from a BPF ring buffer, read in batches straight from its mapped pages: no native call
 * per record, and one consumer position update per batch (libbpf's reader makes an upcall into
 * Java and a position store for every record). One ring holds every CPU's records in the order
 * they were reserved, so a short window puts them back in time order ({@link RecordReorderer});
 * the records are handed out undecoded, for a consumer that needs only some of their fields.
 */
final class RingEventStream implements EventStream {
    private final MappedRingBuffer ring;
    private final RecordReorderer reorderer = new RecordReorderer(ORDER_SLACK_NANOS, MAX_HELD);
    private final RecordReorderer.RecordHandler out;
    private final RecordConsumer hold;

    RingEventStream(BpfMap map, RecordReorderer.RecordHandler out) {
        this.ring = new MappedRingBuffer(map);
        this.out = out;
        // A record too short for its timestamp is held as at time 0 and decoded on release, which says what is wrong.
        this.hold = (record, size) -> reorderer.add(record, size,
                size >= Long.BYTES ? EventDecoder.time(record, record.position()) : 0, out);
    }

    @Override
    public void pollAndRelease(int timeoutMs) {
        // The program commits most records without a wake-up (capture.bpf.c), so drain whether
        // the wait ended by a wake-up or by the timeout.
        ring.await(timeoutMs);
        ring.drain(hold);
        reorderer.releaseUpTo(System.nanoTime(), out);
    }

    @Override
    public void drainAll() {
        ring.drain(hold);
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

package io.netcap.capture.session;

import io.netcap.bpf.BpfMap;
import io.netcap.bpf.BpfObject;
import io.netcap.bpf.EventTransport;
import io.netcap.bpf.RecordConsumer;
import io.netcap.capture.program.KernelAbi;

/**
 * The events of a loaded capture program, from whichever transport it was built for
 * ({@link EventTransport}), delivered to one consumer on the calling thread.
 */
interface EventStream extends AutoCloseable {
    /**
     * Waits up to {@code timeoutMs} for a wake-up, then delivers every event already there. The
     * program does not wake the reader for every event, so this delivers on a timeout too.
     */
    void pollAndDrain(int timeoutMs);

    /** Delivers every event already there without waiting. */
    void drain();

    @Override
    void close();

    /** Opens the program's netcap_events map; {@code bufferBytes} sizes a perf buffer (a ring is sized before load). */
    static EventStream open(BpfObject object, EventTransport transport, int bufferBytes, RecordConsumer consumer) {
        BpfMap map = object.map(KernelAbi.EVENTS_MAP);
        return switch (transport) {
            case RING_BUFFER -> new RingEventStream(map, consumer);
            case PERF_BUFFER -> new PerfEventStream(map, bufferBytes, consumer);
        };
    }
}

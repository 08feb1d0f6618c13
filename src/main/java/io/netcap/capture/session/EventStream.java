package io.netcap.capture.session;

import io.netcap.bpf.BpfMap;
import io.netcap.bpf.BpfObject;
import io.netcap.bpf.EventTransport;
import io.netcap.capture.program.CaptureEvent;
import io.netcap.capture.program.KernelAbi;
import java.util.function.Consumer;

/**
 * The events of a loaded capture program, from whichever transport it was built for
 * ({@link EventTransport}), handed to one consumer on the calling thread in timestamp order. Each transport knows how its records can be out of order and puts them back: one ring
 * buffer shared by the CPUs is nearly in order ({@link RecordReorderer}); per-CPU perf buffers are
 * each in order but may lag one another by far more ({@link PerCpuMerger}).
 */
interface EventStream extends AutoCloseable {
    /**
     * How long events are held behind the newest time known to be complete, to let a record
     * committed a little after its timestamp was taken still land in order (nanoseconds).
     */
    long ORDER_SLACK_NANOS = 20_000_000L;
    /** The most events held for ordering; past it the oldest goes out early (and may be overtaken). */
    int MAX_HELD = 100_000;

    /**
     * Waits up to {@code timeoutMs} for a wake-up, reads what is there (a bounded amount, so that
     * a caller looping on this sees a stop request promptly under any load) and hands out, in
     * order, the events that can no longer be overtaken. The programs do not wake the reader for
     * every event, so this reads on a timeout too.
     */
    void pollAndRelease(int timeoutMs);

    /** Reads everything left and hands all of it out in order: at exit, once the hooks are detached. */
    void drainAll();

    /**
     * Every event stamped at or before this time (CLOCK_MONOTONIC) has been handed out, but for
     * late ones: the time up to which a consumer may take the absence of an event as final.
     * Long.MIN_VALUE before anything is known.
     */
    long completeThrough();

    /** Events handed out after a later one had been (counted, never dropped). */
    long lateEvents();

    /**
     * Records the kernel said it dropped on the way because the buffer was full, from the
     * transport's own notices (perf's lost records); 0 for a transport that has none.
     */
    long lostInTransit();

    @Override
    void close();

    /**
     * Opens the program's netcap_events map; {@code bufferBytes} sizes a perf buffer (a ring is
     * sized before load). A ring buffer hands out its records undecoded, to {@code records}; the
     * perf buffers hand out decoded events, to {@code events}.
     */
    static EventStream open(BpfObject object, EventTransport transport, int bufferBytes,
                            RecordReorderer.RecordHandler records, Consumer<CaptureEvent> events) {
        BpfMap map = object.map(KernelAbi.EVENTS_MAP);
        return switch (transport) {
            case RING_BUFFER -> new RingEventStream(map, records);
            case PERF_BUFFER -> new PerfEventStream(map, bufferBytes, events);
        };
    }
}

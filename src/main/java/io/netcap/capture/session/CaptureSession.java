package io.netcap.capture.session;

import io.netcap.capture.CaptureException;
import io.netcap.capture.kernel.KernelSymbols;
import io.netcap.capture.kernel.ReasonNames;
import io.netcap.capture.kernel.StackResolver;
import io.netcap.capture.program.CaptureEvent;
import io.netcap.capture.program.CaptureProgram;
import io.netcap.capture.program.Direction;
import io.netcap.capture.program.Hook;
import io.netcap.capture.program.KernelAbi;
import io.netcap.pcap.CapturedPacket;
import io.netcap.pcap.PacketSink;
import io.netcap.pcap.Sinks;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;

/**
 * One running capture: the attached program, its event stream, the reordering, the clock and
 * the sink. Closing it in any state (after an error, a signal, -c) detaches every hook first,
 * then drains what is left in the buffer, flushes and closes the sink, prints the summary and
 * unloads the program; each step is tried even when an earlier one failed.
 */
final class CaptureSession implements AutoCloseable {
    /** Also the longest a packet waits in the kernel at low rates: the program wakes netcap only in batches. */
    private static final int POLL_MS = 50;
    /** Events from different CPUs are held this long to put them back in time order. */
    private static final long REORDER_WINDOW_NANOS = 20_000_000L;
    private static final int REORDER_MAX_HELD = 100_000;

    private final AttachedProgram attached;
    private final CaptureProgram program;
    private final CaptureRequest request;
    private final PrintWriter err;
    private final PacketSink sink;
    private final EventReorderer reorderer = new EventReorderer(REORDER_WINDOW_NANOS, REORDER_MAX_HELD);
    private final WallClock clock = WallClock.calibrate();
    private final ReasonNames reasonNames;
    /** Each hook's direction ("in", "out" or null), by hook index: fixed per hook, not per packet. */
    private final String[] directions;
    private EventStream events;
    private StackResolver stacks;
    private long captured;
    private boolean closed;

    /** Takes ownership of the attached program and of the sink: both are closed with the session. */
    CaptureSession(AttachedProgram attached, CaptureRequest request, PacketSink sink, PrintWriter err) {
        this.attached = attached;
        this.program = attached.program();
        this.request = request;
        this.sink = sink;
        this.err = err;
        this.reasonNames = ReasonNames.load(program.reasonEnums());
        this.directions = program.hooks().stream().map(h -> Direction.of(h.target())).toArray(String[]::new);
    }

    int run() throws IOException {
        attached.attach();
        if (request.config().stacks()) {
            stacks = new StackResolver(attached.object().map(KernelAbi.STACKS_MAP), KernelSymbols.load());
        }
        events = EventStream.open(attached.object(), program.transport(), request.ringBytes(),
                (buffer, size) -> reorderer.add(KernelAbi.decodeEvent(buffer, size), this::emit));
        err.println("netcap: listening on " + attached.hookList()
                + ", capture size " + request.config().captureSize() + " bytes");
        err.flush();
        while (!attached.stopRequested() && !countReached()) {
            events.pollAndDrain(POLL_MS);
            reorderer.releaseUpTo(System.nanoTime(), this::emit);
            sink.flush();
            if (Sinks.consumerGone(sink)) {
                break;
            }
        }
        return 0;
    }

    private boolean countReached() {
        return request.limit() > 0 && captured >= request.limit();
    }

    private void emit(CaptureEvent e) {
        if (countReached()) {
            return;
        }
        Hook hook = program.hooks().get(e.hook());
        List<String> stack = stacks == null ? List.of() : stacks.take(e.stackId());
        String reason = hook.hasReason() ? reasonNames.name(hook.reason(), Integer.toUnsignedLong(e.reason())) : null;
        CapturedPacket p = new CapturedPacket(clock.toEpochNanos(e.monotonicNanos()), e.linkType(), e.wireLength(),
                e.data(), 0, e.data().length, hook.spec(), e.ifindex(), e.device(), e.netnsInode(), e.skb(), e.cpu(),
                stack, directions[e.hook()], hook.hasReason() ? hook.reason().label() : null, reason);
        try {
            sink.write(p);
        } catch (IOException ex) {
            throw CaptureException.runtime("cannot write packet: " + ex.getMessage(), ex);
        }
        captured++;
    }

    /** Detach, drain, close the sink, summarise, unload: every step tried; the first failure is thrown. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        Closer closer = new Closer();
        closer.run(attached::detach);
        if (events != null) {
            closer.run(() -> {
                events.drain();
                reorderer.releaseAll(this::emit);
            });
        }
        closer.run(sink::close);
        if (events != null) {
            closer.run(() -> ExitSummary.print(err, captured, attached.counters(), reorderer.lateEvents()));
            closer.run(events::close);
        }
        closer.run(attached::close);
        closer.finish();
    }
}

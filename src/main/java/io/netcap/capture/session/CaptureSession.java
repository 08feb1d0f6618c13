package io.netcap.capture.session;

import io.netcap.capture.CaptureException;
import io.netcap.capture.kernel.DropReasons;
import io.netcap.capture.kernel.KernelSymbols;
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
 *
 * <p>When the output goes to stdout and its reader goes away ({@code netcap … | head}), the
 * capture ends the same way within one poll: found by poll(2) on stdout, or by a write failing.
 * Packets that could no longer be written are counted and said in the summary.
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
    private final DropReasons dropReasons;
    /** Each hook's direction ("in", "out" or null), by hook index: fixed per hook, not per packet. */
    private final String[] directions;
    /** Whether packets (or -S stacks) go to stdout, so that its reader going away ends the capture. */
    private final boolean watchStdout;
    /** Set once the reader of stdout is gone: nothing more is written, later packets only counted. */
    private boolean readerGone;
    private long notWritten;
    private EventStream events;
    private StackResolver stacks;
    private long captured;
    private boolean closed;

    /**
     * Takes ownership of the attached program and of the sink: both are closed with the session.
     *
     * @param watchStdout the sink writes to this process's stdout (see OutputSpec.usesStdout)
     */
    CaptureSession(AttachedProgram attached, CaptureRequest request, PacketSink sink, boolean watchStdout,
                   PrintWriter err) {
        this.attached = attached;
        this.watchStdout = watchStdout;
        this.program = attached.program();
        this.request = request;
        this.sink = sink;
        this.err = err;
        this.dropReasons = DropReasons.loadIf(program.hooks().stream().anyMatch(Hook::hasReason));
        this.directions = program.hooks().stream().map(h -> Direction.of(h.target())).toArray(String[]::new);
    }

    int run() throws IOException {
        attached.attach(err);
        if (request.config().stacks()) {
            stacks = new StackResolver(attached.object().map(KernelAbi.STACKS_MAP), KernelSymbols.load());
        }
        events = EventStream.open(attached.object(), program.transport(), request.ringBytes(),
                (buffer, size) -> reorderer.add(KernelAbi.decodeEvent(buffer, size), this::emit));
        err.println("netcap: listening on " + attached.hookList()
                + ", capture size " + request.config().captureSize() + " bytes");
        err.flush();
        while (!attached.stopRequested() && !countReached() && !readerGone) {
            events.pollAndDrain(POLL_MS);
            reorderer.releaseUpTo(System.nanoTime(), this::emit);
            flushSink();
            if (Sinks.consumerGone(sink)) {
                break;
            }
            if (watchStdout && !readerGone && StdoutReader.gone()) {
                readerLeft();
            }
        }
        return 0;
    }

    private void flushSink() throws IOException {
        if (readerGone) {
            return;
        }
        try {
            sink.flush();
        } catch (IOException e) {
            if (!(watchStdout && StdoutReader.gone())) {
                throw e;
            }
            readerLeft();
        }
    }

    /** The reader of stdout went away: stop writing, and count what a failed write or flush lost as not written. */
    private void readerLeft() {
        readerGone = true;
        long lost = sink.buffered();
        captured -= lost;
        notWritten += lost;
        err.println("netcap: the reader of stdout went away; stopping");
        err.flush();
    }

    private boolean countReached() {
        return request.limit() > 0 && captured >= request.limit();
    }

    private void emit(CaptureEvent e) {
        if (countReached()) {
            return;
        }
        if (readerGone) {
            notWritten++;
            return;
        }
        Hook hook = program.hooks().get(e.hook());
        List<String> stack = stacks == null ? List.of() : stacks.take(e.stackId());
        String reason = hook.hasReason() ? dropReasons.name(Integer.toUnsignedLong(e.reason())) : null;
        CapturedPacket p = new CapturedPacket(clock.toEpochNanos(e.monotonicNanos()), e.linkType(), e.wireLength(),
                e.data(), 0, e.data().length, hook.spec(), e.ifindex(), e.device(), e.netnsInode(), e.skb(), e.cpu(),
                stack, directions[e.hook()], reason, e.truncated());
        try {
            sink.write(p);
        } catch (IOException ex) {
            if (!(watchStdout && StdoutReader.gone())) {
                throw CaptureException.runtime("cannot write packet: " + ex.getMessage(), ex);
            }
            readerLeft();
            notWritten++;
            return;
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
            closer.run(() -> ExitSummary.print(err, captured, attached.counters(), reorderer.lateEvents(),
                    notWritten));
            closer.run(events::close);
        }
        closer.run(attached::close);
        closer.finish();
    }
}

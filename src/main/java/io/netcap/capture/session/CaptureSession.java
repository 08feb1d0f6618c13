package io.netcap.capture.session;

import io.netcap.capture.CaptureException;
import io.netcap.capture.StartupPhases;
import io.netcap.capture.extension.ExtensionDecoder;
import io.netcap.capture.gather.Gatherer;
import io.netcap.capture.kernel.KernelSymbols;
import io.netcap.capture.kernel.ReasonNames;
import io.netcap.capture.kernel.StackResolver;
import io.netcap.capture.program.CaptureEvent;
import io.netcap.capture.program.CaptureProgram;
import io.netcap.capture.program.Direction;
import io.netcap.capture.program.EventDecoder;
import io.netcap.capture.program.Hook;
import io.netcap.capture.program.KernelAbi;
import io.netcap.capture.program.PacketSource;
import io.netcap.pcap.CapturedPacket;
import io.netcap.pcap.PacketNote;
import io.netcap.pcap.PacketSink;
import io.netcap.pcap.PcapWriter;
import io.netcap.pcap.Sinks;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * One running capture: the attached program, its event stream (which puts the events in time
 * order), the clock and the sink. Closing it in any state (after an error, a signal, -c) detaches
 * every hook first, then drains what is left in the buffer, flushes and closes the sink, prints
 * the summary and unloads the program; each step is tried even when an earlier one failed.
 *
 * <p>When the output goes to stdout and its reader goes away ({@code netcap … | head}), the
 * capture ends the same way within one poll: found by poll(2) on stdout, or by a write failing.
 * Packets that could no longer be written are counted and said in the summary.
 */
final class CaptureSession implements AutoCloseable {
    /** Also the longest a packet waits in the kernel at low rates: the program wakes netcap only in batches. */
    private static final int POLL_MS = 50;

    private final AttachedProgram attached;
    private final CaptureProgram program;
    private final CaptureRequest request;
    private final PrintWriter err;
    private final PacketSink sink;
    private final WallClock clock = WallClock.calibrate();
    private final ReasonNames reasonNames;
    /** Each hook's direction ("in", "out" or null), by hook index: fixed per hook, not per packet. */
    private final String[] directions;
    /** Each hook's reason label (drop_reason...) or null, by hook index: looked up once, not per packet. */
    private final String[] reasonLabels;
    /** Whether packets (or -S stacks) go to stdout, so that its reader going away ends the capture. */
    private final boolean watchStdout;
    /** Set once the reader of stdout is gone: nothing more is written, later packets only counted. */
    private boolean readerGone;
    private long notWritten;
    private EventStream events;
    /** Whether the hooks were attached: the exit summary is for a capture that ran. */
    private boolean hooksAttached;
    private StackResolver stacks;
    private long captured;
    /** Of those, records the kernel marked cut short (it could not read every byte up to -s). */
    private long truncatedWritten;
    private boolean closed;
    /** The one process every hook is limited to (-p of netcap mbuf/raw), or -1. */
    private final long probedPid;
    /** With --gather: follows packets from the first hook; only what it hands out is written. */
    private final Gatherer gatherer;
    /**
     * The sink when it is a plain pcap file (or -w -) and nothing else is asked of a packet (no
     * --gather, -S stacks or --ext-action): then records go from the ring's bytes to the file
     * without becoming packet objects (see {@link #record}); null otherwise.
     */
    private final PcapWriter pcapOnly;
    private final EventDecoder decoder = new EventDecoder();

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
        this.reasonNames = ReasonNames.load(program.reasonEnums());
        this.probedPid = program.hooks().stream().mapToLong(h -> h.user() == null ? -1 : h.user().pid()).max().orElse(-1);
        this.directions = program.hooks().stream().map(h -> h.user() != null ? null : Direction.of(h.target()))
                .toArray(String[]::new);
        this.reasonLabels = program.hooks().stream().map(h -> h.hasReason() ? h.reason().label() : null)
                .toArray(String[]::new);
        this.gatherer = request.gather() == null ? null
                : new Gatherer(program.hooks().stream().map(Hook::spec).toList(), request.gather(), this::write);
        this.pcapOnly = sink instanceof PcapWriter w && gatherer == null && !request.config().stacks()
                && attached.extensionDecoder() == null ? w : null;
    }

    int run() throws IOException {
        // The buffer before the hooks: a perf event array has nowhere to put a CPU's records until
        // that CPU's perf event is open, so every packet in between was lost, and counted as lost
        // (hundreds with a large --ring-size, whose buffers take long to map; fresh-user review).
        events = EventStream.open(attached.object(), program.transport(), request.ringBytes(), this::record, this::emit);
        StartupPhases.mark("buffer");
        attached.attach(err);
        hooksAttached = true;
        StartupPhases.mark("attach", program.hooks().size() + (program.hooks().size() == 1 ? " hook" : " hooks"));
        if (request.config().stacks()) {
            stacks = new StackResolver(attached.object().map(KernelAbi.STACKS_MAP), KernelSymbols.load());
        }
        String startup = request.debug() ? StartupPhases.summary() : null;
        if (startup != null) {
            err.println("netcap: start-up: " + startup);
        }
        err.println("netcap: listening on " + attached.hookList()
                + ", capture size " + request.config().captureSize() + " bytes");
        err.flush();
        // Each poll reads a bounded amount, so a stop request is seen promptly under any load.
        while (!attached.stopRequested() && !countReached() && !readerGone) {
            events.pollAndRelease(POLL_MS);
            if (gatherer != null) {
                // losses first: a packet is declared not seen only once none of its events can have been lost
                gatherer.eventsLost(lostSoFar(), System.nanoTime());
                gatherer.advanceTo(events.completeThrough());
            }
            flushSink();
            if (Sinks.consumerGone(sink)) {
                break;
            }
            if (watchStdout && !readerGone && StdoutReader.gone()) {
                readerLeft();
            }
            if (probedProcessGone()) {
                break;
            }
        }
        return 0;
    }

    /**
     * Whether the process of -p (netcap mbuf/raw) has exited: nothing more can arrive, so the
     * capture ends as tcpdump's does when its device goes away, saying why; what the process
     * sent before it exited is drained and written by close().
     */
    private boolean probedProcessGone() {
        if (probedPid <= 0 || ProcessHandle.of(probedPid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        err.println("netcap: process " + probedPid + " has exited; stopping");
        err.flush();
        return true;
    }

    private void flushSink() throws IOException {
        if (readerGone) {
            return;
        }
        try {
            sink.flush();
        } catch (IOException e) {
            if (!(watchStdout && StdoutReader.gone())) {
                throw CaptureException.runtime(e.getMessage(), e); // worded for the user already
            }
            readerLeft();
        }
    }

    /**
     * Closes the sink; once the reader of stdout has gone, its last flush fails by nature (what it
     * held is already counted as not written), which is not an error of the run.
     */
    private void closeSink() throws IOException {
        try {
            sink.close();
        } catch (IOException e) {
            if (!readerGone) {
                // the writers word it for the user already ("cannot write F: reason; …")
                throw CaptureException.runtime(e.getMessage(), e);
            }
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

    /** A user-space packet's process, port and buffer; null at a kernel hook. */
    private static CapturedPacket.UserOrigin userOrigin(Hook hook, CaptureEvent e) {
        if (hook.user() == null) {
            return null;
        }
        boolean mbuf = hook.user().source() == PacketSource.MBUF;
        return new CapturedPacket.UserOrigin(e.pid(), mbuf ? e.ifindex() : -1, mbuf ? "mbuf" : "buffer", e.skb());
    }

    /** The --ext-action's fields, shown under the packet; none without an action. */
    private List<PacketNote> extensionNotes(CaptureEvent e) {
        ExtensionDecoder decoder = attached.extensionDecoder();
        return decoder == null || e.ext().length == 0 ? List.of() : List.of(decoder.note(e.ext()));
    }

    /**
     * A record from a ring buffer, released in time order ({@code size} bytes at {@code offset} of
     * {@code buffer}). Written to a plain pcap file from its bytes as they are: a packet object per
     * record was most of the reader's cost (async-profiler, 440k packets/s). Everything else
     * decodes it.
     */
    private void record(ByteBuffer buffer, int offset, int size) {
        if (pcapOnly == null || !buffer.hasArray() || !EventDecoder.whole(buffer, offset, size)) {
            emit(decoder.decode(buffer.position(offset), size));
            return;
        }
        if (!mayWrite()) {
            return;
        }
        boolean truncated = EventDecoder.truncated(buffer, offset);
        try {
            pcapOnly.write(clock.toEpochNanos(EventDecoder.time(buffer, offset)), EventDecoder.linkType(buffer, offset),
                    EventDecoder.wireLength(buffer, offset), buffer.array(),
                    buffer.arrayOffset() + EventDecoder.dataOffset(buffer, offset),
                    EventDecoder.capturedLength(buffer, offset));
        } catch (IOException ex) {
            writeFailed(ex);
            return;
        }
        written(truncated);
    }

    private void emit(CaptureEvent e) {
        if (countReached()) {
            return;
        }
        if (readerGone && gatherer == null) {
            notWritten++;
            return;
        }
        Hook hook = program.hooks().get(e.hook());
        List<String> stack = stacks == null ? List.of() : stacks.take(e.stackId());
        String label = reasonLabels[e.hook()];
        String reason = label != null ? reasonNames.name(hook.reason(), Integer.toUnsignedLong(e.reason())) : null;
        CapturedPacket p = new CapturedPacket(clock.toEpochNanos(e.monotonicNanos()), e.linkType(), e.wireLength(),
                e.data(), 0, e.data().length, hook.spec(), e.ifindex(), e.device(), e.netnsInode(), e.skb(), e.cpu(),
                stack, directions[e.hook()], label, reason, e.truncated(),
                userOrigin(hook, e), extensionNotes(e));
        if (gatherer != null) {
            gatherer.accept(e.monotonicNanos(), e.hook(), e.skb(), p);
        } else {
            write(p);
        }
    }

    /**
     * Hands one packet to the sink and counts it (with --gather: a followed packet, with its note).
     *
     * @return whether it was written (not past -c, nor after the reader of stdout went away)
     */
    private boolean write(CapturedPacket p) {
        if (!mayWrite()) {
            return false;
        }
        try {
            sink.write(p);
        } catch (IOException ex) {
            writeFailed(ex);
            return false;
        }
        written(p.truncated());
        return true;
    }

    /** Whether a packet may still be written: not past -c; after the reader of stdout went away, counted as not written. */
    private boolean mayWrite() {
        if (countReached()) {
            return false;
        }
        if (readerGone) {
            notWritten++;
            return false;
        }
        return true;
    }

    /** A write failed: the reader of stdout went away (the packet is counted as not written), or an error to report. */
    private void writeFailed(IOException ex) {
        if (!(watchStdout && StdoutReader.gone())) {
            String m = String.valueOf(ex.getMessage());
            throw CaptureException.runtime(m.startsWith("cannot write") ? m : "cannot write packet: " + m, ex);
        }
        readerLeft();
        notWritten++;
    }

    private void written(boolean truncated) {
        captured++;
        if (truncated) {
            truncatedWritten++;
        }
    }

    /** Events lost between kernel and user space so far, as the summary counts them. */
    private long lostSoFar() {
        return counters().lost();
    }

    /**
     * The program's counters, with the transport's own notices of dropped records where they say
     * more. Where bpf_perf_event_output reports a full buffer, the program counts each drop and
     * the kernel notes the same drops in the buffer (the last ones only if something is written
     * after them); where it does not, only the notices count them. So the larger count is the
     * closest to the truth, never an undercount of what either saw.
     */
    private KernelAbi.Counters counters() {
        KernelAbi.Counters c = attached.counters();
        long lost = Math.max(c.lost(), events.lostInTransit());
        return new KernelAbi.Counters(c.seen(), c.matched(), lost, c.unlocated(), c.partial(), c.skipped());
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
            closer.run(events::drainAll);
            if (gatherer != null) {
                // every event is in: what has not arrived by now did not arrive in time, or is unknown
                closer.run(() -> {
                    long now = System.nanoTime();
                    gatherer.eventsLost(lostSoFar(), now);
                    gatherer.finishAll(now);
                });
            }
        }
        closer.run(this::closeSink);
        if (events != null && hooksAttached) {
            closer.run(() -> ExitSummary.print(err, captured, counters(), events.lateEvents(), notWritten,
                    truncatedWritten));
            if (gatherer != null) {
                closer.run(() -> gatherer.stats().print(err));
            }
        }
        if (events != null) {
            closer.run(events::close);
        }
        closer.run(attached::close);
        closer.finish();
    }
}

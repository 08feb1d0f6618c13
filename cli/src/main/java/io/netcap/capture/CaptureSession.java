package io.netcap.capture;

import io.netcap.bpf.BpfLink;
import io.netcap.bpf.BpfObject;
import io.netcap.bpf.CaptureEvent;
import io.netcap.bpf.CaptureHook;
import io.netcap.bpf.CaptureProgram;
import io.netcap.cli.NetcapException;
import io.netcap.pcap.CapturedPacket;
import io.netcap.pcap.PacketSink;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * One running capture: the loaded program, its attached links, its event stream and the sink.
 * Closing it in any state (after an error, a signal, -c) detaches every link first, then drains
 * what is left in the buffer, flushes and closes the sink and prints the summary.
 */
final class CaptureSession implements AutoCloseable {
    /** Also the longest a packet waits in the kernel at low rates: the program wakes netcap only in batches. */
    private static final int POLL_MS = 50;
    /** Events from different CPUs are held this long to put them back in time order. */
    private static final long REORDER_WINDOW_NANOS = 20_000_000L;
    private static final int REORDER_MAX_HELD = 100_000;

    private final CaptureProgram program;
    private final CaptureSettings settings;
    private final PrintWriter err;
    private final BpfObject object;
    private final List<BpfLink> links = new ArrayList<>();
    private final EventReorderer reorderer = new EventReorderer(REORDER_WINDOW_NANOS, REORDER_MAX_HELD);
    private final WallClock clock = WallClock.calibrate();
    private final StopSignal stop = StopSignal.install();
    private final DropReasons dropReasons;
    /** Each hook's direction ("in", "out" or null), by hook index: fixed per hook, not per packet. */
    private final String[] directions;
    private EventStream events;
    private final PacketSink sink;
    private StackResolver stacks;
    private long captured;
    private boolean closed;

    /** Takes ownership of the loaded object and of the sink: both are closed with the session. */
    CaptureSession(CaptureProgram program, BpfObject object, CaptureSettings settings, PacketSink sink, PrintWriter err) {
        this.program = program;
        this.settings = settings;
        this.sink = sink;
        this.err = err;
        this.object = object;
        this.dropReasons = DropReasons.forHooks(program.hooks());
        this.directions = program.hooks().stream().map(h -> Direction.of(h.target())).toArray(String[]::new);
    }

    int run() throws IOException {
        ProgramLoader.attach(object, program, links);
        if (program.stacks()) {
            stacks = new StackResolver(object.map("netcap_stacks"), KernelSymbols.load());
        }
        events = EventStream.open(object, program.transport(), settings.ringSizeMiB() << 20,
                (buffer, size) -> reorderer.add(CaptureEvent.decode(buffer, size), this::emit));
        err.println("netcap: listening on " + CaptureRunner.hookList(program.hooks())
                + ", capture size " + program.captureSize() + " bytes");
        err.flush();
        while (!stop.requested() && !countReached()) {
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
        return settings.count() > 0 && captured >= settings.count();
    }

    private void emit(CaptureEvent e) {
        if (countReached()) {
            return;
        }
        CaptureHook hook = program.hooks().get(e.hook());
        List<String> stack = stacks == null ? List.of() : stacks.take(e.stackId());
        CapturedPacket p = new CapturedPacket(clock.toEpochNanos(e.monotonicNanos()), e.linkType(), e.wireLength(),
                e.data(), 0, e.data().length, hook.spec(), e.ifindex(), e.device(), e.netnsInode(), e.skb(), e.cpu(),
                stack, directions[e.hook()], dropReasons.nameAt(hook, Integer.toUnsignedLong(e.reason())));
        try {
            sink.write(p);
        } catch (IOException ex) {
            throw new NetcapException(NetcapException.RUNTIME, "cannot write packet: " + ex.getMessage(), ex);
        }
        captured++;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            for (int i = links.size() - 1; i >= 0; i--) {
                links.get(i).close();
            }
            links.clear();
            if (events != null) {
                events.drain();
                reorderer.releaseAll(this::emit);
            }
            sink.close();
            if (events != null) {
                Summary.print(err, captured, object.map("netcap_stats"), program.hooks().size());
            }
        } finally {
            if (events != null) {
                events.close();
            }
            object.close();
            stop.uninstall();
        }
    }
}

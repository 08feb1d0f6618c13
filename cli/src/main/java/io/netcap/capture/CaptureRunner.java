package io.netcap.capture;

import io.netcap.bpf.BpfObject;
import io.netcap.bpf.CaptureProgram;
import io.netcap.bpf.EventTransport;
import io.netcap.bpf.CaptureHook;
import io.netcap.bpf.CaptureProgramGenerator;
import io.netcap.pcap.PacketSink;
import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The capture pipeline from the user's request to packets on the way out: compile the filter,
 * resolve the hooks, generate and compile the eBPF program, then hand it to a
 * {@link CaptureSession} — or, with --dry-run, print what would be loaded.
 */
public final class CaptureRunner {
    private final CaptureSettings settings;
    private final PrintWriter out;
    private final PrintWriter err;

    public CaptureRunner(CaptureSettings settings, PrintWriter out, PrintWriter err) {
        this.settings = settings;
        this.out = out;
        this.err = err;
    }

    public int run(List<HookSpec> specs) throws Exception {
        ProgramPreparation.Prepared prepared = ProgramPreparation.prepare(settings, specs);
        CaptureProgram program = prepared.program();
        if (settings.dryRun()) {
            ProgramPreparation.printDryRun(out, CaptureProgramGenerator.generate(program), CaptureProgramGenerator.MAIN_FILE);
            return 0;
        }
        // The output opens first: an unwritable file or a missing tcpdump is reported before
        // the seconds spent compiling.
        PacketSink sink = Sinks.open(settings, out, err);
        CaptureSession session;
        try {
            ProgramLoader.Loaded loaded = ProgramLoader.load(program, specs, prepared.kprobes(),
                    CaptureProgramGenerator.MAIN_FILE, CaptureProgramGenerator::generate, "netcap",
                    object -> sizeRing(object, program, settings));
            session = new CaptureSession(loaded.program(), loaded.object(), settings, sink, err);
        } catch (RuntimeException e) {
            sink.close();
            throw e;
        }
        try (session) {
            return session.run();
        }
    }

    /** A ring buffer is sized before load; a perf buffer's size is chosen when it is opened. */
    private static void sizeRing(BpfObject object, CaptureProgram program, CaptureSettings settings) {
        if (program.transport() == EventTransport.RING_BUFFER) {
            object.map("netcap_events").setMaxEntries(settings.ringSizeMiB() << 20);
        }
    }

    static String hookList(List<CaptureHook> hooks) {
        return hooks.stream().map(CaptureHook::spec).collect(Collectors.joining(", "));
    }
}

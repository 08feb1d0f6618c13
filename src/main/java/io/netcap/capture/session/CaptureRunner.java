package io.netcap.capture.session;

import io.netcap.bpf.BpfObject;
import io.netcap.bpf.EventTransport;
import io.netcap.capture.CaptureException;
import io.netcap.capture.gather.GatherIdentity;
import io.netcap.capture.gather.GatherSettings;
import io.netcap.capture.program.CaptureProgram;
import io.netcap.capture.program.KernelAbi;
import io.netcap.capture.program.ProgramKind;
import io.netcap.capture.program.MbufLayoutChoice;
import io.netcap.capture.program.PacketSource;
import io.netcap.capture.program.ProgramConfig;
import io.netcap.capture.program.ProgramPreparation;
import io.netcap.pcap.OutputSpec;
import io.netcap.pcap.PacketSink;
import io.netcap.pcap.Sinks;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * netcap skb and dump from the user's request to packets on the way out: compile the filter,
 * resolve the hooks, open the output, generate, compile and load the eBPF program, then run a
 * {@link CaptureSession} — or, with --dry-run, print what would be loaded.
 */
public final class CaptureRunner {
    private CaptureRunner() {
    }

    /** @return the exit code (0); failures are {@link CaptureException}s */
    public static int run(CaptureRequest request, OutputSpec output, PrintWriter out, PrintWriter err) throws IOException {
        ProgramPreparation.Prepared prepared = ProgramPreparation.prepare(ProgramKind.CAPTURE, request.hooks(),
                request.expression(), request.transport(), request.dryRun(), request.debug(), err, request.extensions());
        ProgramConfig config = request.config();
        if (prepared.program().source() == PacketSource.MBUF && config.mbufLayout() == null) {
            config = config.forUserSpace(MbufLayoutChoice.choose(prepared.program(), err), config.userLinkType());
        }
        GatherSettings gather = request.gather();
        if (gather != null && gather.identity() != GatherIdentity.CONTENT) {
            // the later hooks take by address what the first took; by content alone there is no address to go by
            config = config.withFollow((int) Math.max(1, (gather.timeoutNanos() + 999_999) / 1_000_000));
        }
        if (request.dryRun()) {
            ProgramPreparation.printDryRun(out, prepared.program(), config);
            return 0;
        }
        // The output opens first: an unwritable file or a missing tcpdump is reported before
        // the seconds spent compiling.
        PacketSink sink = openSink(output, out, err);
        AttachedProgram attached;
        try {
            attached = AttachedProgram.load(prepared, config,
                    object -> {
                        sizeRing(object, prepared.program(), request.ringBytes());
                        if (gather != null) {
                            object.map(KernelAbi.FOLLOWED_MAP).setMaxEntries(2 * gather.bufferSize());
                        }
                    });
        } catch (RuntimeException e) {
            sink.close();
            throw e;
        }
        try (CaptureSession session = new CaptureSession(attached, request, sink, output.usesStdout(), err)) {
            SelectionCheck.warn(request.config(), err); // loaded, so root: the namespaces can be seen
            return session.run();
        }
    }

    private static PacketSink openSink(OutputSpec output, PrintWriter out, PrintWriter err) {
        try {
            return Sinks.open(output, out, err);
        } catch (IllegalArgumentException e) {
            throw CaptureException.usage("-t: " + e.getMessage());
        } catch (IOException e) {
            StopSignal.killedSpawnHelper(e.getMessage()).ifPresent(StopSignal::endBeforeCapture);
            // the writers and the display already word it as one line: "cannot write PATH: reason"
            throw CaptureException.runtime(e.getMessage(), e);
        }
    }

    /** A ring buffer is sized before load; a perf buffer's size is chosen when it is opened. */
    private static void sizeRing(BpfObject object, CaptureProgram program, int bytes) {
        if (program.transport() == EventTransport.RING_BUFFER) {
            object.map(KernelAbi.EVENTS_MAP).setMaxEntries(bytes);
        }
    }
}

package io.netcap.capture.session;

import io.netcap.bpf.BpfObject;
import io.netcap.bpf.KernelFeatures;
import io.netcap.capture.extension.ExtensionDecoder;
import io.netcap.capture.kernel.KernelLayout;
import io.netcap.capture.program.CaptureProgram;
import io.netcap.capture.program.Hook;
import io.netcap.capture.program.KernelAbi;
import io.netcap.capture.program.PacketReach;
import io.netcap.capture.program.ProgramConfig;
import io.netcap.capture.program.ProgramLoader;
import io.netcap.capture.program.ProgramPreparation;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The part of a session that capture and backtrace share: the program loaded (after any fentry
 * to kprobe fallback), attached to its hooks, its counters, and Ctrl-C/SIGTERM. It owns the BPF
 * object, which owns the links; closing detaches every hook, then unloads, best effort.
 */
final class AttachedProgram implements AutoCloseable {
    private final CaptureProgram program;
    private final BpfObject object;
    private final ExtensionDecoder extensionDecoder;
    private final StopSignal stop = StopSignal.install();
    private boolean closed;

    private AttachedProgram(CaptureProgram program, BpfObject object, ExtensionDecoder extensionDecoder) {
        this.program = program;
        this.object = object;
        this.extensionDecoder = extensionDecoder;
    }

    /** Compiles (or takes from the cache), configures and loads the program; attaches nothing yet. */
    static AttachedProgram load(ProgramPreparation.Prepared prepared, ProgramConfig config,
                                Consumer<BpfObject> configure) {
        ProgramLoader.Loaded loaded = ProgramLoader.load(prepared.program(), config, prepared.kprobes(), configure);
        return new AttachedProgram(loaded.program(), loaded.object(), loaded.decoder());
    }

    /** Attaches every hook, then says once (on err) for each hook that can read only part of each packet here. */
    void attach(java.io.PrintWriter err) {
        ProgramLoader.attach(object, program);
        boolean layout = program.readsFragmentsByLayout() && KernelLayout.addresses().isPresent();
        PacketReach.warnings(program, layout, KernelFeatures::hasSkbDynptr)
                .forEach(err::println);
    }

    /** Removes every hook: nothing new arrives after this. */
    void detach() {
        object.detachAll();
    }

    CaptureProgram program() {
        return program;
    }

    BpfObject object() {
        return object;
    }

    /** What shows the --ext-action's fields of each packet; null without an action. */
    ExtensionDecoder extensionDecoder() {
        return extensionDecoder;
    }

    boolean stopRequested() {
        return stop.requested();
    }

    KernelAbi.Counters counters() {
        return KernelAbi.readCounters(object.map(KernelAbi.STATS_MAP), program.hooks().size());
    }

    /**
     * The hooks as the "listening on" line names them; a user-space point with the file it was
     * found in (netcap takes the first file that defines a bare name) and the process, if one.
     */
    String hookList() {
        return program.hooks().stream().map(h -> h.user() == null ? h.spec()
                : h.spec() + " (" + h.user().binary() + (h.user().pid() > 0 ? ", pid " + h.user().pid() : "") + ")")
                .collect(Collectors.joining(", "));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            object.close();
        } finally {
            stop.uninstall();
        }
    }
}

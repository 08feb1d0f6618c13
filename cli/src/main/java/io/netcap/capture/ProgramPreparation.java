package io.netcap.capture;

import io.netcap.bpf.BpfLogging;
import io.netcap.bpf.CaptureHook;
import io.netcap.bpf.CaptureProgram;
import io.netcap.bpf.ClangCompiler;
import io.netcap.bpf.ClangException;
import io.netcap.bpf.EventTransport;
import io.netcap.bpf.KernelFeatures;
import io.netcap.bpf.Privileges;
import io.netcap.cli.NetcapException;
import io.netcap.filter.CompiledFilter;
import io.netcap.filter.FilterCompiler;
import io.netcap.filter.FilterException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The steps every kernel program of netcap goes through before it is loaded: compile the filter,
 * check privileges, resolve the hooks, and (after generation) compile the C or print it for
 * --dry-run. Shared by capture and backtrace.
 */
final class ProgramPreparation {
    private ProgramPreparation() {
    }

    /** A resolved program, and whether kprobes can attach here (for the fentry fallback). */
    record Prepared(CaptureProgram program, boolean kprobes) {
    }

    static Prepared prepare(CaptureSettings settings, List<HookSpec> specs) {
        BpfLogging.setDebug(settings.debug());
        CompiledFilter filter = compileFilter(settings.expression());
        if (!settings.dryRun() && !Privileges.isRoot()) {
            throw new NetcapException(NetcapException.RUNTIME,
                    "must run as root: loading eBPF programs needs CAP_BPF and CAP_PERFMON (--dry-run works as any user)");
        }
        if (!settings.dryRun()) {
            KernelLayout.prefetch(); // read while the program is compiled and loaded
        }
        HookResolver resolver = new HookResolver(TraceFs.open());
        List<CaptureHook> hooks = resolver.resolve(specs);
        return new Prepared(new CaptureProgram(hooks, filter, settings.captureSize(), settings.stacks(),
                settings.interfaceName(), settings.netns(), settings.skbDataOffset(), settings.fakeHeaders(),
                transport(settings)),
                resolver.hasKprobes());
    }

    /** --transport, or the ring buffer where the kernel has it (5.8+) and the perf buffer where not. */
    static EventTransport transport(CaptureSettings settings) {
        if (settings.transport() != null) {
            return settings.transport();
        }
        if (settings.dryRun() || KernelFeatures.supportsMapType(KernelFeatures.MAP_TYPE_RINGBUF)) {
            return EventTransport.RING_BUFFER;
        }
        return EventTransport.PERF_BUFFER;
    }

    static CompiledFilter compileFilter(String expression) {
        try {
            return FilterCompiler.compile(expression);
        } catch (FilterException e) {
            throw NetcapException.usage(e.getMessage());
        }
    }

    /** --dry-run: the generated main file and how it would be compiled. */
    static void printDryRun(PrintWriter out, Map<String, String> files, String mainFile) {
        out.println(files.get(mainFile));
        out.println("/* compiled with: " + String.join(" ", new ClangCompiler().commandLine(Path.of("SOURCE_DIR"),
                mainFile, Path.of(mainFile.replace(".c", ".o")))) + "\n * SOURCE_DIR holds "
                + String.join(", ", files.keySet()) + " */");
        out.flush();
    }

    static byte[] compile(Map<String, String> files, String mainFile) {
        try {
            return new ClangCompiler().compile(mainFile, files).object();
        } catch (ClangException e) {
            throw new NetcapException(NetcapException.RUNTIME, e.getMessage(), e);
        }
    }
}

package io.netcap.capture.program;

import io.netcap.bpf.BpfLogging;
import io.netcap.bpf.ClangCompiler;
import io.netcap.bpf.EventTransport;
import io.netcap.bpf.KernelFeatures;
import io.netcap.bpf.Privileges;
import io.netcap.capture.CaptureException;
import io.netcap.capture.StartupPhases;
import io.netcap.capture.extension.Extensions;
import io.netcap.capture.kernel.KernelLayout;
import io.netcap.capture.kernel.TraceFs;
import io.netcap.capture.user.UserTargets;
import io.netcap.filter.CompiledFilter;
import io.netcap.filter.FilterCompiler;
import io.netcap.filter.FilterException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The steps every kernel program of netcap goes through before it is loaded: compile the filter,
 * check privileges, resolve the hooks; and --dry-run's printing of the generated C. Shared by
 * capture and backtrace.
 */
public final class ProgramPreparation {
    private ProgramPreparation() {
    }

    /** A resolved program, and whether kprobes can attach here (for the fentry fallback). */
    public record Prepared(CaptureProgram program, boolean kprobes) {
    }

    /**
     * @param transport the user's --transport, or null to take the ring buffer where the kernel has it
     * @throws CaptureException a bad filter or hook (usage), not root (runtime)
     */
    public static Prepared prepare(ProgramKind kind, List<HookSpec> specs, String expression,
                                   EventTransport transport, boolean dryRun, boolean debug, PrintWriter err) {
        return prepare(kind, specs, expression, transport, dryRun, debug, err, Extensions.NONE);
    }

    /** As {@link #prepare(ProgramKind, List, String, EventTransport, boolean, boolean, PrintWriter)}, with the user's C. */
    public static Prepared prepare(ProgramKind kind, List<HookSpec> specs, String expression,
                                   EventTransport transport, boolean dryRun, boolean debug, PrintWriter err,
                                   Extensions extensions) {
        BpfLogging.setDebug(debug);
        StartupPhases.mark("options");
        CompiledFilter filter = compileFilter(expression, err);
        StartupPhases.mark("filter");
        if (!dryRun && !Privileges.isRoot()) {
            throw CaptureException.runtime(
                    "must run as root: loading eBPF programs needs CAP_BPF and CAP_PERFMON (--dry-run works as any user)");
        }
        if (specs.stream().anyMatch(s -> s.kind().isUserSpace())) {
            List<Hook> hooks = new UserHookResolver(new UserTargets(), err).resolve(specs);
            StartupPhases.mark("hooks");
            return new Prepared(new CaptureProgram(kind, hooks, filter, transport(transport, dryRun), false,
                    extensions), false);
        }
        HookResolver resolver = new HookResolver(TraceFs.open());
        List<Hook> hooks = resolver.resolve(specs);
        StartupPhases.mark("hooks");
        // only BTF-typed hooks can call the kfunc: tracepoint-only programs skip the BTF lookup
        boolean btfTyped = hooks.stream().anyMatch(h -> h.kind().btfTyped());
        boolean skbDynptr = btfTyped && KernelFeatures.hasSkbDynptr();
        boolean directLoads = btfTyped && KernelFeatures.hasRdonlyCast();
        CaptureProgram program = new CaptureProgram(kind, hooks, filter, transport(transport, dryRun), skbDynptr,
                extensions, directLoads);
        if (!dryRun && program.readsFragmentsByLayout()) {
            KernelLayout.prefetch(); // read while the program is compiled and loaded
        }
        return new Prepared(program, resolver.hasKprobes());
    }

    /** --transport, or the ring buffer where the kernel has it (5.8+) and the perf buffer where not. */
    static EventTransport transport(EventTransport chosen, boolean dryRun) {
        if (chosen != null) {
            return chosen;
        }
        if (dryRun || KernelFeatures.supportsMapType(KernelFeatures.MAP_TYPE_RINGBUF)) {
            return EventTransport.RING_BUFFER;
        }
        return EventTransport.PERF_BUFFER;
    }

    /** How long a filter compiles before netcap says that it still is. */
    static final long SLOW_FILTER_MILLIS = 3000;

    static CompiledFilter compileFilter(String expression) {
        return compileFilter(expression, null);
    }

    /**
     * Compiles the filter; when that takes longer than {@link #SLOW_FILTER_MILLIS} (libpcap's
     * optimiser grows much faster than the expression: a minute for a thousand host terms,
     * measured), says once on err that it is still at it, so a long silence is not taken for a hang.
     */
    static CompiledFilter compileFilter(String expression, PrintWriter err) {
        return compileFilter(expression, err, SLOW_FILTER_MILLIS);
    }

    static CompiledFilter compileFilter(String expression, PrintWriter err, long noticeAfterMillis) {
        java.util.Timer timer = null;
        if (err != null) {
            timer = new java.util.Timer("slow-filter-notice", true);
            timer.schedule(new java.util.TimerTask() {
                @Override
                public void run() {
                    err.println("netcap: still compiling the filter (libpcap's optimiser is slow on long expressions;"
                            + " Ctrl-C stops)");
                    err.flush();
                }
            }, noticeAfterMillis);
        }
        try {
            return FilterCompiler.compile(expression);
        } catch (FilterException e) {
            throw CaptureException.usage(e.getMessage());
        } finally {
            if (timer != null) {
                timer.cancel();
            }
        }
    }

    /** --dry-run: the generated main file and how it would be compiled. */
    public static void printDryRun(PrintWriter out, CaptureProgram program, ProgramConfig config) {
        Map<String, String> files = ProgramGenerator.generate(program);
        String mainFile = program.kind().mainFile();
        out.println(files.get(mainFile));
        out.println("/* compiled with: " + String.join(" ", new ClangCompiler().commandLine(Path.of("SOURCE_DIR"),
                mainFile, Path.of(mainFile.replace(".c", ".o")))) + "\n * SOURCE_DIR holds "
                + String.join(", ", files.keySet()) + "\n * written into .rodata before load: " + KernelAbi.describeConfig(config, program.filter().readExtent()) + " */");
        out.flush();
    }
}

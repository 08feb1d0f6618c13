package io.netcap.capture;

import io.netcap.bpf.CaptureHook;
import io.netcap.bpf.CaptureProgram;
import io.netcap.bpf.CaptureProgramGenerator;
import io.netcap.bpf.ClangCompiler;
import io.netcap.bpf.ClangException;
import io.netcap.bpf.BpfLogging;
import io.netcap.bpf.Privileges;
import io.netcap.cli.NetcapException;
import io.netcap.filter.CompiledFilter;
import io.netcap.filter.FilterCompiler;
import io.netcap.filter.FilterException;
import io.netcap.pcap.PacketSink;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
        BpfLogging.setDebug(settings.debug());
        CompiledFilter filter = compileFilter(settings.expression());
        boolean root = Privileges.isRoot();
        if (!settings.dryRun() && !root) {
            throw new NetcapException(NetcapException.RUNTIME,
                    "must run as root: loading eBPF programs needs CAP_BPF and CAP_PERFMON (--dry-run works as any user)");
        }
        List<CaptureHook> hooks = new HookResolver(TraceFs.open()).resolve(specs);
        CaptureProgram program = new CaptureProgram(hooks, filter, settings.captureSize(), settings.stacks(),
                settings.interfaceName());
        Map<String, String> files = CaptureProgramGenerator.generate(program);
        ClangCompiler clang = new ClangCompiler();
        if (settings.dryRun()) {
            out.println(files.get(CaptureProgramGenerator.MAIN_FILE));
            out.println("/* compiled with: " + String.join(" ", clang.commandLine(Path.of("SOURCE_DIR"),
                    CaptureProgramGenerator.MAIN_FILE, Path.of("capture.bpf.o"))) + "\n * SOURCE_DIR holds "
                    + String.join(", ", files.keySet()) + " */");
            out.flush();
            return 0;
        }
        // The output opens first: an unwritable file or a missing tcpdump is reported before
        // the seconds spent compiling.
        PacketSink sink = Sinks.open(settings, out, err);
        CaptureSession session;
        try {
            byte[] object = compile(clang, files);
            session = new CaptureSession(program, object, settings, sink, err);
        } catch (RuntimeException e) {
            sink.close();
            throw e;
        }
        try (session) {
            return session.run();
        }
    }

    private static byte[] compile(ClangCompiler clang, Map<String, String> files) {
        try {
            return clang.compile(CaptureProgramGenerator.MAIN_FILE, files).object();
        } catch (ClangException e) {
            throw new NetcapException(NetcapException.RUNTIME, e.getMessage(), e);
        }
    }

    static CompiledFilter compileFilter(String expression) {
        try {
            return FilterCompiler.compile(expression);
        } catch (FilterException e) {
            throw NetcapException.usage(e.getMessage());
        }
    }

    static String hookList(List<CaptureHook> hooks) {
        return hooks.stream().map(CaptureHook::spec).collect(Collectors.joining(", "));
    }
}

package io.netcap.capture.program;

import io.netcap.bpf.EventTransport;
import io.netcap.capture.extension.ExtensionSource;
import io.netcap.capture.extension.Extensions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fills capture.bpf.c or backtrace.bpf.c and the per-hook templates. The output is a set of
 * files (the main C file and the headers it includes) ready for ClangCompiler. It depends only
 * on the {@link CaptureProgram}: the hooks, the filter and the transport; run-time settings are
 * not in the text ({@link ProgramConfig}), so changing them reuses the cached object.
 */
public final class ProgramGenerator {
    private static final String[] HEADERS = {"netcap_event.h", "netcap_kernel.h", "netcap_packet.h", "netcap_user.h",
        "netcap_ext.h"};

    private ProgramGenerator() {
    }

    /** The program's files: file name to text, the main file first. */
    public static Map<String, String> generate(CaptureProgram program) {
        StringBuilder hooks = new StringBuilder();
        for (Hook hook : program.hooks()) {
            hooks.append(hookSource(hook, program.kind().handler()));
        }
        Map<String, String> slots = new LinkedHashMap<>();
        slots.put("HOOK_COUNT", Integer.toString(program.hooks().size()));
        if (program.kind() == ProgramKind.CAPTURE) {
            slots.put("PERF_EVENTS", program.transport() == EventTransport.PERF_BUFFER ? "1" : "0");
            slots.put("USER_SOURCE", Integer.toString(switch (program.source()) {
                case SKB -> 0;
                case MBUF -> 1;
                case RAW -> 2;
            }));
            slots.put("USDT", program.hooks().stream().anyMatch(h -> h.kind() == HookKind.USDT) ? "1" : "0");
            Extensions ext = program.extensions();
            slots.put("VMLINUX", ext.any() ? "1" : "0");
            slots.put("EXT_FILTER", ext.filter() != null ? "1" : "0");
            slots.put("EXT_ACTION", ext.action() != null ? "1" : "0");
            slots.put("EXT_FILTER_FN", ext.filter() != null ? ext.filter().function() : "netcap_no_ext_filter");
            slots.put("EXT_ACTION_FN", ext.action() != null ? ext.action().function() : "netcap_no_ext_action");
            StringBuilder includes = new StringBuilder();
            for (ExtensionSource source : ext.sources()) {
                includes.append("#include \"").append(source.kind().generatedFile()).append("\" /* ")
                        .append(source.kind().option()).append(" */\n");
            }
            slots.put("EXT_SOURCES", includes.toString());
        }
        slots.put("SKB_DYNPTR", program.skbDynptr() ? "1" : "0");
        slots.put("DIRECT_LOADS", program.directLoads() ? "1" : "0");
        slots.put("FILTER_FUNCTIONS", program.filter().cSource());
        slots.put("FILTER_L2", program.filter().l2Function());
        slots.put("FILTER_L3", program.filter().l3Function());
        slots.put("HOOK_PROGRAMS", hooks.toString());
        Map<String, String> files = new LinkedHashMap<>();
        files.put(program.kind().mainFile(), SourceTemplate.resource(program.kind().mainFile()).fill(slots));
        for (String header : HEADERS) {
            files.put(header, SourceTemplate.readResource(header));
        }
        for (ExtensionSource source : program.extensions().sources()) {
            files.put(source.kind().generatedFile(), source.generatedText());
        }
        if (program.extensions().any()) {
            files.put("vmlinux.h", VmlinuxHeader.text());
        }
        return files;
    }

    static String hookSource(Hook hook) {
        return hookSource(hook, ProgramKind.CAPTURE.handler());
    }

    static String hookSource(Hook hook, String handler) {
        Map<String, String> slots = new LinkedHashMap<>();
        slots.put("HANDLER", handler);
        slots.put("HOOK_INDEX", Integer.toString(hook.index()));
        slots.put("PROGRAM", hook.programName());
        switch (hook.kind()) {
            case TRACEPOINT -> {
                slots.put("EVENT", cIdentifier(hook.target()));
                slots.put("CATEGORY", cIdentifier(hook.category()));
                slots.put("SKB_OFFSET", Integer.toString(hook.skbLocation()));
                slots.put("REASON_OFFSET", Integer.toString(hook.reasonLocation()));
            }
            case TP_BTF, RAW_TP -> {
                slots.put("EVENT", cIdentifier(hook.target()));
                slots.put("SKB_ARG", Integer.toString(hook.skbLocation()));
                slots.put("REASON_ARG", Integer.toString(hook.reasonLocation()));
                slots.put("EXT_ARG", Integer.toString(hook.extLocation()));
            }
            case KPROBE, FENTRY -> {
                slots.put("FUNCTION", functionName(hook.target()));
                slots.put("SKB_ARG", Integer.toString(hook.skbLocation()));
                slots.put("REASON_ARG", Integer.toString(hook.reasonLocation()));
                slots.put("EXT_ARG", Integer.toString(hook.extLocation()));
            }
            case UPROBE, USDT -> {
                // the binary and the function or probe are given at attach, not in SEC(): one
                // object serves every binary
                UserProbe user = hook.user();
                slots.put("HANDLER", user.array() ? "netcap_capture_user_array" : "netcap_capture_user");
                slots.put("POINTER_ARG", Integer.toString(hook.skbLocation()));
                if (hook.kind() == HookKind.UPROBE) {
                    slots.put("SECOND", user.secondArg() == 0 ? "0"
                            : "(__u32)NETCAP_UPROBE_ARG_" + (user.secondArg() - 1) + "(ctx)");
                } else {
                    slots.put("SECOND_ARG", Integer.toString(user.secondArg() - 1));
                }
            }
            case FUNCTION -> throw new IllegalArgumentException("unresolved hook " + hook.spec());
        }
        return SourceTemplate.resource("hook_" + hook.kind().prefix() + ".bpf.c.in").fill(slots);
    }

    /**
     * Tracepoint categories and events are C identifiers in the kernel; anything else cannot be a
     * real hook and must not reach a SEC() string.
     */
    static String cIdentifier(String s) {
        if (!s.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("not a kernel identifier: \"" + s + "\"");
        }
        return s;
    }

    /** Kernel function names, with compiler suffixes such as .isra.0 allowed (they only reach SEC()). */
    static String functionName(String s) {
        if (!s.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)*")) {
            throw new IllegalArgumentException("not a kernel function name: \"" + s + "\"");
        }
        return s;
    }
}

package io.netcap.bpf;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fills capture.bpf.c and the per-hook templates. The output is a set of files (the main C file
 * and the headers it includes) ready for {@link ClangCompiler}.
 */
public final class CaptureProgramGenerator {
    public static final String MAIN_FILE = "capture.bpf.c";
    public static final String BACKTRACE_FILE = "backtrace.bpf.c";
    private static final String CAPTURE_HANDLER = "netcap_capture";
    private static final String BACKTRACE_HANDLER = "netcap_count";
    private static final String[] HEADERS = {"netcap_event.h", "netcap_kernel.h", "netcap_packet.h"};

    private CaptureProgramGenerator() {
    }

    /** The capture program (capture.bpf.c): file name → text, the main file first. */
    public static Map<String, String> generate(CaptureProgram program) {
        Map<String, String> slots = commonSlots(program, CAPTURE_HANDLER);
        slots.put("CAPTURE_SIZE", Integer.toString(program.captureSize()));
        slots.put("STACKS", program.stacks() ? "1" : "0");
        slots.put("PERF_EVENTS", program.transport() == EventTransport.PERF_BUFFER ? "1" : "0");
        return files(MAIN_FILE, slots);
    }

    /** The backtrace program (backtrace.bpf.c), which counts stacks in the kernel instead of sending packets. */
    public static Map<String, String> generateBacktrace(CaptureProgram program) {
        return files(BACKTRACE_FILE, commonSlots(program, BACKTRACE_HANDLER));
    }

    private static Map<String, String> commonSlots(CaptureProgram program, String handler) {
        StringBuilder hooks = new StringBuilder();
        for (CaptureHook hook : program.hooks()) {
            hooks.append(hookSource(hook, handler));
        }
        Map<String, String> slots = new LinkedHashMap<>();
        slots.put("COPY_SIZE", Integer.toString(program.copySize()));
        slots.put("HOOK_COUNT", Integer.toString(program.hooks().size()));
        slots.put("IFNAME_SET", program.interfaceName() != null ? "1" : "0");
        slots.put("IFNAME_BYTES", byteInitializer(program.interfaceName()));
        slots.put("NETNS", Long.toString(program.netns()) + "U");
        slots.put("SKB_DATA", program.skbDataOffset() != null ? "1" : "0");
        slots.put("SKB_DATA_OFFSET", Integer.toString(program.skbDataOffset() == null ? 0 : program.skbDataOffset()));
        slots.put("SKB_DATA_LINK", "NETCAP_LINKTYPE_RAW");
        slots.put("FAKE_HDR", program.fakeHeaders() ? "1" : "0");
        slots.put("FILTER_FUNCTIONS", program.filter().cSource());
        slots.put("FILTER_L2", program.filter().l2Function());
        slots.put("FILTER_L3", program.filter().l3Function());
        slots.put("HOOK_PROGRAMS", hooks.toString());
        return slots;
    }

    private static Map<String, String> files(String mainFile, Map<String, String> slots) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(mainFile, SourceTemplate.resource(mainFile).fill(slots));
        for (String header : HEADERS) {
            files.put(header, SourceTemplate.readResource(header));
        }
        return files;
    }

    static String hookSource(CaptureHook hook) {
        return hookSource(hook, CAPTURE_HANDLER);
    }

    static String hookSource(CaptureHook hook, String handler) {
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
            }
            case KPROBE, FENTRY -> {
                slots.put("FUNCTION", functionName(hook.target()));
                slots.put("SKB_ARG", Integer.toString(hook.skbLocation()));
                slots.put("REASON_ARG", Integer.toString(hook.reasonLocation()));
            }
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

    /** A C initializer of NETCAP_DEVNAME_LEN bytes, as hex so no name can break out of the literal. */
    static String byteInitializer(String name) {
        StringBuilder b = new StringBuilder("{");
        byte[] bytes = name == null ? new byte[0] : name.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            b.append(i == 0 ? "" : ", ").append(String.format("0x%02x", bytes[i] & 0xff));
        }
        if (bytes.length == 0) {
            b.append('0');
        }
        return b.append('}').toString();
    }
}

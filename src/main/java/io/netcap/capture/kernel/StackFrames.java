package io.netcap.capture.kernel;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A stack recorded from a BPF program starts inside BPF's own machinery (the program, the
 * trampoline, bpf_trace_run*) before it reaches the kernel code that was hooked. Those frames
 * say nothing about the packet, so they are dropped from the innermost end.
 */
final class StackFrames {
    private static final Pattern BPF_FRAME = Pattern.compile(
            "^(bpf_prog_\\w*.*|bpf_trampoline_\\w*.*|bpf_trace_run\\d+|__bpf_trace_\\w+|__traceiter_\\w+|__bpf_prog_enter\\w*|"
                    + "__bpf_prog_exit\\w*|bpf_get_stackid\\w*|trace_call_bpf|perf_trace_\\w+|perf_call_bpf_\\w+|"
                    + "kprobe_perf_func|kprobe_dispatcher|bpf_dispatcher_\\w+)(\\+0x[0-9a-f]+)?$");

    private StackFrames() {
    }

    /** Innermost-first frames without the BPF frames at the innermost end. */
    static List<String> withoutBpfFrames(List<String> frames) {
        int first = 0;
        while (first < frames.size() && BPF_FRAME.matcher(frames.get(first)).matches()) {
            first++;
        }
        return first == 0 ? frames : List.copyOf(frames.subList(first, frames.size()));
    }
}

package io.netcap.capture.program;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * How much of each packet a hook can read on this kernel. Bytes past an skb's linear part sit in
 * page fragments (TCP payloads, GSO and GRO packets, frames sent from a PACKET_TX_RING, NICs that
 * split headers) or in further skbs on its frag_list. A BTF-typed hook (tp_btf, fentry) reads
 * them all through the kfunc bpf_dynptr_from_skb where the kernel allows it (6.3+, tracing
 * programs on the kernels that permit it); every hook kind can also follow the fragments' struct
 * pages when /proc/kallsyms gives page_offset_base and vmemmap_base (CONFIG_KALLSYMS_ALL).
 * Without either, a hook reads only the linear part: such records are cut and marked truncated.
 */
public final class PacketReach {
    private PacketReach() {
    }

    /**
     * @param skbDynptr      whether the loaded program uses bpf_dynptr_from_skb on BTF-typed hooks
     * @param kallsymsLayout whether page_offset_base and vmemmap_base were found in /proc/kallsyms
     */
    public static boolean whole(HookKind kind, boolean skbDynptr, boolean kallsymsLayout) {
        return kallsymsLayout || (skbDynptr && kind.btfTyped());
    }

    /**
     * Two warning lines per hook of the loaded program that can read only linear parts here, each
     * pair naming the hook to use instead where there is one. Empty when every hook reads whole packets.
     *
     * @param kernelHasSkbDynptr asked only when a hook needs a suggestion: whether the kernel has
     *                           the kfunc at all (a tracepoint-only program never asked for it)
     */
    public static List<String> warnings(CaptureProgram program, boolean kallsymsLayout,
                                        BooleanSupplier kernelHasSkbDynptr) {
        List<String> lines = new ArrayList<>();
        for (Hook hook : program.hooks()) {
            if (hook.user() != null || whole(hook.kind(), program.skbDynptr(), kallsymsLayout)) {
                // a user-space buffer is plain process memory: always read whole
                continue;
            }
            String why = hook.kind().btfTyped()
                    ? "this kernel does not let it call bpf_dynptr_from_skb"
                    : "a " + hook.kind().prefix() + " program cannot call bpf_dynptr_from_skb";
            lines.add("netcap: warning: " + hook.spec() + " can read only the linear part of each packet on this kernel ("
                    + why + ", and /proc/kallsyms lists no page_offset_base)");
            lines.add("netcap: warning: bytes in page fragments are cut there: such records are marked truncated and the"
                    + " filter sees only what was read" + instead(hook, !hook.kind().btfTyped() && kernelHasSkbDynptr.getAsBoolean()));
        }
        return lines;
    }

    private static String instead(Hook hook, boolean kernelHasSkbDynptr) {
        if (!kernelHasSkbDynptr) {
            return "";
        }
        return switch (hook.kind()) {
            case TRACEPOINT, RAW_TP -> "; use tp_btf:" + hook.target() + " for whole packets";
            case KPROBE -> "; use fentry:" + hook.target() + " for whole packets where fentry works";
            default -> "";
        };
    }
}

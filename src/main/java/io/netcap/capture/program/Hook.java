package io.netcap.capture.program;

import io.netcap.capture.kernel.ReasonEnum;
import java.util.Objects;

/**
 * One resolved place to capture at: the kind of BPF program, what it attaches to, and where the
 * skb (and the reason, where there is one) is found. {@link HookResolver} builds it from a
 * {@link HookSpec} (tracefs formats, BTF); this is what the generator and the loader need.
 *
 * @param index       position in the -f list; the kernel tags each event with it
 * @param spec        the hook as the user should see it, e.g. {@code tracepoint:net:netif_receive_skb}
 * @param kind        the BPF program kind; never {@link HookKind#FUNCTION}
 * @param category    tracepoint category (TRACEPOINT only), else null
 * @param target      tracepoint event or kernel function name
 * @param skbLocation TRACEPOINT: byte offset of the skb pointer in the record; others: 0-based argument
 *                    (at most 4 for KPROBE: the arguments passed in registers)
 * @param reasonLocation like skbLocation for the reason, or -1 when the hook has none
 * @param reason      the enum the reason is declared with (a drop reason, a reset reason...), which
 *                    decides how its value is named; null exactly when reasonLocation is -1
 * @param kprobeFallback an fentry hook the user wrote as a plain function: if the kernel refuses
 *                    fentry, the loader retries it as a kprobe
 * @param user        for {@link HookKind#UPROBE} and {@link HookKind#USDT}: the binary, the
 *                    packet's source and second argument; then target is the function or USDT
 *                    probe name and skbLocation the 0-based argument holding the packet. Null for
 *                    kernel hooks.
 * @param extLocation 0-based argument handed to the user's extensions as {@code ext} (-f HOOK@S@E), or -1
 *                    for none (then ext is NULL); never at a classic tracepoint or a user-space hook
 */
public record Hook(int index, String spec, HookKind kind, String category, String target,
                   int skbLocation, int reasonLocation, ReasonEnum reason, boolean kprobeFallback, UserProbe user,
                   int extLocation) {
    /** Registers that carry arguments on x86-64 (rdi, rsi, rdx, rcx, r8, r9). */
    public static final int UPROBE_ARGS = 6;
    /** Arguments libbpf's bpf_usdt_arg() reads (BPF_USDT_MAX_ARG_CNT). */
    public static final int USDT_ARGS = 12;

    public Hook {
        Objects.requireNonNull(spec);
        Objects.requireNonNull(kind);
        Objects.requireNonNull(target);
        if (!kind.attachable()) {
            throw new IllegalArgumentException("unresolved hook kind " + kind + ": " + spec);
        }
        if (index < 0 || skbLocation < 0) {
            throw new IllegalArgumentException("bad hook " + spec);
        }
        if ((reasonLocation >= 0) != (reason != null)) {
            throw new IllegalArgumentException("a reason needs both a location and an enum: " + spec);
        }
        if (kind == HookKind.KPROBE && (skbLocation > 4 || reasonLocation > 4)) {
            throw new IllegalArgumentException("kprobe hooks can read arguments 1..5 only: " + spec);
        }
        if (kind == HookKind.TRACEPOINT && category == null) {
            throw new IllegalArgumentException("tracepoint hook without a category: " + spec);
        }
        if (kprobeFallback && kind != HookKind.FENTRY) {
            throw new IllegalArgumentException("only fentry hooks fall back to kprobes: " + spec);
        }
        if (kind.isUserSpace() != (user != null) || (user != null && user.binary() == null)) {
            throw new IllegalArgumentException("a user-space hook needs its resolved binary, a kernel hook none: " + spec);
        }
        if (extLocation < -1 || (extLocation >= 0 && (kind == HookKind.TRACEPOINT || user != null))) {
            throw new IllegalArgumentException("no extra argument at a classic tracepoint or user-space hook: " + spec);
        }
        if (kind == HookKind.KPROBE && extLocation > 4) {
            throw new IllegalArgumentException("kprobe hooks can read arguments 1..5 only: " + spec);
        }
        int maxArgs = kind == HookKind.UPROBE ? UPROBE_ARGS : USDT_ARGS;
        if (user != null && (skbLocation >= maxArgs || user.secondArg() > maxArgs)) {
            throw new IllegalArgumentException(kind.prefix() + " hooks read arguments 1.." + maxArgs + " only: " + spec);
        }
    }

    /** A kernel hook without an extra argument. */
    public Hook(int index, String spec, HookKind kind, String category, String target,
                int skbLocation, int reasonLocation, ReasonEnum reason, boolean kprobeFallback) {
        this(index, spec, kind, category, target, skbLocation, reasonLocation, reason, kprobeFallback, null, -1);
    }

    /** A user-space hook (uprobe or USDT) at a resolved binary; the packet is in 1-based argument pointerArg. */
    public static Hook user(int index, String spec, HookKind kind, String target, int pointerArg, UserProbe user) {
        return new Hook(index, spec, kind, null, target, pointerArg - 1, -1, null, false, user, -1);
    }

    /** A hook without a reason that does not fall back. */
    public Hook(int index, String spec, HookKind kind, String category, String target, int skbLocation) {
        this(index, spec, kind, category, target, skbLocation, -1, null, false);
    }

    /** A hook with a reason that does not fall back. */
    public Hook(int index, String spec, HookKind kind, String category, String target, int skbLocation,
                int reasonLocation, ReasonEnum reason) {
        this(index, spec, kind, category, target, skbLocation, reasonLocation, reason, false);
    }

    /** The same function hook as a kprobe, for kernels that refuse fentry. */
    public Hook asKprobe() {
        if (kind != HookKind.FENTRY && kind != HookKind.KPROBE) {
            throw new IllegalStateException("not a function hook: " + spec);
        }
        return new Hook(index, "kprobe:" + target + "@" + (skbLocation + 1) + extSuffix(), HookKind.KPROBE, null,
                target, skbLocation, reasonLocation, reason, false, null, extLocation);
    }

    /** "@E" (1-based) when the hook hands an extra argument to the extensions, else "": for the -f text shown. */
    public String extSuffix() {
        return extLocation >= 0 ? "@" + (extLocation + 1) : "";
    }

    /** Whether the hook reports a reason (see {@link #reason()} for which kind). */
    public boolean hasReason() {
        return reasonLocation >= 0;
    }

    /** The BPF program's name; the kernel keeps 15 characters, so it stays short. */
    public String programName() {
        return "netcap_hook_" + index;
    }
}

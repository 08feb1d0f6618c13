package io.netcap.capture.program;

/**
 * The kinds of place netcap attaches to, from what the user writes in -f to the BPF program
 * that is loaded. One model for both stages: {@link HookSpec} (as written) may say
 * {@link #FUNCTION}, "a kernel function, however this kernel can hook it"; a resolved
 * {@link Hook} is always one kind of BPF program.
 *
 * <p>The kernel kinds hand the program an sk_buff ({@link PacketSource#SKB}); the user-space
 * kinds ({@link #UPROBE}, {@link #USDT}) a DPDK mbuf or a raw buffer (netcap mbuf, netcap raw).
 */
public enum HookKind {
    /** A classic tracepoint: the skb is a field of its record, found in tracefs. */
    TRACEPOINT("tracepoint", false),
    /** A tracepoint through BTF: typed arguments, plain loads (tp_btf/EVENT). */
    TP_BTF("tp_btf", true),
    /** A raw tracepoint: untyped arguments, every read a helper call. */
    RAW_TP("raw_tp", false),
    /** As written only: a kernel function, resolved to {@link #FENTRY} or {@link #KPROBE}. */
    FUNCTION("", true),
    /** A kernel function through BTF (fentry/FUNC): typed arguments, plain loads. */
    FENTRY("fentry", true),
    /** A kernel function through a kprobe: arguments in registers, every read a helper call. */
    KPROBE("kprobe", false),
    /** A function of a user-space program or shared library: arguments in registers. */
    UPROBE("uprobe", false),
    /** A USDT probe (a .note.stapsdt entry) of a user-space program: arguments as its note describes. */
    USDT("usdt", false);

    private final String prefix;
    private final boolean btfTyped;

    HookKind(String prefix, boolean btfTyped) {
        this.prefix = prefix;
        this.btfTyped = btfTyped;
    }

    /** The -f prefix and the SEC() prefix; empty for {@link #FUNCTION}. */
    public String prefix() {
        return prefix;
    }

    /** Whether the program gets the skb as a BTF-typed pointer, so it may read it with plain loads. */
    public boolean btfTyped() {
        return btfTyped;
    }

    public boolean isFunction() {
        return this == FUNCTION || this == FENTRY || this == KPROBE;
    }

    /** Whether the hook is in a user-space process (netcap mbuf, netcap raw) rather than the kernel. */
    public boolean isUserSpace() {
        return this == UPROBE || this == USDT;
    }

    /** Whether a BPF program of exactly this kind exists (every kind but {@link #FUNCTION}). */
    public boolean attachable() {
        return this != FUNCTION;
    }
}

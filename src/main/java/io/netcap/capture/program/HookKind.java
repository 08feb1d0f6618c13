package io.netcap.capture.program;

/**
 * The kinds of place netcap attaches to, from what the user writes in -f to the BPF program
 * that is loaded. One model for both stages: {@link HookSpec} (as written) may say
 * {@link #FUNCTION}, "a kernel function, however this kernel can hook it"; a resolved
 * {@link Hook} is always one kind of BPF program.
 *
 * <p>Every kind today hands the program an sk_buff ({@link PacketSource#SKB}); the user-space
 * kinds (uprobe and USDT, for DPDK mbufs and raw buffers) join this list with netcap mbuf/raw.
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
    KPROBE("kprobe", false);

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

    /** Whether a BPF program of exactly this kind exists (every kind but {@link #FUNCTION}). */
    public boolean attachable() {
        return this != FUNCTION;
    }
}

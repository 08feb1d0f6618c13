package io.netcap.bpf;

import java.util.Objects;

/**
 * One resolved place to capture at: the kind of BPF program, what it attaches to, and where the
 * skb (and the drop reason, where there is one) is found. Resolution from the user's text
 * (tracefs formats, BTF) happens before this is built; this is what the generator needs.
 *
 * @param index       position in the -f list; the kernel tags each event with it
 * @param spec        the hook as the user should see it, e.g. {@code tracepoint:net:netif_receive_skb}
 * @param kind        the BPF program kind
 * @param category    tracepoint category (TRACEPOINT only), else null
 * @param target      tracepoint event or kernel function name
 * @param skbLocation TRACEPOINT: byte offset of the skb pointer in the record; others: 0-based argument
 *                    (at most 4 for KPROBE: the arguments passed in registers)
 * @param reasonLocation like skbLocation for the drop reason, or -1 when the hook has none
 */
public record CaptureHook(int index, String spec, Kind kind, String category, String target,
                          int skbLocation, int reasonLocation) {

    public enum Kind {
        TRACEPOINT("tracepoint"), TP_BTF("tp_btf"), RAW_TP("raw_tp"), KPROBE("kprobe"), FENTRY("fentry");

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }
    }

    public CaptureHook {
        Objects.requireNonNull(spec);
        Objects.requireNonNull(kind);
        Objects.requireNonNull(target);
        if (index < 0 || skbLocation < 0) {
            throw new IllegalArgumentException("bad hook " + spec);
        }
        if (kind == Kind.KPROBE && (skbLocation > 4 || reasonLocation > 4)) {
            throw new IllegalArgumentException("kprobe hooks can read arguments 1..5 only: " + spec);
        }
        if (kind == Kind.TRACEPOINT && category == null) {
            throw new IllegalArgumentException("tracepoint hook without a category: " + spec);
        }
    }

    /** The same function hook as a kprobe, for kernels that refuse fentry. */
    public CaptureHook asKprobe() {
        if (kind != Kind.FENTRY && kind != Kind.KPROBE) {
            throw new IllegalStateException("not a function hook: " + spec);
        }
        return new CaptureHook(index, "kprobe:" + target + "@" + (skbLocation + 1), Kind.KPROBE, null, target,
                skbLocation, reasonLocation);
    }

    /** The BPF program's name; the kernel keeps 15 characters, so it stays short. */
    public String programName() {
        return "netcap_hook_" + index;
    }
}

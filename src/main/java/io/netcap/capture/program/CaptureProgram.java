package io.netcap.capture.program;

import io.netcap.bpf.EventTransport;
import io.netcap.capture.extension.Extensions;
import io.netcap.capture.kernel.ReasonEnum;
import io.netcap.filter.CompiledFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything that decides the generated C, and nothing else: two equal CapturePrograms generate
 * the same C, and the compiled object is cached by the hash of the C. What the user may change
 * without changing the code (-i, --netns, -s, -S, ...) is a {@link ProgramConfig}, written into
 * the loaded object's .rodata.
 *
 * @param kind      capture (events to user space) or backtrace (counts in the kernel)
 * @param hooks     where to capture, in -f order
 * @param filter    the tcpdump expression compiled for L2 and L3
 * @param transport how events reach user space (capture only; backtrace sends none)
 * @param skbDynptr whether BTF-typed hooks (tp_btf, fentry) read packets through the kfunc
 *                  bpf_dynptr_from_skb, which reaches page fragments and frag_list; false where
 *                  the kernel lacks it (before 6.3) or refuses it to tracing programs
 * @param extensions the user's C (--ext-filter, --ext-action), compiled into a capture program
 * @param directLoads whether BTF-typed hooks copy the first bytes of a packet (up to 128, from the
 *                  skb's linear part) with plain loads, through the kfunc bpf_rdonly_cast to void,
 *                  instead of calling bpf_probe_read_kernel; false where the kernel lacks the kfunc
 *                  or its verifier refuses the cast (before 6.17)
 */
public record CaptureProgram(ProgramKind kind, List<Hook> hooks, CompiledFilter filter, EventTransport transport,
                             boolean skbDynptr, Extensions extensions, boolean directLoads) {
    /** A program without extensions, copying with bpf_probe_read_kernel. */
    public CaptureProgram(ProgramKind kind, List<Hook> hooks, CompiledFilter filter, EventTransport transport,
                          boolean skbDynptr) {
        this(kind, hooks, filter, transport, skbDynptr, Extensions.NONE, false);
    }

    /** A program copying with bpf_probe_read_kernel. */
    public CaptureProgram(ProgramKind kind, List<Hook> hooks, CompiledFilter filter, EventTransport transport,
                          boolean skbDynptr, Extensions extensions) {
        this(kind, hooks, filter, transport, skbDynptr, extensions, false);
    }

    public CaptureProgram {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(extensions);
        if (kind != ProgramKind.CAPTURE && extensions.any()) {
            throw new IllegalArgumentException(kind + " takes no extensions");
        }
        hooks = List.copyOf(hooks);
        Objects.requireNonNull(filter);
        Objects.requireNonNull(transport);
        if (hooks.isEmpty()) {
            throw new IllegalArgumentException("no hook to capture at");
        }
        for (int i = 0; i < hooks.size(); i++) {
            if (hooks.get(i).index() != i) {
                throw new IllegalArgumentException("hook " + hooks.get(i).spec() + " is not at its index " + i);
            }
        }
        PacketSource source = sourceOf(hooks.get(0));
        if (hooks.stream().anyMatch(h -> sourceOf(h) != source)) {
            throw new IllegalArgumentException("one program captures from one source (skb, mbuf or raw), not several");
        }
        if (kind != ProgramKind.CAPTURE && source != PacketSource.SKB) {
            throw new IllegalArgumentException(kind + " works on kernel sk_buffs only");
        }
    }

    private static PacketSource sourceOf(Hook hook) {
        return hook.user() == null ? PacketSource.SKB : hook.user().source();
    }

    /** What every hook of this program hands it: an skb, an mbuf or a raw buffer. */
    public PacketSource source() {
        return sourceOf(hooks.get(0));
    }

    /**
     * Whether some hook reads page fragments through the kernel's memory layout (netcap_copy_frags,
     * {@code KernelLayout}): a kernel hook that is not whole without it ({@link PacketReach#whole}).
     * Where none is, netcap does not read /proc/kallsyms for it: 5 MB, 75 ms of CPU while netcap
     * starts (measured, 6.18).
     */
    public boolean readsFragmentsByLayout() {
        return hooks.stream().anyMatch(h -> h.user() == null && !PacketReach.whole(h.kind(), skbDynptr, false));
    }

    /** The reason enums the hooks report, each to be decoded by its own (a drop reason is not a reset reason). */
    public Set<ReasonEnum> reasonEnums() {
        return hooks.stream().filter(Hook::hasReason).map(Hook::reason).collect(Collectors.toUnmodifiableSet());
    }

    /** This program with one hook replaced (same index). */
    public CaptureProgram withHook(Hook hook) {
        List<Hook> replaced = new ArrayList<>(hooks);
        replaced.set(hook.index(), hook);
        return new CaptureProgram(kind, replaced, filter, transport, skbDynptr, extensions, directLoads);
    }

    /** This program reading packets without bpf_dynptr_from_skb. */
    public CaptureProgram withoutSkbDynptr() {
        return new CaptureProgram(kind, hooks, filter, transport, false, extensions, directLoads);
    }

    /** This program copying with bpf_probe_read_kernel only, without bpf_rdonly_cast. */
    public CaptureProgram withoutDirectLoads() {
        return new CaptureProgram(kind, hooks, filter, transport, skbDynptr, extensions, false);
    }
}

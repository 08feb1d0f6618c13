package io.netcap.capture.program;

import io.netcap.capture.kernel.KernelSymbols;
import io.netcap.capture.kernel.ReasonEnum;
import io.netcap.capture.kernel.Suggestions;
import io.netcap.capture.kernel.TraceFs;
import io.netcap.bpf.btf.Btf;
import io.netcap.bpf.btf.BtfParam;
import io.netcap.capture.CaptureException;
import io.netcap.capture.Plural;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Turns what the user wrote in -f into hooks the generator can use: checks each tracepoint
 * exists and finds where its skb is, from tracefs (classic tracepoints) or BTF (tp_btf, raw_tp).
 * Every failure is a usage error that says what exists instead.
 */
public final class HookResolver {
    private static final String SKB_TYPE = "struct sk_buff *";

    private final Optional<TraceFs> traceFs;
    private Btf btf;

    public HookResolver(Optional<TraceFs> traceFs) {
        this.traceFs = traceFs;
    }

    public List<Hook> resolve(List<HookSpec> specs) {
        List<Hook> hooks = new ArrayList<>();
        for (HookSpec spec : specs) {
            hooks.add(resolve(hooks.size(), spec));
        }
        return hooks;
    }

    Hook resolve(int index, HookSpec spec) {
        try {
            return switch (spec.kind()) {
                case TRACEPOINT -> tracepoint(index, spec);
                case TP_BTF -> btfTracepoint(index, spec, HookKind.TP_BTF);
                case RAW_TP -> btfTracepoint(index, spec, HookKind.RAW_TP);
                case FUNCTION, KPROBE, FENTRY -> function(index, spec);
                case UPROBE, USDT -> throw new IllegalArgumentException(
                        "user-space hook " + spec.text() + " goes to UserHookResolver, not the kernel's resolver");
            };
        } catch (IOException e) {
            throw CaptureException.runtime("cannot resolve hook " + spec.text() + ": " + e.getMessage(), e);
        }
    }

    private Hook tracepoint(int index, HookSpec spec) throws IOException {
        TraceFs fs = traceFs.orElseThrow(() -> CaptureException.runtime(
                "cannot read tracepoint " + spec.category() + ":" + spec.name()
                        + ": tracefs is not mounted and could not be (needs root); tp_btf:" + spec.name()
                        + " needs only BTF"));
        Optional<List<TraceFs.Field>> fields = fs.fields(spec.category(), spec.name());
        if (fields.isEmpty()) {
            List<String> near = Suggestions.closest(spec.category() + ":" + spec.name(), fs.events(), 5);
            throw CaptureException.usage("unknown tracepoint " + spec.category() + ":" + spec.name()
                    + Suggestions.didYouMean(near.stream().map(n -> "tracepoint:" + n).toList()));
        }
        TraceFs.Field skb = fields.get().stream()
                .filter(TraceFs.Field::isSkbPointer)
                .findFirst()
                .orElseThrow(() -> CaptureException.usage("tracepoint " + spec.category() + ":" + spec.name()
                        + " has no skb field (fields: " + fields.get().stream()
                        .filter(f -> !f.name().startsWith("common_"))
                        .map(TraceFs.Field::name).collect(Collectors.joining(", ")) + ")"));
        // A reason is decoded by its field's own enum: tcp_send_reset's is a reset reason, kfree_skb's a drop reason.
        Optional<TraceFs.Field> reason = fields.get().stream()
                .filter(f -> f.size() == 4 && ReasonEnum.ofType(f.type()).isPresent())
                .findFirst();
        return new Hook(index, HookSpec.tracepointText(spec.category(), spec.name()),
                HookKind.TRACEPOINT, spec.category(), spec.name(), skb.offset(),
                reason.map(TraceFs.Field::offset).orElse(-1),
                reason.flatMap(f -> ReasonEnum.ofType(f.type())).orElse(null), false);
    }

    private Hook btfTracepoint(int index, HookSpec spec, HookKind kind) throws IOException {
        Optional<List<BtfParam>> found = btf().findTracepointParams(spec.name());
        if (found.isEmpty()) {
            List<String> near = Suggestions.closest(spec.name(), btf().tracepointNames(), 5);
            throw CaptureException.usage("unknown tracepoint " + spec.name() + " for " + kind.prefix()
                    + Suggestions.didYouMean(near.stream().map(n -> kind.prefix() + ":" + n).toList()));
        }
        List<BtfParam> params = found.get();
        int skbArg;
        if (spec.skbArg() > 0) {
            if (spec.skbArg() > params.size()) {
                throw CaptureException.usage(spec.text() + ": tracepoint " + spec.name() + " has only "
                        + Plural.of(params.size(), "argument") + " (" + describe(params) + ")");
            }
            BtfParam p = params.get(spec.skbArg() - 1);
            if (!btf().skbArguments(params).contains(spec.skbArg())) {
                throw CaptureException.usage(spec.text() + ": argument " + spec.skbArg() + " of " + spec.name()
                        + " is " + p.typeName() + ", not " + SKB_TYPE + " (" + describe(params) + ")");
            }
            skbArg = spec.skbArg();
        } else {
            List<Integer> skbs = btf().skbArguments(params);
            if (skbs.size() != 1) {
                throw CaptureException.usage(spec.text() + ": " + (skbs.isEmpty() ? "no" : "more than one")
                        + " argument of " + spec.name() + " is a " + SKB_TYPE + " (" + describe(params) + ")"
                        + (skbs.isEmpty() ? "" : "; choose one with @N"));
            }
            skbArg = skbs.get(0);
        }
        Optional<BtfParam> reason = reasonParam(params);
        int ext = extArgument(spec, Optional.of(params));
        return new Hook(index, kind.prefix() + ":" + spec.name() + (ext > 0 ? "@" + skbArg + "@" + ext : ""), kind,
                null, spec.name(), skbArg - 1, reason.map(p -> p.index() - 1).orElse(-1),
                reason.map(HookResolver::reasonEnum).orElse(null), false, null, ext - 1);
    }

    /**
     * A kernel function. The skb argument comes from @N or from BTF. A plain name becomes an
     * fentry hook where BTF describes the function (cheaper, and it sees typed arguments), which
     * {@link ProgramLoader} turns into a kprobe if the kernel refuses fentry; names with a
     * compiler suffix (.isra.0) are not in BTF and can only be kprobes.
     */
    private Hook function(int index, HookSpec spec) throws IOException {
        String name = spec.name();
        boolean suffixed = name.contains(".");
        Optional<List<BtfParam>> params = btf().findFuncParams(suffixed ? name.substring(0, name.indexOf('.')) : name);
        if (params.isEmpty() && !KernelSymbols.listsFunction(name).orElse(true)) {
            throw CaptureException.usage(spec.text() + ": the kernel has no function " + name
                    + " (neither its BTF nor /proc/kallsyms lists it)"
                    + Suggestions.didYouMean(Suggestions.closest(name, btf().functionNames(), 3)));
        }
        int skbArg = spec.skbArg();
        if (skbArg == 0) {
            if (params.isEmpty()) {
                throw CaptureException.usage(spec.text() + ": the kernel's BTF does not describe " + name
                        + ", so netcap cannot tell which argument is the skb; give it as " + name + "@N");
            }
            List<Integer> skbs = btf().skbArguments(params.get());
            if (skbs.size() != 1) {
                throw CaptureException.usage(spec.text() + ": " + (skbs.isEmpty() ? "no" : "more than one")
                        + " argument of " + name + " is a " + SKB_TYPE + " (" + describe(params.get()) + ")"
                        + (skbs.isEmpty() ? "" : "; choose one with " + name + "@N"));
            }
            skbArg = skbs.get(0);
        } else if (params.isPresent() && !suffixed) {
            if (skbArg > params.get().size()) {
                throw CaptureException.usage(spec.text() + ": " + name + " has only "
                        + Plural.of(params.get().size(), "argument") + " (" + describe(params.get()) + ")");
            }
            BtfParam p = params.get().get(skbArg - 1);
            if (!btf().skbArguments(params.get()).contains(skbArg)) {
                throw CaptureException.usage(spec.text() + ": argument " + skbArg + " of " + name + " is "
                        + p.typeName() + ", not " + SKB_TYPE + " (" + describe(params.get()) + ")");
            }
        }
        Optional<BtfParam> reasonParam = params.filter(ps -> !suffixed).flatMap(HookResolver::reasonParam);
        int reason = reasonParam.map(p -> p.index() - 1).orElse(-1);

        boolean kprobes = hasKprobes();
        boolean fentryPossible = params.isPresent() && !suffixed;
        HookKind kind = switch (spec.kind()) {
            case KPROBE -> HookKind.KPROBE;
            case FENTRY -> HookKind.FENTRY;
            default -> fentryPossible ? HookKind.FENTRY : HookKind.KPROBE;
        };
        if (kind == HookKind.FENTRY && !fentryPossible) {
            throw CaptureException.usage(spec.text() + ": fentry needs the function in the kernel's BTF"
                    + (suffixed ? " (compiler clones such as " + name + " are not); use kprobe:" + name : ""));
        }
        if (kind == HookKind.KPROBE && !kprobes) {
            throw functionHooksUnavailable(spec.text(), spec.kind() == HookKind.KPROBE
                    ? "this kernel has no kprobes (CONFIG_KPROBES is not set)"
                    : "this kernel has no kprobes (CONFIG_KPROBES is not set), and fentry needs the function in BTF");
        }
        int ext = extArgument(spec, params.filter(ps -> !suffixed));
        if (kind == HookKind.KPROBE && (skbArg > 5 || reason > 4 || ext > 5)) {
            throw CaptureException.usage(spec.text() + ": a kprobe can read arguments 1..5 only");
        }
        return new Hook(index, kind.prefix() + ":" + name + "@" + skbArg + (ext > 0 ? "@" + ext : ""), kind, null, name,
                skbArg - 1, reason, reasonParam.map(HookResolver::reasonEnum).orElse(null),
                kind == HookKind.FENTRY && spec.kind() == HookKind.FUNCTION, null, ext - 1);
    }

    /**
     * The 1-based argument of -f HOOK@S@E handed to extensions as ext, checked against the
     * hook's parameters where BTF has them; 0 when not given.
     */
    private static int extArgument(HookSpec spec, Optional<List<BtfParam>> params) {
        int ext = spec.extraArg();
        if (ext > 0 && params.isPresent() && ext > params.get().size()) {
            throw CaptureException.usage(spec.text() + ": " + spec.name() + " has only "
                    + Plural.of(params.get().size(), "argument") + " (" + describe(params.get()) + ")");
        }
        return ext;
    }

    /** Whether kprobes can attach here: tracefs lists kprobe_events only with CONFIG_KPROBES. */
    boolean hasKprobes() {
        return traceFs.map(TraceFs::hasKprobes).orElse(false);
    }

    public static CaptureException functionHooksUnavailable(String hook, String why) {
        return CaptureException.runtime("cannot capture at " + hook + ": " + why
                + ". Use a tracepoint instead, e.g. -f tracepoint:net:netif_receive_skb or tp_btf:netif_receive_skb"
                + " (netcap list --tracepoints shows them)");
    }

    private Btf btf() throws IOException {
        if (btf == null) {
            btf = Btf.vmlinux();
        }
        return btf;
    }

    /**
     * The first argument declared with a reason enum (a drop reason, a reset reason...), by its
     * BTF type, qualifiers and all: tp_btf:tcp_send_reset's is a {@code const enum sk_rst_reason}.
     */
    private static Optional<BtfParam> reasonParam(List<BtfParam> params) {
        return params.stream().filter(p -> ReasonEnum.ofType(p.typeName()).isPresent()).findFirst();
    }

    private static ReasonEnum reasonEnum(BtfParam param) {
        return ReasonEnum.ofType(param.typeName()).orElseThrow();
    }

    private static String describe(List<BtfParam> params) {
        return params.stream().map(p -> "@" + p.index() + " " + p.typeName() + " " + p.name())
                .collect(Collectors.joining(", "));
    }
}

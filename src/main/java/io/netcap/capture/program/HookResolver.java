package io.netcap.capture.program;

import io.netcap.capture.kernel.Suggestions;
import io.netcap.capture.kernel.TraceFs;
import io.netcap.bpf.btf.Btf;
import io.netcap.bpf.btf.BtfParam;
import io.netcap.capture.CaptureException;
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
    private static final String REASON_TYPE = "enum skb_drop_reason";

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
        int reason = fields.get().stream()
                .filter(f -> f.name().equals("reason") && f.size() == 4)
                .mapToInt(TraceFs.Field::offset).findFirst().orElse(-1);
        return new Hook(index, HookSpec.tracepointText(spec.category(), spec.name()),
                HookKind.TRACEPOINT, spec.category(), spec.name(), skb.offset(), reason);
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
                        + params.size() + " arguments (" + describe(params) + ")");
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
        int reason = params.stream().filter(p -> p.typeName().equals(REASON_TYPE))
                .mapToInt(p -> p.index() - 1).findFirst().orElse(-1);
        return new Hook(index, kind.prefix() + ":" + spec.name(), kind, null, spec.name(), skbArg - 1, reason);
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
        int skbArg = spec.skbArg();
        if (skbArg == 0) {
            if (params.isEmpty()) {
                throw CaptureException.usage(spec.text() + ": " + name + " is not in the kernel's BTF, so netcap cannot"
                        + " tell which argument is the skb; give it as " + name + "@N");
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
                throw CaptureException.usage(spec.text() + ": " + name + " has only " + params.get().size()
                        + " arguments (" + describe(params.get()) + ")");
            }
            BtfParam p = params.get().get(skbArg - 1);
            if (!btf().skbArguments(params.get()).contains(skbArg)) {
                throw CaptureException.usage(spec.text() + ": argument " + skbArg + " of " + name + " is "
                        + p.typeName() + ", not " + SKB_TYPE + " (" + describe(params.get()) + ")");
            }
        }
        int reason = params.filter(ps -> !suffixed).flatMap(ps -> ps.stream()
                .filter(p -> p.typeName().equals(REASON_TYPE)).map(p -> p.index() - 1).findFirst()).orElse(-1);

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
        if (kind == HookKind.KPROBE && (skbArg > 5 || reason > 4)) {
            throw CaptureException.usage(spec.text() + ": a kprobe can read arguments 1..5 only");
        }
        return new Hook(index, kind.prefix() + ":" + name + "@" + skbArg, kind, null, name, skbArg - 1, reason,
                kind == HookKind.FENTRY && spec.kind() == HookKind.FUNCTION);
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

    private static String describe(List<BtfParam> params) {
        return params.stream().map(p -> "@" + p.index() + " " + p.typeName() + " " + p.name())
                .collect(Collectors.joining(", "));
    }
}

package io.netcap.capture.program;

import io.netcap.capture.kernel.TraceFs;
import io.netcap.bpf.btf.Btf;
import io.netcap.bpf.btf.BtfParam;
import io.netcap.bpf.btf.SkbFunction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Every place netcap can take an sk_buff from: kernel functions and tracepoints with a
 * {@code struct sk_buff *} argument, read from the kernel's BTF, and the -f text that hooks each.
 * Classic tracepoints also need tracefs, whose record layout (not BTF) says where the skb is.
 *
 * <p>This says what exists; whether the kernel lets a kind of hook attach is {@link AttachSupport}'s job.
 */
public final class HookCatalog {
    private final Btf btf;
    private final Optional<TraceFs> traceFs;
    private Map<String, List<String>> categoriesByEvent;

    /** @param traceFs empty when tracefs cannot be read; classic tracepoint forms are then left out */
    public HookCatalog(Btf btf, Optional<TraceFs> traceFs) {
        this.btf = btf;
        this.traceFs = traceFs;
    }

    /** One -f text and the kind of hook it makes. */
    public record Hook(HookKind kind, String text) {
    }

    /**
     * A kernel function that receives an skb.
     *
     * @param params C declarations of the parameters, e.g. "struct sk_buff *skb"; empty when
     *               same-named functions make them uncertain
     */
    public record Function(String name, List<Integer> skbArgs, List<String> params) {
        /** NAME@N for each skb argument: always explicit, so the text works even where @N is required. */
        public List<Hook> hooks() {
            return skbArgs.stream().map(n -> new Hook(HookKind.FUNCTION, name + "@" + n)).toList();
        }
    }

    /** Whether, and why not, the classic {@code tracepoint:CAT:EVENT} form works for an event. */
    public enum TracefsForm {
        USABLE("tracepoint: form usable"),
        NO_SKB_FIELD("its tracefs record has no skb pointer field"),
        NOT_IN_TRACEFS("not listed in tracefs"),
        TRACEFS_UNREADABLE("tracefs is not readable");

        private final String description;

        TracefsForm(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /**
     * A tracepoint with an skb argument.
     *
     * @param categories tracefs categories (systems) holding the event with an skb field, sorted;
     *                   empty unless {@code tracefsForm} is USABLE
     * @param noSkbIn    categories holding the event without an skb field (NO_SKB_FIELD)
     */
    public record Tracepoint(String event, List<Integer> skbArgs, List<String> params, TracefsForm tracefsForm,
                             List<String> categories, List<String> noSkbIn) {
        /** The first tracefs category, or null when the tracepoint: form is not usable. */
        public String category() {
            return categories.isEmpty() ? null : categories.get(0);
        }

        /** tp_btf and raw_tp forms (with @N when the skb is ambiguous), then tracepoint:CAT:EVENT when usable. */
        public List<Hook> hooks() {
            List<Hook> hooks = new ArrayList<>();
            for (HookKind kind : List.of(HookKind.TP_BTF, HookKind.RAW_TP)) {
                String prefix = kind.prefix() + ":";
                if (skbArgs.size() == 1) {
                    hooks.add(new Hook(kind, prefix + event));
                } else {
                    skbArgs.forEach(n -> hooks.add(new Hook(kind, prefix + event + "@" + n)));
                }
            }
            categories.forEach(c -> hooks.add(new Hook(HookKind.TRACEPOINT, HookSpec.tracepointText(c, event))));
            return hooks;
        }
    }

    /** Functions whose name matches {@code filter} (find semantics), in BTF order. */
    public List<Function> functions(Pattern filter) {
        List<Function> found = new ArrayList<>();
        for (SkbFunction f : btf.functionsWithSkb()) {
            if (filter.matcher(f.name()).find()) {
                found.add(new Function(f.name(), f.skbArgs(), functionParams(f)));
            }
        }
        return found;
    }

    /**
     * BTF looks functions up by name and answers with the first of that name; when same-named
     * static functions differ, that answer may belong to another one. Showing no parameters
     * beats showing someone else's, so they are kept only when the skb positions agree.
     */
    private List<String> functionParams(SkbFunction f) {
        return btf.findFuncParams(f.name())
                .filter(params -> btf.skbArguments(params).equals(f.skbArgs()))
                .map(HookCatalog::declarations)
                .orElse(List.of());
    }

    /** BTF tracepoints with an skb argument whose event name matches {@code filter}, sorted by name. */
    public List<Tracepoint> tracepoints(Pattern filter) throws IOException {
        List<Tracepoint> found = new ArrayList<>();
        for (String event : btf.tracepointNames()) {
            if (!filter.matcher(event).find()) {
                continue;
            }
            Optional<List<BtfParam>> params = tracepointParams(event);
            if (params.isEmpty()) {
                continue;
            }
            List<Integer> skbArgs = btf.skbArguments(params.get());
            if (!skbArgs.isEmpty()) {
                found.add(tracepoint(event, skbArgs, declarations(params.get())));
            }
        }
        return found;
    }

    /**
     * Empty for a btf_trace_ typedef that is not shaped like a tracepoint: no tracepoint
     * program could attach there, so it does not belong in the list.
     */
    private Optional<List<BtfParam>> tracepointParams(String event) {
        try {
            return btf.findTracepointParams(event);
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
    }

    private Tracepoint tracepoint(String event, List<Integer> skbArgs, List<String> params) throws IOException {
        if (traceFs.isEmpty()) {
            return new Tracepoint(event, skbArgs, params, TracefsForm.TRACEFS_UNREADABLE, List.of(), List.of());
        }
        List<String> withSkb = new ArrayList<>();
        List<String> withoutSkb = new ArrayList<>();
        for (String category : categoriesByEvent().getOrDefault(event, List.of())) {
            Optional<List<TraceFs.Field>> fields = traceFs.get().fields(category, event);
            if (fields.isPresent() && fields.get().stream().anyMatch(TraceFs.Field::isSkbPointer)) {
                withSkb.add(category);
            } else {
                withoutSkb.add(category);
            }
        }
        TracefsForm form = !withSkb.isEmpty() ? TracefsForm.USABLE
                : !withoutSkb.isEmpty() ? TracefsForm.NO_SKB_FIELD : TracefsForm.NOT_IN_TRACEFS;
        return new Tracepoint(event, skbArgs, params, form, List.copyOf(withSkb), List.copyOf(withoutSkb));
    }

    /** tracefs is indexed by category first; we need event to categories, built once from one listing. */
    private Map<String, List<String>> categoriesByEvent() throws IOException {
        if (categoriesByEvent == null) {
            Map<String, List<String>> map = new TreeMap<>();
            for (String qualified : traceFs.orElseThrow().events()) {
                int colon = qualified.indexOf(':');
                map.computeIfAbsent(qualified.substring(colon + 1), e -> new ArrayList<>())
                        .add(qualified.substring(0, colon));
            }
            map.values().forEach(list -> list.sort(null));
            categoriesByEvent = map;
        }
        return categoriesByEvent;
    }

    private static List<String> declarations(List<BtfParam> params) {
        return params.stream().map(BtfParam::declaration).toList();
    }
}

package io.netcap.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netcap.bpf.Privileges;
import io.netcap.bpf.btf.Btf;
import io.netcap.capture.AttachSupport;
import io.netcap.capture.HookCatalog;
import io.netcap.capture.HookResolver;
import io.netcap.capture.HookSpec;
import io.netcap.capture.TraceFs;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code netcap list}: where an skb can be captured on this kernel, i.e. what {@code netcap skb -f}
 * accepts. Reads BTF and tracefs only (plus, as root, tiny test programs for which hook kinds the
 * kernel allows), so it also runs without root, saying what it had to leave out.
 */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"List the kernel functions and tracepoints that take a struct sk_buff *, with the "
                + "argument that holds it, read from the kernel's BTF; and which kinds of hook this kernel "
                + "can attach.",
                "Without --functions or --tracepoints both are listed (giving both is an error)."},
        footer = {"", "Examples:",
                "  netcap list --functions '^icmp_rcv$'",
                "  netcap list --tracepoints skb",
                "  netcap list --json | jq '.functions | length'"})
public final class ListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--functions", description = "list kernel functions only")
    boolean functionsOnly;

    @Option(names = "--tracepoints", description = "list tracepoints only")
    boolean tracepointsOnly;

    @Option(names = "--json", description = "print one JSON document instead of tables")
    boolean json;

    @Parameters(arity = "0..1", paramLabel = "REGEX",
            description = "only names in which this Java regular expression is found (anchor with ^ and $)")
    String regex;

    @Override
    public Integer call() {
        if (functionsOnly && tracepointsOnly) {
            throw NetcapException.usage("--functions and --tracepoints exclude each other; give neither to list both");
        }
        Pattern filter = compile(regex);
        PrintWriter err = spec.commandLine().getErr();
        Btf btf;
        try {
            btf = Btf.vmlinux();
        } catch (IOException e) {
            throw NetcapException.runtime("cannot read the kernel's BTF (" + Btf.VMLINUX + "): " + e.getMessage(), e);
        }
        boolean root = Privileges.isRoot();
        Optional<TraceFs> traceFs = TraceFs.open();
        if (!root) {
            err.println("netcap: note: not root, so which hook kinds this kernel allows is not tested (shown as unknown)");
        }
        if (traceFs.isEmpty() && !functionsOnly) {
            err.println("netcap: note: tracefs is not readable" + (root ? "" : " (needs root)")
                    + ", so tracepoint:CAT:EVENT forms are left out");
        }
        err.flush();

        AttachSupport support = AttachSupport.detect(btf, traceFs, root);
        HookCatalog catalog = new HookCatalog(btf, traceFs);
        List<HookCatalog.Function> functions = tracepointsOnly ? null : catalog.functions(filter);
        List<HookCatalog.Tracepoint> tracepoints = null;
        if (!functionsOnly) {
            try {
                tracepoints = catalog.tracepoints(filter);
            } catch (IOException e) {
                throw NetcapException.runtime("cannot read tracefs: " + e.getMessage(), e);
            }
        }
        HookCheck check = new HookCheck(support, new HookResolver(traceFs));
        Listing listing = new Listing(support, functions, functions == null ? null : check.functions(functions),
                tracepoints == null ? null : tracepoints.stream().map(check::tracepoint).toList());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JsonListing.render(listing));
        } else {
            TextListing.render(out, listing, regex);
        }
        out.flush();
        return 0;
    }

    private static Pattern compile(String regex) {
        if (regex == null) {
            return Pattern.compile("");
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw NetcapException.usage("bad regular expression '" + regex + "': " + e.getDescription()
                    + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
        }
    }

    /** The hook kinds in the order the kernel line shows them: what works everywhere first. */
    static final List<HookSpec.Kind> KINDS = List.of(HookSpec.Kind.TRACEPOINT, HookSpec.Kind.RAW_TP,
            HookSpec.Kind.TP_BTF, HookSpec.Kind.FENTRY, HookSpec.Kind.KPROBE);

    /** The name a kind goes by in -f prefixes and in the JSON kernel object. */
    static String kindName(HookSpec.Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    /** A hook text that netcap skb would not take here, and why. */
    record Refusal(String hook, String reason) {
    }

    /** A tracepoint with its hooks split into those netcap skb takes here and those it does not. */
    record CheckedTracepoint(HookCatalog.Tracepoint tracepoint, List<String> accepted, List<Refusal> refused) {
    }

    /**
     * Everything a listing shows. {@code functions}/{@code tracepoints} are null when not asked for;
     * {@code functionRefusal} is empty when function hooks are accepted (or there are none).
     */
    record Listing(AttachSupport support, List<HookCatalog.Function> functions, Optional<Refusal> functionRefusal,
                   List<CheckedTracepoint> tracepoints) {
    }

    /**
     * Decides which listed hooks {@code netcap skb -f} takes on this kernel, by asking the same
     * {@link HookResolver} that netcap skb uses, after ruling out kinds the kernel refuses. Listing
     * what BTF allows but netcap skb then rejects would send users round in circles.
     */
    static final class HookCheck {
        private final AttachSupport support;
        private final HookResolver resolver;

        HookCheck(AttachSupport support, HookResolver resolver) {
            this.support = support;
            this.resolver = resolver;
        }

        /**
         * Function hooks stand or fall together (the kernel's fentry/kprobe support, netcap's
         * function-hook support), so the first one answers for all rather than thousands of checks.
         */
        Optional<Refusal> functions(List<HookCatalog.Function> functions) {
            if (functions.isEmpty()) {
                return Optional.empty();
            }
            return refusal(functions.get(0).hooks().get(0));
        }

        CheckedTracepoint tracepoint(HookCatalog.Tracepoint tp) {
            List<HookCatalog.Hook> candidates = new ArrayList<>(tp.hooks());
            // Shown as refused with tracefs's reason, rather than silently missing.
            tp.noSkbIn().forEach(c -> candidates.add(
                    new HookCatalog.Hook(HookSpec.Kind.TRACEPOINT, "tracepoint:" + c + ":" + tp.event())));
            List<String> accepted = new ArrayList<>();
            List<Refusal> refused = new ArrayList<>();
            for (HookCatalog.Hook hook : candidates) {
                refusal(hook).ifPresentOrElse(refused::add, () -> accepted.add(hook.text()));
            }
            return new CheckedTracepoint(tp, List.copyOf(accepted), List.copyOf(refused));
        }

        private Optional<Refusal> refusal(HookCatalog.Hook hook) {
            AttachSupport.Availability kernel = support.availability(hook.kind());
            if (kernel.ruledOut()) {
                String what = hook.kind() == HookSpec.Kind.FUNCTION ? "function hooks" : kindName(hook.kind()) + " programs";
                return Optional.of(new Refusal(hook.text(), "this kernel cannot attach " + what + ": " + kernel.detail()));
            }
            try {
                resolver.resolve(List.of(HookSpec.parse(hook.text())));
                return Optional.empty();
            } catch (NetcapException | IllegalArgumentException | IllegalStateException e) {
                return Optional.of(new Refusal(hook.text(), withoutHookPrefix(e.getMessage(), hook.text())));
            }
        }

        /** The resolver starts many messages with the hook text, which the listing already shows. */
        private static String withoutHookPrefix(String message, String hook) {
            return message != null && message.startsWith(hook + ": ") ? message.substring(hook.length() + 2) : message;
        }
    }

    static String joinArgs(List<Integer> args) {
        return args.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    /** Aligned tables for people, with what netcap skb refuses listed under each table. */
    static final class TextListing {
        private TextListing() {
        }

        static void render(PrintWriter out, Listing listing, String regex) {
            AttachSupport support = listing.support();
            out.println("kernel " + support.release() + ": " + KINDS.stream()
                    .map(k -> kindName(k) + " " + support.availability(k).describe())
                    .collect(Collectors.joining(", ")));
            String matching = regex == null ? "" : " matching '" + regex + "'";
            if (listing.functions() != null) {
                out.println();
                out.println("functions with a struct sk_buff * argument" + matching + ": " + listing.functions().size()
                        + " (use as netcap skb -f HOOK; attaching here: "
                        + support.availability(HookSpec.Kind.FUNCTION).describe() + ")");
                listing.functionRefusal().filter(r -> !isKernelRefusal(r, support))
                        .ifPresent(r -> out.println("netcap skb refuses function hooks here: " + r.reason()));
                List<List<String>> rows = new ArrayList<>();
                rows.add(List.of("HOOK", "FUNCTION", "SKB", "PARAMETERS"));
                for (HookCatalog.Function f : listing.functions()) {
                    rows.add(List.of(f.hooks().stream().map(HookCatalog.Hook::text).collect(Collectors.joining(" ")),
                            f.name(), joinArgs(f.skbArgs()), parameters(f.params())));
                }
                table(out, rows);
            }
            if (listing.tracepoints() != null) {
                out.println();
                out.println("tracepoints with a struct sk_buff * argument" + matching + ": "
                        + listing.tracepoints().size() + " (use as netcap skb -f HOOK)");
                List<List<String>> rows = new ArrayList<>();
                rows.add(List.of("EVENT", "SKB", "HOOKS", "PARAMETERS"));
                List<Refusal> refused = new ArrayList<>();
                for (CheckedTracepoint checked : listing.tracepoints()) {
                    HookCatalog.Tracepoint tp = checked.tracepoint();
                    String hooks = checked.accepted().isEmpty() ? "-" : String.join(" ", checked.accepted());
                    rows.add(List.of(tp.event(), joinArgs(tp.skbArgs()), hooks, parameters(tp.params())));
                    // A kind the kernel refuses is explained once, on the kernel line, not per row.
                    checked.refused().stream().filter(r -> !isKernelRefusal(r, support)).forEach(refused::add);
                }
                table(out, rows);
                if (!refused.isEmpty()) {
                    out.println();
                    out.println("not usable with netcap skb -f:");
                    refused.forEach(r -> out.println("  " + r.hook() + ": " + r.reason()));
                }
            }
        }

        private static boolean isKernelRefusal(Refusal refusal, AttachSupport support) {
            return support.availability(HookSpec.parse(refusal.hook()).kind()).ruledOut();
        }

        private static String parameters(List<String> params) {
            return params.isEmpty() ? "?" : "(" + String.join(", ", params) + ")";
        }

        /** Pads every column but the last to its widest cell. */
        private static void table(PrintWriter out, List<List<String>> rows) {
            int columns = rows.get(0).size();
            int[] widths = new int[columns];
            for (List<String> row : rows) {
                for (int c = 0; c < columns - 1; c++) {
                    widths[c] = Math.max(widths[c], row.get(c).length());
                }
            }
            StringBuilder line = new StringBuilder();
            for (List<String> row : rows) {
                line.setLength(0);
                for (int c = 0; c < columns - 1; c++) {
                    line.append(row.get(c)).append(" ".repeat(widths[c] - row.get(c).length() + 2));
                }
                line.append(row.get(columns - 1));
                out.println(line.toString().stripTrailing());
            }
        }
    }

    /** One JSON document for scripts, with the same rows as the tables. */
    static final class JsonListing {
        private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

        private JsonListing() {
        }

        static String render(Listing listing) {
            ObjectNode root = MAPPER.createObjectNode();
            ObjectNode kernel = root.putObject("kernel");
            kernel.put("release", listing.support().release());
            ObjectNode details = MAPPER.createObjectNode();
            for (HookSpec.Kind kind : KINDS) {
                AttachSupport.Availability a = listing.support().availability(kind);
                kernel.put(kindName(kind), a.available());
                if (!a.detail().isEmpty()) {
                    details.put(kindName(kind), a.detail());
                }
            }
            kernel.set("details", details);
            if (listing.functions() != null) {
                root.put("functions_refused", listing.functionRefusal().map(Refusal::reason).orElse(null));
                ArrayNode array = root.putArray("functions");
                for (HookCatalog.Function f : listing.functions()) {
                    ObjectNode node = array.addObject();
                    node.put("name", f.name());
                    f.skbArgs().forEach(node.putArray("skb_args")::add);
                    f.params().forEach(node.putArray("params")::add);
                    ArrayNode hooks = node.putArray("hooks");
                    f.hooks().forEach(h -> hooks.add(h.text()));
                }
            }
            if (listing.tracepoints() != null) {
                ArrayNode array = root.putArray("tracepoints");
                for (CheckedTracepoint checked : listing.tracepoints()) {
                    HookCatalog.Tracepoint tp = checked.tracepoint();
                    ObjectNode node = array.addObject();
                    node.put("event", tp.event());
                    node.put("category", tp.category());
                    tp.skbArgs().forEach(node.putArray("skb_args")::add);
                    tp.params().forEach(node.putArray("params")::add);
                    checked.accepted().forEach(node.putArray("hooks")::add);
                    ArrayNode refused = node.putArray("refused");
                    checked.refused().forEach(r -> refused.addObject().put("hook", r.hook()).put("reason", r.reason()));
                    node.put("tracefs", tp.tracefsForm().name().toLowerCase(Locale.ROOT));
                }
            }
            try {
                return MAPPER.writeValueAsString(root);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
            }
        }
    }
}

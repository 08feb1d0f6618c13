package io.netcap.cli.list;

import io.netcap.capture.program.AttachSupport;
import io.netcap.capture.program.HookCatalog;
import io.netcap.capture.program.HookKind;
import io.netcap.capture.program.HookListing;
import io.netcap.capture.program.HookListing.CheckedFunctions;
import io.netcap.capture.program.HookListing.CheckedTracepoint;
import io.netcap.capture.program.HookListing.Refusal;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Aligned tables for people: a line on what the kernel attaches, then a table of functions and
 * one of tracepoints, with what netcap skb refuses listed under each table.
 */
public final class TextListing implements ListingRenderer {
    private final String matching;

    /** @param regex the filter as the user wrote it, repeated in the table titles; null when none */
    public TextListing(String regex) {
        this.matching = regex == null ? "" : " matching '" + regex + "'";
    }

    @Override
    public void render(HookListing listing, PrintWriter out) {
        AttachSupport support = listing.support();
        // A kind's -f prefix is the name users know it by.
        out.println("kernel " + support.release() + ": " + HookListing.KERNEL_KINDS.stream()
                .map(k -> k.prefix() + " " + support.availability(k).describe())
                .collect(Collectors.joining(", ")));
        listing.functions().ifPresent(functions -> functions(out, functions, support));
        listing.tracepoints().ifPresent(tracepoints -> tracepoints(out, tracepoints));
    }

    private void functions(PrintWriter out, CheckedFunctions checked, AttachSupport support) {
        out.println();
        out.println("functions with a struct sk_buff * argument" + matching + ": " + checked.functions().size()
                + " (use as netcap skb -f HOOK; attaching here: "
                + support.availability(HookKind.FUNCTION).describe() + ")");
        // A refusal by the kernel is already on the line above, as "attaching here: no (...)".
        checked.refusal().filter(r -> !r.byKernel())
                .ifPresent(r -> out.println("netcap skb refuses function hooks here: " + r.reason()));
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("HOOK", "FUNCTION", "SKB", "PARAMETERS"));
        for (HookCatalog.Function f : checked.functions()) {
            rows.add(List.of(f.hooks().stream().map(HookCatalog.Hook::text).collect(Collectors.joining(" ")),
                    f.name(), joinArgs(f.skbArgs()), parameters(f.params())));
        }
        TextTable.print(out, rows);
    }

    private void tracepoints(PrintWriter out, List<CheckedTracepoint> tracepoints) {
        out.println();
        out.println("tracepoints with a struct sk_buff * argument" + matching + ": "
                + tracepoints.size() + " (use as netcap skb -f HOOK)");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("EVENT", "SKB", "HOOKS", "PARAMETERS"));
        List<Refusal> refused = new ArrayList<>();
        for (CheckedTracepoint checked : tracepoints) {
            HookCatalog.Tracepoint tp = checked.tracepoint();
            String hooks = checked.accepted().isEmpty() ? "-" : String.join(" ", checked.accepted());
            rows.add(List.of(tp.event(), joinArgs(tp.skbArgs()), hooks, parameters(tp.params())));
            // A kind the kernel refuses is explained once, on the kernel line, not per row.
            checked.refused().stream().filter(r -> !r.byKernel()).forEach(refused::add);
        }
        TextTable.print(out, rows);
        if (!refused.isEmpty()) {
            out.println();
            out.println("not usable with netcap skb -f:");
            refused.forEach(r -> out.println("  " + r.hook() + ": " + r.reason()));
        }
    }

    private static String joinArgs(List<Integer> args) {
        return args.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    /** "?" when same-named functions leave the parameters uncertain (see HookCatalog.Function). */
    private static String parameters(List<String> params) {
        return params.isEmpty() ? "?" : "(" + String.join(", ", params) + ")";
    }
}

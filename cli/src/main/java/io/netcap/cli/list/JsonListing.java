package io.netcap.cli.list;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netcap.capture.program.AttachSupport;
import io.netcap.capture.program.HookCatalog;
import io.netcap.capture.program.HookKind;
import io.netcap.capture.program.HookListing;
import io.netcap.capture.program.HookListing.CheckedFunctions;
import io.netcap.capture.program.HookListing.CheckedTracepoint;
import io.netcap.capture.program.HookListing.Refusal;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * One JSON document for scripts, with the same rows as the tables. Unlike the tables it keeps
 * refusals by the kernel too: a script reads one tracepoint, not the kernel line beside it.
 */
public final class JsonListing implements ListingRenderer {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public void render(HookListing listing, PrintWriter out) {
        ObjectNode root = MAPPER.createObjectNode();
        kernel(root.putObject("kernel"), listing.support());
        listing.functions().ifPresent(functions -> functions(root, functions));
        listing.tracepoints().ifPresent(tracepoints -> tracepoints(root.putArray("tracepoints"), tracepoints));
        try {
            out.println(MAPPER.writeValueAsString(root));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** Each kind under its -f prefix as true, false or null (unknown), and why not in "details". */
    private static void kernel(ObjectNode kernel, AttachSupport support) {
        kernel.put("release", support.release());
        ObjectNode details = MAPPER.createObjectNode();
        for (HookKind kind : HookListing.KERNEL_KINDS) {
            AttachSupport.Availability a = support.availability(kind);
            kernel.put(kind.prefix(), a.available());
            if (!a.detail().isEmpty()) {
                details.put(kind.prefix(), a.detail());
            }
        }
        kernel.set("details", details);
    }

    private static void functions(ObjectNode root, CheckedFunctions checked) {
        root.put("functions_refused", checked.refusal().map(Refusal::reason).orElse(null));
        ArrayNode array = root.putArray("functions");
        for (HookCatalog.Function f : checked.functions()) {
            ObjectNode node = array.addObject();
            node.put("name", f.name());
            f.skbArgs().forEach(node.putArray("skb_args")::add);
            f.params().forEach(node.putArray("params")::add);
            ArrayNode hooks = node.putArray("hooks");
            f.hooks().forEach(h -> hooks.add(h.text()));
        }
    }

    private static void tracepoints(ArrayNode array, List<CheckedTracepoint> tracepoints) {
        for (CheckedTracepoint checked : tracepoints) {
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
}

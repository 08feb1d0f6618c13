package io.netcap.capture.session;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stacks counted by netcap backtrace, merged and sorted, in three shapes: the xcap talk's
 * text ({@code [ frames ]: COUNT}), one JSON document, and folded lines for flame graph tools.
 */
public final class BacktraceReport {
    /** What one stack line says when the kernel could not record the stack. */
    static final String NO_STACK = "<stack not recorded: stack map full or bucket collision>";

    /**
     * A reason the hook reported, by its enum's label and the value's name.
     *
     * @param label what kind of reason, e.g. drop_reason or reset_reason (the JSON field name)
     * @param name  the value's name without its enum prefix, e.g. NETFILTER_DROP or NO_SOCKET
     */
    public record Reason(String label, String name) {
        @Override
        public String toString() {
            return label + " " + name;
        }
    }

    /**
     * @param frames innermost first; empty when the stack was not recorded
     * @param reason the reason, or null at hooks without one
     */
    public record Entry(List<String> frames, String hook, Reason reason, long count) {
        boolean hasStack() {
            return !frames.isEmpty();
        }
    }

    private final List<Entry> entries;
    private final long total;

    private BacktraceReport(List<Entry> entries) {
        this.entries = entries;
        this.total = entries.stream().mapToLong(Entry::count).sum();
    }

    /** Merges entries that read the same (one stack can have several ids), most frequent first. */
    public static BacktraceReport of(List<Entry> raw) {
        Map<List<Object>, Entry> merged = new LinkedHashMap<>();
        for (Entry e : raw) {
            merged.merge(List.of(e.frames(), e.hook(), String.valueOf(e.reason())), e,
                    (a, b) -> new Entry(a.frames(), a.hook(), a.reason(), a.count() + b.count()));
        }
        List<Entry> sorted = new ArrayList<>(merged.values());
        sorted.sort(Comparator.comparingLong(Entry::count).reversed()
                .thenComparing(e -> String.join(";", e.frames()))
                .thenComparing(Entry::hook)
                .thenComparing(e -> String.valueOf(e.reason())));
        return new BacktraceReport(sorted);
    }

    public List<Entry> entries() {
        return entries;
    }

    public long total() {
        return total;
    }

    public long withoutStack() {
        return entries.stream().filter(e -> !e.hasStack()).mapToLong(Entry::count).sum();
    }

    private List<Entry> top(int k) {
        return k > 0 && k < entries.size() ? entries.subList(0, k) : entries;
    }

    /** The shape of the xcap talk, with the reason (e.g. "drop_reason NETFILTER_DROP") and the hook after the count. */
    public void printText(PrintWriter out, int top, boolean showHook) {
        for (Entry e : top(top)) {
            out.println("[");
            for (String frame : e.hasStack() ? e.frames() : List.of(NO_STACK)) {
                out.println("  " + frame);
            }
            StringBuilder tail = new StringBuilder("]: ").append(e.count());
            if (e.reason() != null) {
                tail.append("  ").append(e.reason());
            }
            if (showHook) {
                tail.append("  at ").append(e.hook());
            }
            out.println(tail);
        }
        out.flush();
    }

    /** Folded stacks, outermost frame first; stacks that were not recorded are left out (the summary counts them). */
    public void printFolded(PrintWriter out, int top) {
        for (Entry e : top(top)) {
            if (!e.hasStack()) {
                continue;
            }
            List<String> outerFirst = new ArrayList<>(e.frames());
            java.util.Collections.reverse(outerFirst);
            out.println(String.join(";", outerFirst.stream().map(f -> f.replace(';', ':').replace(' ', '_')).toList())
                    + " " + e.count());
        }
        out.flush();
    }

    public void printJson(PrintWriter out, int top, List<String> hooks, String expression) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        ArrayNode hookArray = root.putArray("hooks");
        hooks.forEach(hookArray::add);
        root.put("filter", expression);
        root.put("packets", total);
        root.put("packets_without_stack", withoutStack());
        ArrayNode stacks = root.putArray("stacks");
        for (Entry e : top(top)) {
            ObjectNode s = stacks.addObject();
            s.put("count", e.count());
            s.put("hook", e.hook());
            if (e.reason() != null) {
                s.put(e.reason().label(), e.reason().name());
            }
            s.put("stack_recorded", e.hasStack());
            ArrayNode frames = s.putArray("frames");
            e.frames().forEach(frames::add);
        }
        out.println(mapper.writeValueAsString(root));
        out.flush();
    }
}

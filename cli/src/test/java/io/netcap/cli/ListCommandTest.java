package io.netcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netcap.bpf.Privileges;
import io.netcap.bpf.btf.Btf;
import io.netcap.capture.kernel.TraceFs;
import io.netcap.capture.program.AttachSupport;
import io.netcap.capture.program.HookCatalog;
import io.netcap.capture.program.HookKind;
import io.netcap.capture.program.HookListing;
import io.netcap.capture.program.HookListing.CheckedFunctions;
import io.netcap.capture.program.HookListing.CheckedTracepoint;
import io.netcap.capture.program.HookListing.Refusal;
import io.netcap.cli.list.JsonListing;
import io.netcap.cli.list.ListingRenderer;
import io.netcap.cli.list.TextListing;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@code netcap list} in-process against this machine's kernel. */
class ListCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Result(int code, String out, String err) {
    }

    @BeforeAll
    static void needsKernelBtf() {
        assumeTrue(Files.isReadable(Btf.VMLINUX), "needs the kernel's BTF");
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Netcap.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    /** The rows of the table whose header line starts with {@code firstHeader}, split on runs of 2+ spaces. */
    static List<List<String>> table(String out, String firstHeader) {
        List<String> lines = out.lines().toList();
        int header = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(firstHeader + " ")) {
                header = i;
                break;
            }
        }
        assertTrue(header >= 0, "no table headed " + firstHeader + " in:\n" + out);
        List<List<String>> rows = new ArrayList<>();
        for (String line : lines.subList(header + 1, lines.size())) {
            if (line.isBlank()) {
                break;
            }
            rows.add(Arrays.asList(line.split(" {2,}")));
        }
        return rows;
    }

    static JsonNode json(String... args) throws IOException {
        Result r = run(args);
        assertEquals(0, r.code(), r.err());
        return JSON.readTree(r.out());
    }

    static List<String> strings(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    @Test
    void anAnchoredRegexFindsExactlyIcmpRcvWithItsSkbFirst() {
        Result r = run("list", "--functions", "^icmp_rcv$");
        assertEquals(0, r.code(), r.err());
        List<List<String>> rows = table(r.out(), "HOOK");
        assertEquals(1, rows.size(), r.out());
        assertEquals(List.of("icmp_rcv@1", "icmp_rcv", "1", "(struct sk_buff *skb)"), rows.get(0));
        assertTrue(r.out().startsWith("kernel " + System.getProperty("os.version") + ": tracepoint "), r.out());
        assertFalse(r.out().contains("EVENT"), "--functions lists no tracepoints: " + r.out());
    }

    @Test
    void tracepointsShowEveryFormNetcapSkbTakes() {
        Result r = run("list", "--tracepoints", "netif_receive_skb|kfree_skb");
        assertEquals(0, r.code(), r.err());
        Map<String, List<String>> rows = new LinkedHashMap<>();
        table(r.out(), "EVENT").forEach(row -> rows.put(row.get(0), row));
        assertFalse(r.out().contains("FUNCTION"), "--tracepoints lists no functions: " + r.out());
        List<String> receive = rows.get("netif_receive_skb");
        assertEquals("1", receive.get(1));
        List<String> hooks = List.of(receive.get(2).split(" "));
        assertTrue(hooks.contains("tp_btf:netif_receive_skb"), receive.toString());
        assertTrue(hooks.contains("raw_tp:netif_receive_skb"), receive.toString());
        if (Privileges.isRoot() && TraceFs.open().isPresent()) {
            assertTrue(hooks.contains("tracepoint:net:netif_receive_skb"), receive.toString());
            assertTrue(rows.get("kfree_skb").get(2).contains("tracepoint:skb:kfree_skb"), rows.toString());
        } else {
            assertTrue(r.err().contains("tracefs is not readable"), r.err());
        }
        assertEquals("1", rows.get("kfree_skb").get(1));
        assertTrue(rows.get("kfree_skb").get(3).startsWith("(struct sk_buff *skb, "), rows.toString());
    }

    @Test
    void everyListedTracepointHookIsAcceptedByNetcapSkb() {
        JsonNode doc;
        try {
            doc = json("list", "--tracepoints", "--json");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        int checked = 0;
        for (JsonNode tp : doc.get("tracepoints")) {
            for (String hook : strings(tp.get("hooks"))) {
                Result dry = run("skb", "-f", hook, "--dry-run");
                assertEquals(0, dry.code(), hook + ": " + dry.err());
                checked++;
            }
            for (JsonNode refused : tp.get("refused")) {
                assertFalse(refused.get("reason").asText().isBlank(), refused.toString());
            }
        }
        assertTrue(checked >= 10, "only " + checked + " hooks listed");
    }

    @Test
    void jsonAgreesWithTheTables() throws IOException {
        String regex = "^(icmp_rcv|ip_rcv|netif_receive_skb|skb_try_coalesce|kfree_skb|net_dev_queue)$";
        Result text = run("list", regex);
        assertEquals(0, text.code(), text.err());
        JsonNode doc = json("list", regex, "--json");

        List<List<String>> functionRows = table(text.out(), "HOOK");
        JsonNode functions = doc.get("functions");
        assertEquals(functionRows.size(), functions.size());
        for (int i = 0; i < functionRows.size(); i++) {
            JsonNode f = functions.get(i);
            List<String> row = functionRows.get(i);
            assertEquals(row.get(1), f.get("name").asText());
            assertEquals(row.get(2), String.join(",", strings(f.get("skb_args"))));
            assertEquals(row.get(0), String.join(" ", strings(f.get("hooks"))));
            assertEquals(row.get(3), "(" + String.join(", ", strings(f.get("params"))) + ")");
        }
        assertTrue(functionRows.stream().anyMatch(row -> row.get(1).equals("icmp_rcv")), text.out());

        List<List<String>> tracepointRows = table(text.out(), "EVENT");
        JsonNode tracepoints = doc.get("tracepoints");
        assertEquals(tracepointRows.size(), tracepoints.size());
        for (int i = 0; i < tracepointRows.size(); i++) {
            JsonNode tp = tracepoints.get(i);
            List<String> row = tracepointRows.get(i);
            assertEquals(row.get(0), tp.get("event").asText());
            assertEquals(row.get(1), String.join(",", strings(tp.get("skb_args"))));
            assertEquals(row.get(2), String.join(" ", strings(tp.get("hooks"))));
        }

        JsonNode kernel = doc.get("kernel");
        assertEquals(System.getProperty("os.version"), kernel.get("release").asText());
        for (String kind : List.of("kprobe", "fentry", "tp_btf", "raw_tp", "tracepoint")) {
            assertTrue(kernel.has(kind), kind);
            assertTrue(kernel.get(kind).isBoolean() || kernel.get(kind).isNull(), kind + ": " + kernel);
            String described = kernel.get(kind).isNull() ? "unknown" : kernel.get(kind).asBoolean() ? "yes" : "no";
            assertTrue(text.out().lines().findFirst().orElseThrow().contains(kind + " " + described), text.out());
        }
    }

    @Test
    void withoutARegexThereAreThousandsOfFunctions() throws IOException {
        JsonNode doc = json("list", "--functions", "--json");
        assertTrue(doc.get("functions").size() > 1000, "only " + doc.get("functions").size());
        assertFalse(doc.has("tracepoints"), "--functions leaves tracepoints out");
        for (JsonNode f : doc.get("functions")) {
            assertTrue(f.get("skb_args").size() >= 1, f.toString());
            assertEquals(f.get("skb_args").size(), f.get("hooks").size(), f.toString());
        }
    }

    @Test
    void aBadRegexIsAUsageErrorWithTheReason() {
        Result r = run("list", "icmp_(rcv");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("bad regular expression 'icmp_(rcv': Unclosed group"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertTrue(r.err().strip().lines().count() <= 2, "at most two lines: " + r.err());
        assertEquals("", r.out());
    }

    @Test
    void functionsAndTracepointsTogetherIsAUsageError() {
        for (String[] args : List.of(new String[] {"list", "--functions", "--tracepoints"},
                new String[] {"list", "--tracepoints", "skb", "--functions", "--json"})) {
            Result r = run(args);
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains("--functions, --tracepoints are mutually exclusive"), r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
            assertEquals("", r.out());
        }
    }

    @Test
    void aRegexMatchingNothingListsEmptyTables() throws IOException {
        JsonNode doc = json("list", "^no_such_hook_anywhere$", "--json");
        assertEquals(0, doc.get("functions").size());
        assertEquals(0, doc.get("tracepoints").size());
    }

    @Test
    void helpShowsTheCommand() {
        Result top = run("--help");
        assertTrue(top.out().contains("list"), top.out());
        Result help = run("list", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--tracepoints"), help.out());
        assertTrue(help.out().contains("[--functions | --tracepoints]"), help.out());
        assertTrue(help.out().contains("REGEX"), help.out());
    }

    /**
     * The renderers on a listing made up here, byte for byte: the tests above read real listings,
     * whose rows differ from kernel to kernel.
     */
    @Nested
    class Renderers {
        private final AttachSupport support;
        private final HookListing listing;

        Renderers() throws IOException {
            support = AttachSupport.detect(Btf.vmlinux(), Optional.empty(), false);
            CheckedFunctions functions = new CheckedFunctions(List.of(
                    new HookCatalog.Function("icmp_rcv", List.of(1), List.of("struct sk_buff *skb")),
                    new HookCatalog.Function("skb_try_coalesce", List.of(1, 2), List.of())),
                    Optional.of(new Refusal("icmp_rcv@1", "function hooks need X", false)));
            List<CheckedTracepoint> tracepoints = List.of(
                    new CheckedTracepoint(new HookCatalog.Tracepoint("kfree_skb", List.of(1),
                            List.of("struct sk_buff *skb", "void *location"), HookCatalog.TracefsForm.USABLE,
                            List.of("skb"), List.of()),
                            List.of("tp_btf:kfree_skb", "tracepoint:skb:kfree_skb"),
                            List.of(new Refusal("raw_tp:kfree_skb", "this kernel cannot attach raw_tp programs: no",
                                    true))),
                    new CheckedTracepoint(new HookCatalog.Tracepoint("sock_rcvqueue_full", List.of(3), List.of(),
                            HookCatalog.TracefsForm.NO_SKB_FIELD, List.of(), List.of("sock")),
                            List.of(),
                            List.of(new Refusal("tracepoint:sock:sock_rcvqueue_full",
                                    "tracepoint sock:sock_rcvqueue_full has no skb field", false))));
            listing = new HookListing(support, Optional.of(functions), Optional.of(tracepoints));
        }

        private String render(ListingRenderer renderer, HookListing listing) {
            StringWriter out = new StringWriter();
            renderer.render(listing, new PrintWriter(out, true));
            return out.toString();
        }

        @Test
        void tablesAreAlignedWithWhatNetcapRefusesUnderThem() {
            String text = render(new TextListing("skb"), listing);
            String kernel = text.lines().findFirst().orElseThrow();
            assertTrue(kernel.startsWith("kernel " + support.release() + ": tracepoint "), kernel);
            // Refusals by the kernel (raw_tp here) are the kernel line's to explain, not repeated below.
            assertEquals(kernel + "\n" + """

                    functions with a struct sk_buff * argument matching 'skb': 2 (use as netcap skb -f HOOK; \
                    attaching here: %s)
                    netcap skb refuses function hooks here: function hooks need X
                    HOOK                                   FUNCTION          SKB  PARAMETERS
                    icmp_rcv@1                             icmp_rcv          1    (struct sk_buff *skb)
                    skb_try_coalesce@1 skb_try_coalesce@2  skb_try_coalesce  1,2  ?

                    tracepoints with a struct sk_buff * argument matching 'skb': 2 (use as netcap skb -f HOOK)
                    EVENT               SKB  HOOKS                                      PARAMETERS
                    kfree_skb           1    tp_btf:kfree_skb tracepoint:skb:kfree_skb  (struct sk_buff *skb, void *location)
                    sock_rcvqueue_full  3    -                                          ?

                    not usable with netcap skb -f:
                      tracepoint:sock:sock_rcvqueue_full: tracepoint sock:sock_rcvqueue_full has no skb field
                    """.formatted(support.availability(HookKind.FUNCTION).describe()), text);
        }

        @Test
        void withoutARegexOrARefusalTheTitlesSayNeither() {
            HookListing plain = new HookListing(support,
                    Optional.of(new CheckedFunctions(listing.functions().orElseThrow().functions(), Optional.empty())),
                    Optional.empty());
            List<String> lines = render(new TextListing(null), plain).lines().toList();
            assertEquals("functions with a struct sk_buff * argument: 2 (use as netcap skb -f HOOK; attaching here: "
                    + support.availability(HookKind.FUNCTION).describe() + ")", lines.get(2));
            assertEquals("HOOK                                   FUNCTION          SKB  PARAMETERS", lines.get(3));
            assertEquals(6, lines.size(), lines.toString());
        }

        @Test
        void jsonKeepsEveryRefusalInTheSameOrderAsTheTables() throws IOException {
            String json = render(new JsonListing(), listing);
            JsonNode kernel = JSON.readTree(json).get("kernel");
            assertEquals(support.release(), kernel.get("release").asText());
            assertEquals(List.of("release", "tracepoint", "raw_tp", "tp_btf", "fentry", "kprobe", "details"),
                    iterate(kernel.fieldNames()));
            assertTrue(json.startsWith("{\n  \"kernel\" : {\n    \"release\" : "), json);
            assertEquals("""
                    "functions_refused" : "function hooks need X",
                      "functions" : [ {
                        "name" : "icmp_rcv",
                        "skb_args" : [ 1 ],
                        "params" : [ "struct sk_buff *skb" ],
                        "hooks" : [ "icmp_rcv@1" ]
                      }, {
                        "name" : "skb_try_coalesce",
                        "skb_args" : [ 1, 2 ],
                        "params" : [ ],
                        "hooks" : [ "skb_try_coalesce@1", "skb_try_coalesce@2" ]
                      } ],
                      "tracepoints" : [ {
                        "event" : "kfree_skb",
                        "category" : "skb",
                        "skb_args" : [ 1 ],
                        "params" : [ "struct sk_buff *skb", "void *location" ],
                        "hooks" : [ "tp_btf:kfree_skb", "tracepoint:skb:kfree_skb" ],
                        "refused" : [ {
                          "hook" : "raw_tp:kfree_skb",
                          "reason" : "this kernel cannot attach raw_tp programs: no"
                        } ],
                        "tracefs" : "usable"
                      }, {
                        "event" : "sock_rcvqueue_full",
                        "category" : null,
                        "skb_args" : [ 3 ],
                        "params" : [ ],
                        "hooks" : [ ],
                        "refused" : [ {
                          "hook" : "tracepoint:sock:sock_rcvqueue_full",
                          "reason" : "tracepoint sock:sock_rcvqueue_full has no skb field"
                        } ],
                        "tracefs" : "no_skb_field"
                      } ]
                    }
                    """, json.substring(json.indexOf("\"functions_refused\"")));
        }

        @Test
        void jsonLeavesOutWhatWasNotAskedFor() throws IOException {
            JsonNode doc = JSON.readTree(render(new JsonListing(),
                    new HookListing(support, Optional.empty(), listing.tracepoints())));
            assertEquals(List.of("kernel", "tracepoints"), iterate(doc.fieldNames()));
            doc = JSON.readTree(render(new JsonListing(), new HookListing(support,
                    Optional.of(new CheckedFunctions(List.of(), Optional.empty())), Optional.empty())));
            assertEquals(List.of("kernel", "functions_refused", "functions"), iterate(doc.fieldNames()));
            assertTrue(doc.get("functions_refused").isNull(), doc.toString());
        }

        private static List<String> iterate(Iterator<String> names) {
            List<String> list = new ArrayList<>();
            names.forEachRemaining(list::add);
            return list;
        }
    }
}

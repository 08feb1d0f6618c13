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
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
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
        Result r = run("list", "--functions", "--tracepoints");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--functions and --tracepoints exclude each other"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
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
        assertTrue(help.out().contains("REGEX"), help.out());
    }
}

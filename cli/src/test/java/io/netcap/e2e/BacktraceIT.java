package io.netcap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** netcap backtrace against packets really dropped by an iptables rule inside a namespace. */
class BacktraceIT extends KernelTest {
    private static final int PINGS = 4;

    private record Run(String stdout, String stderr) {
    }

    /** One printed stack: frames innermost first, its count, and the text after the count. */
    private record Stack(List<String> frames, long count, String tail) {
    }

    private static Run backtrace(TestNetwork net, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("backtrace", "-c", Integer.toString(PINGS), "-e",
                "icmp and dst host " + net.addrB));
        args.addAll(Arrays.asList(extra));
        try (NetcapProcess p = NetcapProcess.start(args.toArray(String[]::new))) {
            p.awaitListening();
            net.ping(PINGS, true);
            assertEquals(0, p.waitFor(30), p.stderr());
            return new Run(p.stdout(), p.stderr());
        }
    }

    /** Parses the talk's shape: "[", one frame per line, "]: COUNT  drop_reason NAME". */
    private static List<Stack> parseText(String text) {
        List<Stack> stacks = new ArrayList<>();
        List<String> frames = null;
        for (String line : text.split("\n")) {
            if (line.equals("[")) {
                frames = new ArrayList<>();
            } else if (line.startsWith("]: ")) {
                String[] parts = line.substring(3).split(" ", 2);
                stacks.add(new Stack(frames, Long.parseLong(parts[0]), parts.length > 1 ? parts[1].strip() : ""));
                frames = null;
            } else {
                assertTrue(frames != null && line.startsWith("  "), "unexpected line: " + line);
                frames.add(line.strip());
            }
        }
        return stacks;
    }

    @Test
    void countsNetfilterDropsByStackWithTheReasonInEveryFormat() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            net.ping(1); // resolve the neighbour first, so the drops share one path
            net.dropIcmpAtB();

            Run text = backtrace(net);
            List<Stack> stacks = parseText(text.stdout());
            assertFalse(stacks.isEmpty(), text.stdout() + text.stderr());
            assertEquals(PINGS, stacks.stream().mapToLong(Stack::count).sum(), text.stdout());
            for (Stack s : stacks) {
                assertEquals("drop_reason NETFILTER_DROP", s.tail(), text.stdout());
                assertTrue(s.frames().contains("nf_hook_slow") && s.frames().contains("ip_local_deliver"), text.stdout());
                assertFalse(s.frames().stream().anyMatch(f -> f.startsWith("bpf_")), "BPF frames trimmed: " + s);
            }
            assertTrue(text.stderr().contains(PINGS + " packets counted in " + stacks.size() + " stack"), text.stderr());

            Run json = backtrace(net, "--json");
            JsonNode doc = new ObjectMapper().readTree(json.stdout());
            assertEquals(PINGS, doc.get("packets").asLong());
            assertEquals(0, doc.get("packets_without_stack").asLong());
            long sum = 0;
            for (JsonNode s : doc.get("stacks")) {
                sum += s.get("count").asLong();
                assertEquals("NETFILTER_DROP", s.get("drop_reason").asText());
                // the default hook: BTF-typed where the kernel describes the tracepoint (it does here)
                assertEquals("tp_btf:kfree_skb", s.get("hook").asText());
                assertTrue(s.get("stack_recorded").asBoolean());
            }
            assertEquals(PINGS, sum);
            List<String> jsonFrames = new ArrayList<>();
            doc.get("stacks").get(0).get("frames").forEach(f -> jsonFrames.add(f.asText()));
            assertTrue(stacks.stream().anyMatch(s -> s.frames().equals(jsonFrames)),
                    "the JSON's top stack is one the text showed:\n" + jsonFrames + "\n" + text.stdout());

            Run folded = backtrace(net, "--folded");
            long foldedSum = 0;
            for (String line : folded.stdout().strip().split("\n")) {
                int space = line.lastIndexOf(' ');
                foldedSum += Long.parseLong(line.substring(space + 1));
                List<String> frames = new ArrayList<>(List.of(line.substring(0, space).split(";")));
                Collections.reverse(frames);
                assertTrue(stacks.stream().anyMatch(s -> s.frames().equals(frames)),
                        "folded stack (outermost first) is one the text showed: " + line);
            }
            assertEquals(PINGS, foldedSum, folded.stdout());
        }
    }
}

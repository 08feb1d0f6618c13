package io.netcap.capture.program;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netcap.bpf.BpfException;
import io.netcap.bpf.BpfMap;
import io.netcap.bpf.BpfObject;
import io.netcap.bpf.BpfProgram;
import io.netcap.bpf.TestPrograms;
import io.netcap.bpf.TestRunResult;
import io.netcap.filter.CbpfProgram;
import io.netcap.filter.CompiledFilter;
import io.netcap.filter.FilterCompiler;
import io.netcap.filter.FilterException;
import io.netcap.filter.Pcap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * The filter compiler's C, run in the kernel: every expression of {@link FilterExpressions} is
 * compiled to C, built into BPF programs, loaded (so the verifier must accept it) and run with
 * BPF_PROG_TEST_RUN over every packet of {@link FilterPackets}; each verdict must equal libpcap's
 * own interpreter on the same cBPF program, bytes and lengths.
 *
 * <p>Expressions are batched, {@value #BATCH_SIZE} to an object, to keep clang time down. Each
 * gets two SEC("syscall") programs, one per framing. The packet goes through an array map whose
 * value matches the filter's contract: at least 0x10000 bytes readable from {@code data}. Bytes
 * past the captured length are filled with garbage, so a filter that reads beyond
 * {@code data_end} shows up as a wrong verdict.
 */
@Tag("kernel")
class FilterKernelTest {
    private static final int BATCH_SIZE = 30;
    private static final int PACKET_BUFFER = 0x10000;
    private static final int HEADER = 8; // cap_len, wire_len
    private static final byte GARBAGE = (byte) 0xa5;
    private static final int MISMATCHES_SHOWN = 8;

    // Results of the programs, besides the verdicts 0 and 1.
    private static final int NO_MAP_VALUE = 2;
    private static final int TOO_LONG = 3;
    private static final int TWO_ARG_DISAGREES = 4;

    @TestFactory
    Stream<DynamicNode> everyFilterGivesLibpcapsVerdictInTheKernel() {
        TestPrograms.assumeRoot();
        List<String> expressions = FilterExpressions.all();
        assertTrue(expressions.size() >= 150, "only " + expressions.size() + " expressions");
        List<FilterPackets.Packet> l2Packets = FilterPackets.l2();
        List<FilterPackets.Packet> l3Packets = FilterPackets.l3();
        return IntStream.range(0, (expressions.size() + BATCH_SIZE - 1) / BATCH_SIZE).mapToObj(b -> {
            int from = b * BATCH_SIZE;
            int to = Math.min(expressions.size(), from + BATCH_SIZE);
            Batch batch = new Batch(b, from, expressions.subList(from, to), l2Packets, l3Packets);
            List<DynamicTest> tests = new ArrayList<>();
            for (int i = from; i < to; i++) {
                int index = i;
                String expression = expressions.get(i);
                tests.add(DynamicTest.dynamicTest("#" + i + " \"" + expression + "\"", () -> batch.results().check(index)));
            }
            return DynamicContainer.dynamicContainer("expressions " + from + ".." + (to - 1), tests);
        });
    }

    /** What happened to one expression. */
    private static final class Outcome {
        final String expression;
        String compileError;
        final Map<String, String> rejections = new LinkedHashMap<>(); // framing -> message and log
        final List<String> mismatches = new ArrayList<>();
        int runs;

        Outcome(String expression) {
            this.expression = expression;
        }
    }

    private static final class Results {
        final Map<Integer, Outcome> outcomes = new HashMap<>();

        void check(int index) {
            Outcome o = outcomes.get(index);
            String name = "\"" + o.expression + "\"";
            if (o.compileError != null) {
                fail("filter compiler failed on " + name + ": " + o.compileError);
            }
            if (!o.rejections.isEmpty()) {
                StringBuilder b = new StringBuilder("verifier rejected " + name + ":");
                o.rejections.forEach((framing, log) -> b.append("\n--- ").append(framing).append(" program: ").append(log));
                fail(b.toString());
            }
            if (!o.mismatches.isEmpty()) {
                fail(o.mismatches.size() + " of " + o.runs + " verdicts of " + name + " differ from libpcap:\n  "
                        + String.join("\n  ", o.mismatches.subList(0, Math.min(MISMATCHES_SHOWN, o.mismatches.size())))
                        + (o.mismatches.size() > MISMATCHES_SHOWN ? "\n  ..." : ""));
            }
            assertTrue(o.runs > 0, "no packet was run through " + name);
        }
    }

    /** One BPF object holding the programs of a slice of the expressions; built and run on first use. */
    private static final class Batch {
        private final int number;
        private final int firstIndex;
        private final List<String> expressions;
        private final List<FilterPackets.Packet> l2Packets;
        private final List<FilterPackets.Packet> l3Packets;
        private Results results;

        Batch(int number, int firstIndex, List<String> expressions, List<FilterPackets.Packet> l2Packets,
              List<FilterPackets.Packet> l3Packets) {
            this.number = number;
            this.firstIndex = firstIndex;
            this.expressions = expressions;
            this.l2Packets = l2Packets;
            this.l3Packets = l3Packets;
        }

        synchronized Results results() {
            if (results == null) {
                results = run();
            }
            return results;
        }

        private Results run() {
            Results r = new Results();
            Map<Integer, CompiledFilter> filters = new LinkedHashMap<>();
            for (int i = 0; i < expressions.size(); i++) {
                int index = firstIndex + i;
                Outcome outcome = new Outcome(expressions.get(i));
                r.outcomes.put(index, outcome);
                try {
                    filters.put(index, FilterCompiler.compile(expressions.get(i), "f" + index));
                } catch (FilterException | RuntimeException e) {
                    outcome.compileError = e.toString();
                }
            }
            if (filters.isEmpty()) {
                return r;
            }
            byte[] elf = TestPrograms.CLANG.compile(Map.of("filters.bpf.c", source(filters))).object();
            try (BpfObject object = loadAcceptedPrograms(elf, r)) {
                run(object, filters, r, "l2", l2Packets);
                run(object, filters, r, "l3", l3Packets);
            }
            return r;
        }

        /**
         * libbpf stops at the first program the verifier refuses; note it, leave it out, and
         * load again until the rest loads, so that every rejection is reported.
         */
        private BpfObject loadAcceptedPrograms(byte[] elf, Results r) {
            Set<String> rejected = new HashSet<>();
            while (true) {
                BpfObject object = BpfObject.open(elf, "filters" + number);
                try {
                    for (String name : rejected) {
                        object.program(name).setAutoload(false);
                    }
                    object.load();
                    return object;
                } catch (BpfException e) {
                    object.close();
                    if (e.program() == null || !rejected.add(e.program())) {
                        throw e;
                    }
                    String[] parts = e.program().split("_"); // run_<index>_<framing>
                    r.outcomes.get(Integer.parseInt(parts[1])).rejections.put(parts[2],
                            e.getMessage() + "\n" + e.verifierLog());
                }
            }
        }

        private static void run(BpfObject object, Map<Integer, CompiledFilter> filters, Results r, String framing,
                                List<FilterPackets.Packet> packets) {
            BpfMap input = object.map("input");
            byte[] value = new byte[input.valueBufferSize()];
            byte[] key = new byte[4];
            Map<Integer, BpfProgram> programs = new LinkedHashMap<>();
            for (int index : filters.keySet()) {
                BpfProgram program = object.program("run_" + index + "_" + framing);
                if (program.autoload()) {
                    programs.put(index, program);
                }
            }
            for (FilterPackets.Packet packet : packets) {
                ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).putInt(0, packet.capturedLength())
                        .putInt(4, packet.wireLength());
                System.arraycopy(packet.bytes(), 0, value, HEADER, packet.capturedLength());
                Arrays.fill(value, HEADER + packet.capturedLength(), value.length, GARBAGE);
                input.update(key, value);
                for (Map.Entry<Integer, BpfProgram> entry : programs.entrySet()) {
                    CompiledFilter filter = filters.get(entry.getKey());
                    CbpfProgram cbpf = framing.equals("l2") ? filter.l2() : filter.l3();
                    int expected = Pcap.filter(cbpf, packet.bytes(), packet.wireLength(), packet.capturedLength()) != 0 ? 1 : 0;
                    int actual = entry.getValue().testRun(null, null).retval();
                    Outcome outcome = r.outcomes.get(entry.getKey());
                    outcome.runs++;
                    if (actual != expected) {
                        outcome.mismatches.add(framing + " " + packet + ": kernel " + describe(actual)
                                + ", libpcap " + expected);
                    }
                }
            }
        }

        private static String describe(int retval) {
            return switch (retval) {
                case NO_MAP_VALUE -> "2 (harness: no map value)";
                case TOO_LONG -> "3 (harness: length over buffer)";
                case TWO_ARG_DISAGREES -> "4 (F(data, data_end) disagrees with F_len)";
                default -> Integer.toString(retval);
            };
        }

        private static String source(Map<Integer, CompiledFilter> filters) {
            StringBuilder c = new StringBuilder(TestPrograms.PRELUDE).append("""

                    #define PACKET_BUFFER %d
                    struct packet_input {
                        __u32 cap_len;
                        __u32 wire_len;
                        __u8 data[PACKET_BUFFER];
                    };
                    struct {
                        __uint(type, BPF_MAP_TYPE_ARRAY);
                        __uint(max_entries, 1);
                        __type(key, __u32);
                        __type(value, struct packet_input);
                    } input SEC(".maps");

                    """.formatted(PACKET_BUFFER));
            filters.forEach((index, filter) -> {
                c.append(filter.cSource()).append('\n');
                c.append(runner(index, "l2", filter.l2Function()));
                c.append(runner(index, "l3", filter.l3Function()));
            });
            return c.toString();
        }

        /** The program for one framing: the filter's verdict as 1/0, or a harness error code. */
        private static String runner(int index, String framing, String function) {
            return """
                    SEC("syscall")
                    int run_%1$d_%2$s(void *ctx)
                    {
                        __u32 zero = 0;
                        struct packet_input *in = bpf_map_lookup_elem(&input, &zero);
                        if (!in)
                            return %4$d;
                        __u32 cap = in->cap_len;
                        if (cap > PACKET_BUFFER)
                            return %5$d;
                        const __u8 *data = in->data;
                        const __u8 *end = data + cap;
                        int accept = %3$s_len(data, end, in->wire_len) != 0;
                        /* the two-argument form takes the wire length to be the captured length */
                        if (cap == in->wire_len && (%3$s(data, end) != 0) != accept)
                            return %6$d;
                        return accept;
                    }

                    """.formatted(index, framing, function, NO_MAP_VALUE, TOO_LONG, TWO_ARG_DISAGREES);
        }
    }
}

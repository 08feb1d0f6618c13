package io.netcap.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * For every expression × packet × link type, three verdicts must agree: the generated C
 * (compiled with gcc, once, for all expressions), libpcap's {@code bpf_filter} on the same
 * program, and tcpdump reading the same packets from a pcap file.
 */
class DifferentialTest {
    private static final int MAX_REPORTED = 15;

    @TempDir
    static Path work;

    /** Everything computed up front for one link type. */
    private record Run(LinkType linkType, List<PacketCorpus.Sample> samples, long[][] cVerdicts,
                       List<BitSet> tcpdumpMatches, List<String> tcpdumpErrors) {}

    @TestFactory
    Stream<DynamicTest> generatedCMatchesLibpcapAndTcpdump() throws Exception {
        List<String> expressions = FilterExpressions.all();
        assertTrue(expressions.size() >= 150, "need at least 150 expressions, have " + expressions.size());

        List<CompiledFilter> filters = new ArrayList<>();
        HostShim shim = new HostShim();
        for (int i = 0; i < expressions.size(); i++) {
            CompiledFilter filter = FilterCompiler.compile(expressions.get(i), "f" + i);
            filters.add(filter);
            shim.add(filter.cSource(), filter.l2Function() + "_len", filter.l3Function() + "_len");
        }
        shim.compile(work.resolve("shim"));

        Run l2 = run(LinkType.ETHERNET, expressions, shim, 0);
        Run l3 = run(LinkType.RAW_IP, expressions, shim, 1);

        DynamicTest notDegenerate = DynamicTest.dynamicTest("verdicts are neither all-match nor all-miss", () -> {
            for (Run run : List.of(l2, l3)) {
                long matches = run.tcpdumpMatches().stream().mapToLong(BitSet::cardinality).sum();
                long pairs = (long) expressions.size() * run.samples().size();
                assertTrue(matches > pairs / 20 && matches < pairs / 2,
                        run.linkType() + ": " + matches + " tcpdump matches of " + pairs + " pairs");
            }
        });
        return Stream.concat(Stream.of(notDegenerate), IntStream.range(0, expressions.size()).mapToObj(i -> DynamicTest.dynamicTest(
                "[" + i + "] " + (expressions.get(i).isEmpty() ? "(empty)" : expressions.get(i)),
                () -> {
                    List<String> problems = new ArrayList<>();
                    check(l2, filters.get(i).l2(), i, problems);
                    check(l3, filters.get(i).l3(), i, problems);
                    if (!problems.isEmpty()) {
                        fail("expression \"" + expressions.get(i) + "\": " + problems.size() + " disagreement(s)\n"
                                + String.join("\n", problems.subList(0, Math.min(MAX_REPORTED, problems.size()))));
                    }
                })));
    }

    private static Run run(LinkType linkType, List<String> expressions, HostShim shim, int firstFunction) throws Exception {
        List<PacketCorpus.Sample> samples = PacketCorpus.samples(linkType);
        List<HostShim.Input> inputs = samples.stream().map(PacketCorpus.Sample::input).toList();
        long[][] c = shim.run(inputs, work.resolve("shim"), firstFunction, 2);

        Path dir = work.resolve(linkType.name());
        Files.createDirectories(dir);
        Path pcap = dir.resolve("corpus.pcap");
        PcapFileWriter.write(pcap, linkType, inputs);

        List<BitSet> matches = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Object>> results = new ArrayList<>();
            for (int i = 0; i < expressions.size(); i++) {
                int index = i;
                results.add(pool.submit(() -> Tcpdump.matching(pcap, dir.resolve("out" + index + ".pcap"), expressions.get(index))));
            }
            for (Future<Object> result : results) {
                Object r = result.get(60, TimeUnit.SECONDS);
                matches.add(r instanceof BitSet b ? b : new BitSet());
                errors.add(r instanceof String s ? s : null);
            }
        } finally {
            pool.shutdownNow();
        }
        return new Run(linkType, samples, c, matches, errors);
    }

    private static void check(Run run, CbpfProgram program, int expression, List<String> problems) {
        String tcpdumpError = run.tcpdumpErrors().get(expression);
        if (tcpdumpError != null && !program.rejectsAll()) {
            problems.add(run.linkType() + ": tcpdump refused the expression (" + tcpdumpError
                    + ") but the program is not reject-all");
        }
        for (int p = 0; p < run.samples().size(); p++) {
            HostShim.Input in = run.samples().get(p).input();
            long c = run.cVerdicts()[expression][p];
            long libpcap = Integer.toUnsignedLong(Pcap.filter(program, in.bytes(), in.wireLength(), in.capturedLength()));
            boolean tcpdump = run.tcpdumpMatches().get(expression).get(p);
            if (c != libpcap || (libpcap != 0) != tcpdump) {
                problems.add(String.format("%s packet #%d \"%s\" (caplen %d, len %d): C=%d bpf_filter=%d tcpdump=%s",
                        run.linkType(), p, run.samples().get(p).description(), in.capturedLength(), in.wireLength(),
                        c, libpcap, tcpdump ? "match" : "no match"));
            }
        }
    }

    /** Sanity check on the corpus itself, so a broken builder cannot make the comparison vacuous. */
    @org.junit.jupiter.api.Test
    void corpusCoversTruncationsAndBothLinkTypes() {
        List<PacketCorpus.Sample> l2 = PacketCorpus.samples(LinkType.ETHERNET);
        List<PacketCorpus.Sample> l3 = PacketCorpus.samples(LinkType.RAW_IP);
        assertTrue(l2.size() > 500, "ethernet samples: " + l2.size());
        assertTrue(l3.size() > 200, "raw samples: " + l3.size());
        assertTrue(l2.stream().anyMatch(s -> s.input().capturedLength() < s.input().wireLength()));
        assertEquals(0x45, l3.get(0).input().bytes()[0] & 0xff, "raw packets start at the IPv4 header");
    }

    /** Runs tcpdump over a capture file and reports which records matched. */
    static final class Tcpdump {
        private Tcpdump() {}

        /** BitSet of matching record indices, or tcpdump's error message if it refused the expression. */
        static Object matching(Path in, Path out, String expression) throws IOException, InterruptedException {
            Process p = new ProcessBuilder("tcpdump", "-r", in.toString(), "-w", out.toString(), "--", expression)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            String stderr = new String(p.getErrorStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("tcpdump timed out on " + expression);
            }
            if (p.exitValue() != 0) {
                return stderr.lines().filter(l -> !l.startsWith("reading from")).findFirst().orElse("exit " + p.exitValue());
            }
            return PcapFileWriter.recordIndices(out);
        }
    }
}

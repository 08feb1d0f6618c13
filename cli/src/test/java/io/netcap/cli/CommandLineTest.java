package io.netcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The command line in-process: help, usage errors and --dry-run need neither root nor a kernel
 * capture, so these run anywhere (dry-run needs the kernel's BTF file, which every test machine has).
 */
class CommandLineTest {
    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Netcap.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void onlyTheNamedSubcommandIsBuilt() {
        assertEquals(Netcap.SUBCOMMANDS, List.copyOf(Netcap.commandLine(new String[] {"--help"}).getSubcommands().keySet()));
        assertEquals(Netcap.SUBCOMMANDS, List.copyOf(Netcap.commandLine(new String[0]).getSubcommands().keySet()));
        assertEquals("help", Netcap.SUBCOMMANDS.get(Netcap.SUBCOMMANDS.size() - 1));
        assertEquals(Netcap.SUBCOMMANDS, List.copyOf(Netcap.commandLine(new String[] {"help", "dump"}).getSubcommands().keySet()));
        assertEquals(Netcap.SUBCOMMANDS, List.copyOf(Netcap.commandLine(new String[] {"dumb"}).getSubcommands().keySet()));
        for (String name : Netcap.SUBCOMMANDS.subList(0, Netcap.SUBCOMMANDS.size() - 1)) {
            CommandLine only = Netcap.commandLine(new String[] {name, "--help"});
            assertEquals(List.of(name), List.copyOf(only.getSubcommands().keySet()));
            assertEquals(name, only.getSubcommands().get(name).getCommandSpec().name(), "the annotation's name");
        }
        Result typo = run("dumb");
        assertEquals(2, typo.code());
        assertTrue(typo.err().startsWith("netcap: Unmatched argument at index 0: 'dumb'"), typo.err());
    }

    @Test
    void helpWorksForEverySubcommand() {
        Result top = run("--help");
        assertEquals(0, top.code());
        assertTrue(top.out().contains("skb"), top.out());
        Result skb = run("skb", "--help");
        assertEquals(0, skb.code());
        assertTrue(skb.out().contains("--function"), skb.out());
        assertTrue(skb.out().contains("tracepoint:net:netif_receive_skb"), skb.out());
    }

    @Test
    void helpOfSkbAndDumpSaysThatDashWritesThePcapToStdout() {
        for (String command : List.of("skb", "dump")) {
            Result help = run(command, "--help");
            assertEquals(0, help.code());
            String text = help.out().replaceAll("\\s+", " ");
            assertTrue(text.contains("- writes the pcap to stdout"), help.out());
        }
    }

    @Test
    void missingHooksIsAUsageError() {
        Result r = run("skb", "-e", "icmp");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("netcap: Missing required option"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void badFilterGivesLibpcapsMessageAndExitCode2() {
        Result r = run("skb", "-f", "tracepoint:net:netif_receive_skb", "-e", "tcp prt 80", "--dry-run");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("tcp prt 80"), r.err());
        assertTrue(r.err().contains("syntax error"), r.err());
        assertTrue(r.err().strip().split("\n").length <= 2, "at most two lines: " + r.err());
    }

    @Test
    void badHookSyntaxAndOptionValuesAreUsageErrors() {
        assertUsage(run("skb", "-f", "tracepoint:net", "--dry-run"), "expected tracepoint:CATEGORY:EVENT");
        assertUsage(run("skb", "-f", "tp:net:netif_rx,tracepoint:net:netif_rx", "--dry-run"), "twice");
        assertUsage(run("skb", "-f", "tp_btf:netif_receive_skb", "-s", "70000", "--dry-run"), "between 1 and 65535");
        assertUsage(run("skb", "-f", "tp_btf:netif_receive_skb", "-c", "0", "--dry-run"), "at least 1");
        assertUsage(run("skb", "-f", "tp_btf:netif_receive_skb", "-i", "a/b", "--dry-run"), "not a network device name");
        assertUsage(run("skb", "-f", "tp_btf:netif_receive_skb", "-e", "icmp", "udp", "--dry-run"), "not both");
        assertUsage(run("skb", "-f", "tp_btf:netif_receive_skb", "--transport", "pipe", "--dry-run"),
                "unknown transport \"pipe\": use ring or perf");
    }

    /** Both spellings of the extension options, for every capturing command; checked before anything is loaded. */
    @Test
    void extensionOptionsAreCheckedAsUsage() {
        for (String command : List.of("skb", "dump", "mbuf", "raw")) {
            String[] hook = command.equals("skb") ? new String[] {"-f", "tp_btf:netif_receive_skb"}
                    : command.equals("dump") ? new String[0] : new String[] {"-f", "process_one", "-p", "1"};
            assertUsage(run(concat(new String[] {command}, hook, "--ext-filter", "/nonexistent/f.c", "--dry-run")),
                    "--ext-filter /nonexistent/f.c: no such file");
            assertUsage(run(concat(new String[] {command}, hook, "--user-action", "/nonexistent/a.c", "--dry-run")),
                    "--ext-action /nonexistent/a.c: no such file");
        }
        assertUsage(run("skb", "-f", "tp_btf:netif_receive_skb", "--user-output-color", "red", "--dry-run"),
                "--ext-output-color colours the lines of --ext-action");
    }

    private static String[] concat(String[] first, String[] second, String... rest) {
        List<String> all = new java.util.ArrayList<>(List.of(first));
        all.addAll(List.of(second));
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }

    /**
     * What the bash completion offers for an option is what the option accepts: every static
     * candidate goes through the option's own converter (a custom converter refuses the enum
     * constant names picocli would offer by default).
     */
    @Test
    void everyCompletionCandidateIsAcceptedByItsOption() throws Exception {
        for (String name : Netcap.SUBCOMMANDS.subList(0, Netcap.SUBCOMMANDS.size() - 1)) {
            CommandLine cl = Netcap.commandLine(new String[] {name}).getSubcommands().get(name);
            for (picocli.CommandLine.Model.OptionSpec option : cl.getCommandSpec().options()) {
                Iterable<String> candidates = option.completionCandidates();
                if (candidates == null || candidates instanceof LiveCompletion) {
                    continue;
                }
                for (String candidate : candidates) {
                    if (option.converters().length > 0) {
                        option.converters()[0].convert(candidate); // throws for a value it refuses
                    } else if (option.type().isEnum()) {
                        assertTrue(java.util.Arrays.stream(option.type().getEnumConstants())
                                .anyMatch(c -> ((Enum<?>) c).name().equalsIgnoreCase(candidate)), name + " " + candidate);
                    }
                }
            }
        }
    }

    @Test
    void tcpdumpsRotationSpellingAfterGatherGetsAHint() {
        assertUsage(run("skb", "-f", "tp:net:net_dev_queue,tp:net:netif_rx", "-w", "x.pcap", "-G", "60", "--dry-run"),
                "--rotate-seconds 60");
    }

    @Test
    void gatherOptionsAreCheckedBeforeAnythingLoads() {
        String two = "tp_btf:net_dev_queue,tp_btf:net_dev_start_xmit";
        assertUsage(run("skb", "-G", "-f", "tp_btf:net_dev_queue", "--dry-run"), "give two hooks or more");
        assertUsage(run("skb", "-f", two, "--gather-timeout", "1", "--dry-run"), "--gather-timeout goes with --gather");
        assertUsage(run("skb", "-f", two, "--gather-distinguish-by-pointer", "--dry-run"),
                "--gather-distinguish-by-pointer goes with --gather");
        assertUsage(run("skb", "-G", "-f", two, "--gather-timeout", "0", "--dry-run"), "more than 0");
        assertUsage(run("skb", "-G", "-f", two, "--gather-buffer-size", "8", "--dry-run"), "from 16 to 1048576");
        assertUsage(run("skb", "-G", "-f", two, "--gather-output-color", "pink", "--dry-run"),
                "red|green|yellow|blue|purple|cyan");
        assertUsage(run("skb", "-G", "-f", two, "--gather-identity", "mac", "--dry-run"), "address+content");
        assertUsage(run("skb", "-G", "-f", two, "--gather-identity", "address", "--gather-distinguish-by-pointer",
                "--dry-run"), "give one of them");
        assertUsage(run("skb", "-G", "-f", two, "--gather-timeout", "1e-300", "--dry-run"), "at least 0.000000001 seconds");
        assertUsage(run("skb", "-G", "-f", two, "--gather-timeout", "abc", "--dry-run"),
                "'abc' is not a number of seconds");
        assertUsage(run("skb", "-G", "-f", two, "--gather-timeout", "1e8", "--dry-run"), "at most 86400 seconds, not 1e8");
        assertUsage(run("skb", "--color", "sometimes", "-f", two, "--dry-run"), "auto, always or never");
        assertUsage(run("mbuf", "-G", "-f", "rte_eth_rx_burst@2@4", "--dry-run"), "give two hooks or more");
    }

    @Test
    void unknownBtfTracepointSuggestsCloseNames() {
        assumeTrue(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")), "needs the kernel's BTF");
        Result r = run("skb", "-f", "tp_btf:netif_recieve_skb", "--dry-run");
        assertUsage(r, "unknown tracepoint netif_recieve_skb");
        assertTrue(r.err().contains("did you mean tp_btf:netif_receive_skb"), r.err());
    }

    @Test
    void dryRunPrintsTheGeneratedProgram() {
        assumeTrue(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")), "needs the kernel's BTF");
        Result r = run("skb", "-f", "tp_btf:netif_receive_skb,raw_tp:net_dev_queue", "-e", "icmp", "-i", "eth0",
                "-S", "--dry-run");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("SEC(\"tp_btf/netif_receive_skb\")"), r.out());
        assertTrue(r.out().contains("SEC(\"raw_tp/net_dev_queue\")"), r.out());
        assertTrue(r.out().contains("stacks = 1"), "-S is a run-time setting in .rodata: " + r.out());
        assertTrue(r.out().contains("#define NETCAP_PERF_EVENTS  0"), "ring buffer by default: " + r.out());
        // BTF-typed hooks read the skb with plain loads; raw_tp only has an address to probe
        assertTrue(r.out().contains("NETCAP_ARG_PTR(ctx, -1), NETCAP_BTF_TYPED)"), r.out());
        assertTrue(r.out().contains("NETCAP_ARG_PTR(ctx->args, -1), NETCAP_PROBED)"), r.out());
        assertTrue(r.out().contains("ifname = \"eth0\""), r.out());
        assertTrue(r.out().contains("netcap_filter_l2_len"), r.out());
        assertTrue(r.out().contains("clang"), r.out());
        assertFalse(r.out().contains("@@"), r.out());
    }

    @Test
    void backtraceSharesTheCaptureOptionChecks() {
        // a device name the kernel cannot have is the user's mistake (2), as for skb and dump
        assertUsage(run("backtrace", "-i", "sixteen-chars-xx", "--dry-run"), "not a network device name");
        assertUsage(run("backtrace", "-c", "0", "--dry-run"), "at least 1");
        assertUsage(run("backtrace", "--json", "--folded", "--dry-run"), "mutually exclusive");
        assertUsage(run("backtrace", "-f", "ip_rcv,icmp_rcv", "-a", "1", "--dry-run"), "-a goes with a single -f");
    }

    @Test
    void backtraceTakesXcapsDashA() {
        assumeTrue(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")), "needs the kernel's BTF");
        // the xcap talk's own example: netcap backtrace -f kfree_skb_reason -a 1 -e "icmp and dst host ..."
        Result r = run("backtrace", "-f", "ip_rcv", "-a", "1", "-e", "icmp and dst host 198.18.0.2", "--dry-run");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("SEC(\"fentry/ip_rcv\")"), r.out());
        assertTrue(r.out().contains("netcap_count(ctx, skb, 0"), r.out());
        assertTrue(r.out().contains("stacks = 1"), "backtrace always records stacks: " + r.out());
    }

    @Test
    void enumOptionsAreUsageErrors() {
        assertUsage(run("dump", "-Q", "sideways", "--dry-run"), "sideways");
        assertUsage(run("skb", "-f", "tp_btf:netif_receive_skb", "--fake-hdr", "--skb-data", "--dry-run"),
                "mutually exclusive");
    }

    @Test
    void perfTransportGeneratesAPerfEventArray() {
        assumeTrue(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")), "needs the kernel's BTF");
        Result r = run("skb", "-f", "tp_btf:netif_receive_skb", "--transport", "perf", "--dry-run");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("#define NETCAP_PERF_EVENTS  1"), r.out());
    }

    /** The -t value of a parsed dump command line. */
    private static String tcpdumpFlags(String... args) {
        CommandLine cl = Netcap.commandLine(args);
        cl.parseArgs(args);
        return ((DumpCommand) cl.getSubcommands().get("dump").getCommand()).options.tcpdumpFlags;
    }

    @Test
    void tcpdumpFlagsMayLookLikeNetcapsOwnOptions() {
        assertEquals("-e", tcpdumpFlags("dump", "-t", "-e", "-i", "lo"));
        assertEquals("-e", tcpdumpFlags("dump", "--tcpdump-flags=-e"));
        assertEquals("-vv -e", tcpdumpFlags("dump", "-t", "-vv -e", "-e", "icmp"));
        assertUsage(run("dump", "-t"), "Missing required parameter for option '--tcpdump-flags'");
    }

    private static void assertUsage(Result r, String expected) {
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(expected), () -> "expected \"" + expected + "\" in: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }
}

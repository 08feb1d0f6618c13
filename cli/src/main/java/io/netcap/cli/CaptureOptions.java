package io.netcap.cli;

import io.netcap.bpf.EventTransport;
import io.netcap.capture.CaptureSettings;
import io.netcap.capture.HookSpec;
import io.netcap.capture.NetnsResolver;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Options every capturing subcommand shares (skb, dump). */
public final class CaptureOptions {
    @Option(names = {"-e", "--expression"}, paramLabel = "EXPR",
            description = "tcpdump filter expression, run in the kernel (also accepted as trailing words)")
    String expression;

    @Parameters(paramLabel = "EXPR", arity = "0..*", hidden = true,
            description = "tcpdump filter expression words, as with tcpdump")
    List<String> expressionWords = List.of();

    @Option(names = {"-i", "--interface"}, paramLabel = "IFNAME",
            description = "only packets on a device of this name, in every network namespace")
    String interfaceName;

    @Option(names = {"-w", "--write-file"}, paramLabel = "FILE",
            description = "write packets to a pcap file instead of showing them with tcpdump")
    Path writeFile;

    @Option(names = {"-c", "--count"}, paramLabel = "N", description = "stop after N packets")
    Long count;

    @Option(names = {"-t", "--tcpdump-flags"}, paramLabel = "FLAGS", defaultValue = "-nn",
            description = "flags for the tcpdump that shows packets, split like a shell would (default: ${DEFAULT-VALUE})")
    String tcpdumpFlags;

    @Option(names = {"-s", "--capture-max-size"}, paramLabel = "BYTES", defaultValue = "1514",
            description = "bytes of each packet to capture, 1..65535 (default: ${DEFAULT-VALUE})")
    int captureSize;

    @Option(names = {"-S", "--stack-dump"}, description = "print each packet's kernel stack under it")
    boolean stacks;

    @Option(names = "--ring-size", paramLabel = "MIB", defaultValue = "32",
            description = "size of the kernel-to-user buffer in MiB, a power of two; a perf buffer shares it out among the CPUs (default: ${DEFAULT-VALUE})")
    int ringSizeMiB;

    @Option(names = "--transport", paramLabel = "ring|perf",
            description = "how packets reach netcap: the BPF ring buffer (default where the kernel has it, 5.8+) or the per-CPU perf buffer")
    String transport;

    @Option(names = "--netns", paramLabel = "NS",
            description = "only packets in this network namespace: an inode, /proc/PID/ns/net, or a name from `ip netns`")
    String netns;

    @Option(names = "--json", description = "one JSON object per packet on stdout instead of tcpdump's lines")
    boolean json;

    @Option(names = "--json-bytes", description = "with --json: include the packet bytes in hex")
    boolean jsonBytes;

    @Option(names = "--dry-run", description = "print the generated eBPF C and the clang command, and exit")
    boolean dryRun;

    @Option(names = "--debug", description = "show libbpf's messages and Java stack traces")
    boolean debug;

    /** The filter expression from -e or trailing words (not both). */
    String expression() {
        return expression(expression, expressionWords);
    }

    /** A -f value parsed into hooks; a syntax error is a usage error carrying the parser's message. */
    static List<HookSpec> parseHooks(String text) {
        try {
            return HookSpec.parseList(text);
        } catch (IllegalArgumentException e) {
            throw NetcapException.usage(e.getMessage());
        }
    }

    /** The filter from -e or from trailing words, as tcpdump takes it; giving both is a usage error. */
    static String expression(String option, List<String> words) {
        boolean hasWords = words != null && !words.isEmpty();
        if (option != null && hasWords) {
            throw NetcapException.usage("give the filter either with -e or as trailing words, not both");
        }
        return hasWords ? String.join(" ", words) : (option == null ? "" : option);
    }

    /** Checks the options and returns them as settings for the capture. */
    CaptureSettings toSettings(Integer skbDataOffset, boolean fakeHeaders) {
        validate();
        return new CaptureSettings(expression(), interfaceName, writeFile, count == null ? 0 : count,
                tcpdumpFlags, captureSize, stacks, ringSizeMiB, dryRun, debug, NetnsResolver.resolve(netns),
                skbDataOffset, json, jsonBytes, fakeHeaders, transport());
    }

    private EventTransport transport() {
        try {
            return transport == null ? null : EventTransport.parse(transport);
        } catch (IllegalArgumentException e) {
            throw NetcapException.usage("--transport: " + e.getMessage());
        }
    }

    void validate() {
        if (json && writeFile != null) {
            throw NetcapException.usage("--json and -w do not go together: -w writes pcap, --json prints to stdout");
        }
        if (jsonBytes && !json) {
            throw NetcapException.usage("--json-bytes needs --json");
        }
        if (captureSize < 1 || captureSize > 65535) {
            throw NetcapException.usage("--capture-max-size must be between 1 and 65535, not " + captureSize);
        }
        if (count != null && count < 1) {
            throw NetcapException.usage("-c must be at least 1, not " + count);
        }
        if (ringSizeMiB < 1 || ringSizeMiB > 1024 || Integer.bitCount(ringSizeMiB) != 1) {
            throw NetcapException.usage("--ring-size must be a power of two from 1 to 1024 MiB, not " + ringSizeMiB);
        }
        if (interfaceName != null && (interfaceName.isEmpty() || interfaceName.length() > 15
                || interfaceName.contains("/") || interfaceName.chars().anyMatch(Character::isWhitespace))) {
            throw NetcapException.usage("-i: \"" + interfaceName + "\" is not a network device name");
        }
    }
}

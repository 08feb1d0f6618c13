package io.netcap.cli;

import io.netcap.capture.CaptureException;
import io.netcap.capture.kernel.NetnsResolver;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Which packets: the options skb, dump and backtrace share (a picocli mixin). */
public final class FilterOptions {
    @Option(names = {"-e", "--expression"}, paramLabel = "EXPR",
            description = "tcpdump filter expression, run in the kernel (also accepted as trailing words)")
    String expression;

    @Parameters(paramLabel = "EXPR", arity = "0..*", hidden = true,
            description = "tcpdump filter expression words, as with tcpdump")
    List<String> expressionWords = List.of();

    @Option(names = {"-i", "--interface"}, paramLabel = "IFNAME",
            description = "only packets on a device of this name, in every network namespace")
    String interfaceName;

    @Option(names = "--netns", paramLabel = "NS",
            description = "only packets in this network namespace: an inode, /proc/PID/ns/net, or a name from `ip netns`")
    String netns;

    @Option(names = {"-c", "--count"}, paramLabel = "N", description = "stop after N packets")
    Long count;

    @Option(names = "--dry-run", description = "print the generated eBPF C and the clang command, and exit")
    boolean dryRun;

    @Option(names = "--debug", description = "show libbpf's messages and Java stack traces")
    boolean debug;

    /** The filter from -e or from trailing words, as tcpdump takes it; giving both is a usage error. */
    String expression() {
        boolean hasWords = expressionWords != null && !expressionWords.isEmpty();
        if (expression != null && hasWords) {
            throw CaptureException.usage("give the filter either with -e or as trailing words, not both");
        }
        return hasWords ? String.join(" ", expressionWords) : (expression == null ? "" : expression);
    }

    /** --netns as an inode, 0 for every namespace. */
    long netnsInode() {
        return NetnsResolver.resolve(netns);
    }
}

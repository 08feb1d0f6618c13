package io.netcap.cli;

import io.netcap.capture.CaptureException;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Which packets and how the run goes: the options every capturing command shares (a picocli
 * mixin). The kernel's device and namespace selection is {@link DeviceOptions}.
 */
public final class FilterOptions {
    @Option(names = {"-e", "--expression"}, paramLabel = "EXPR",
            description = "tcpdump filter expression, run in the kernel (also accepted as trailing words)")
    String expression;

    @Parameters(paramLabel = "EXPR", arity = "0..*", hidden = true,
            description = "tcpdump filter expression words, as with tcpdump")
    List<String> expressionWords = List.of();

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
}

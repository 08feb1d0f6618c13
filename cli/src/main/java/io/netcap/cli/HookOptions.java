package io.netcap.cli;

import io.netcap.capture.CaptureException;
import io.netcap.capture.program.HookSpec;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * xcap's -a: the skb is argument N of a single -f FUNCTION, the same as -f FUNCTION@N. A mixin
 * for every command that takes -f, so the talk's {@code netcap backtrace -f kfree_skb_reason -a 1}
 * works as {@code netcap dump -f ip_rcv -a 1} does.
 */
public final class HookOptions {
    @Option(names = {"-a", "--arg"}, paramLabel = "N",
            description = "with a single -f FUNCTION: the skb is its argument N (1-based), as xcap wrote it")
    Integer skbArg;

    /** The -f value (with -a applied) parsed into hooks; a syntax error is a usage error. */
    List<HookSpec> parse(String hooks) {
        if (hooks == null) {
            if (skbArg != null) {
                throw CaptureException.usage("-a needs -f FUNCTION");
            }
            return List.of();
        }
        String text = hooks;
        if (skbArg != null) {
            if (hooks.contains(",") || hooks.contains("@") || hooks.contains(":")) {
                throw CaptureException.usage("-a goes with a single -f FUNCTION; write FUNC@N for lists and prefixed hooks");
            }
            text = hooks + "@" + skbArg;
        }
        try {
            return HookSpec.parseList(text);
        } catch (IllegalArgumentException e) {
            throw CaptureException.usage(e.getMessage());
        }
    }
}

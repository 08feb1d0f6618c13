package io.netcap.capture.program;

import io.netcap.bpf.BpfException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import io.netcap.capture.extension.ExtensionErrors;
import io.netcap.capture.extension.Extensions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns a failed load into a short message: the hook, the kernel's reason, the verifier's last lines. */
final class LoadFailure {
    private static final int LOG_LINES = 6;
    private static final int E2BIG = 7;
    /** What the verifier says when it gives up on a program's size rather than finding it unsafe. */
    private static final Pattern TOO_COMPLEX = Pattern.compile(
            "(?m)^(BPF program is too large\\..*|The sequence of \\d+ jumps is too complex\\..*)$");

    private LoadFailure() {
    }

    static String describe(BpfException e, List<Hook> hooks) {
        return describe(e, hooks, Extensions.NONE);
    }

    /** As {@link #describe(BpfException, List)}, naming the user's function when the log points into an extension. */
    static String describe(BpfException e, List<Hook> hooks, Extensions extensions) {
        String log = e.verifierLog() == null ? "" : e.verifierLog().strip();
        String where = hooks.stream()
                .filter(h -> h.programName().equals(e.program()))
                .map(h -> " for " + h.spec())
                .findFirst().orElse("");
        // Too big or too complex is not a bug to debug from the log but a filter to shorten: one line.
        Matcher tooComplex = TOO_COMPLEX.matcher(log);
        if (tooComplex.find()) {
            return "the capture program" + where + " is too complex for the kernel's verifier (" + tooComplex.group(1)
                    .strip().replaceAll("\\.$", "") + "); " + (extensions != null && extensions.any()
                    ? "look for a loop in " + extensions.sources().stream().map(s -> s.displayPath())
                            .collect(java.util.stream.Collectors.joining(" or "))
                            + " whose bound the verifier cannot see, or shorten the filter expression"
                    : "a shorter filter expression may load");
        }
        if (log.isEmpty() && e.errno() == E2BIG) {
            return "the capture program" + where + " is too large for the kernel (" + e.libbpfMessage()
                    + "); a shorter filter expression may load";
        }
        if (log.isEmpty()) {
            return "cannot load the capture program" + where + ": " + e.getMessage();
        }
        String[] lines = log.split("\n");
        String tail = String.join("\n  ", Arrays.copyOfRange(lines, Math.max(0, lines.length - LOG_LINES), lines.length));
        Optional<String> culprit = ExtensionErrors.verifierCulprit(log, extensions);
        if (culprit.isPresent()) {
            return culprit.get() + where.replace(" for ", " at ") + "; its last words:\n  " + tail
                    + "\n(--debug shows the whole log)";
        }
        return "the kernel's verifier rejected the capture program" + where + "; its last words:\n  " + tail
                + "\n(--debug shows the whole log)";
    }
}

package io.netcap.capture.program;

import io.netcap.bpf.BpfException;
import java.util.Arrays;
import java.util.List;

/** Turns a failed load into a short message: the hook, the kernel's reason, the verifier's last lines. */
final class LoadFailure {
    private static final int LOG_LINES = 6;

    private LoadFailure() {
    }

    static String describe(BpfException e, List<Hook> hooks) {
        String log = e.verifierLog() == null ? "" : e.verifierLog().strip();
        String where = hooks.stream()
                .filter(h -> h.programName().equals(e.program()))
                .map(h -> " for " + h.spec())
                .findFirst().orElse("");
        if (log.isEmpty()) {
            return "cannot load the capture program" + where + ": " + e.getMessage();
        }
        String[] lines = log.split("\n");
        String tail = String.join("\n  ", Arrays.copyOfRange(lines, Math.max(0, lines.length - LOG_LINES), lines.length));
        return "the kernel's verifier rejected the capture program" + where + "; its last words:\n  " + tail
                + "\n(--debug shows the whole log)";
    }
}

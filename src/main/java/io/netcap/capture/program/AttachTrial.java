package io.netcap.capture.program;

import io.netcap.bpf.BpfException;
import io.netcap.bpf.BpfObject;
import io.netcap.bpf.ClangCompiler;
import io.netcap.bpf.ClangException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Finds out whether the kernel lets a BTF-typed tracing program (fentry, tp_btf) attach, by
 * loading one that does nothing, attaching it and detaching it at once.
 *
 * <p>Both kinds are BPF_PROG_TYPE_TRACING, so libbpf's program-type probe cannot tell them
 * apart: a kernel may accept tp_btf and refuse fentry (lockdown, missing ftrace direct calls,
 * an LSM). Only a real load and attach gives an answer worth printing. Needs root; the object
 * is compiled once and then comes from the clang cache.
 */
final class AttachTrial {
    private static final String PROGRAM = "netcap_attach_trial";

    private final ClangCompiler compiler;

    AttachTrial(ClangCompiler compiler) {
        this.compiler = compiler;
    }

    /**
     * The outcome of one trial.
     *
     * @param attached true or false when the kernel answered, null when we could not ask it
     * @param detail   why not, for the user ("" when attached)
     */
    record Outcome(Boolean attached, String detail) {
    }

    /** Tries a program in section {@code section}, e.g. "fentry/icmp_rcv" or "tp_btf/netif_receive_skb". */
    Outcome attempt(String section) {
        byte[] object;
        try {
            object = compiler.compile("trial.bpf.c", Map.of("trial.bpf.c", source(section))).object();
        } catch (ClangException | UncheckedIOException e) {
            return new Outcome(null, "cannot compile a test program: " + firstLine(e.getMessage()));
        }
        try (BpfObject bpf = BpfObject.open(object, "netcap_trial")) {
            bpf.load();
            // Detached straight away: the question was only whether the kernel allows it.
            bpf.program(PROGRAM).attachTrace().close();
            return new Outcome(true, "");
        } catch (BpfException e) {
            return new Outcome(false, section + ": " + e.libbpfMessage() + ", errno " + e.errno());
        } catch (LinkageError e) {
            // libbpf itself could not be loaded: nothing is known about the kernel.
            return new Outcome(null, "libbpf is not usable: " + firstLine(e.getMessage()));
        }
    }

    static String source(String section) {
        return """
                #include <linux/types.h>
                #include <linux/bpf.h>
                #include <bpf/bpf_helpers.h>
                #include <bpf/bpf_tracing.h>

                char LICENSE[] SEC("license") = "GPL";

                SEC("%s")
                int BPF_PROG(%s)
                {
                    return 0;
                }
                """.formatted(section, PROGRAM);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "no detail";
        }
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}

package io.netcap.capture.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netcap.bpf.BpfException;
import io.netcap.capture.kernel.ReasonEnum;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadFailureTest {
    private static final List<Hook> HOOKS = List.of(
            new Hook(0, "tracepoint:net:netif_receive_skb", HookKind.TRACEPOINT, "net", "netif_receive_skb", 8),
            new Hook(1, "tp_btf:kfree_skb", HookKind.TP_BTF, null, "kfree_skb", 0, 2, ReasonEnum.DROP));

    @Test
    void namesTheHookAndEndsWithTheVerifiersLastLines() {
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            log.append(i).append(": (bf) r1 = r").append(i % 10).append('\n');
        }
        log.append("invalid access to map value, value_size=65608 off=65608 size=1\n");
        BpfException e = new BpfException("load BPF object netcap (program netcap_hook_1)", 13,
                "Permission denied", log.toString(), "netcap_hook_1");
        String message = LoadFailure.describe(e, HOOKS);
        assertTrue(message.startsWith("the kernel's verifier rejected the capture program for tp_btf:kfree_skb"), message);
        assertTrue(message.contains("invalid access to map value"), message);
        assertFalse(message.contains("\n  0: (bf)"), "only the tail of the log: " + message);
        assertEquals(8, message.split("\n").length, message);
    }

    /** A filter too large for the verifier is a filter to shorten, said in one line (exit 1 as any load failure). */
    @Test
    void aProgramTooComplexForTheVerifierIsOneLine() {
        String log = "10: (15) if r1 == 0x0 goto pc+2\n".repeat(50)
                + "BPF program is too large. Processed 1000001 insn\n"
                + "processed 1000001 insns (limit 1000000) max_states_per_insn 4 total_states 9000 peak_states 9000"
                + " mark_read 3\n";
        BpfException e = new BpfException("load BPF object netcap (program netcap_hook_1)", 7,
                "Argument list too long", log, "netcap_hook_1");
        assertEquals("the capture program for tp_btf:kfree_skb is too complex for the kernel's verifier"
                + " (BPF program is too large. Processed 1000001 insn); a shorter filter expression may load",
                LoadFailure.describe(e, HOOKS));
        BpfException jumps = new BpfException("load BPF object netcap (program netcap_hook_0)", 7,
                "Argument list too long", "The sequence of 8193 jumps is too complex.\nverification time 1 usec\n",
                "netcap_hook_0");
        assertEquals("the capture program for tracepoint:net:netif_receive_skb is too complex for the kernel's"
                + " verifier (The sequence of 8193 jumps is too complex); a shorter filter expression may load",
                LoadFailure.describe(jumps, HOOKS));
        BpfException tooBig = new BpfException("load BPF object netcap (program netcap_hook_0)", 7,
                "Argument list too long", "", "netcap_hook_0");
        assertEquals("the capture program for tracepoint:net:netif_receive_skb is too large for the kernel"
                + " (Argument list too long); a shorter filter expression may load", LoadFailure.describe(tooBig, HOOKS));
    }

    @Test
    void withoutALogItGivesLibbpfsReason() {
        BpfException e = new BpfException("load BPF object netcap", 22, "Invalid argument", "", null);
        String message = LoadFailure.describe(e, HOOKS);
        assertTrue(message.startsWith("cannot load the capture program: "), message);
        assertTrue(message.contains("Invalid argument"), message);
    }
}

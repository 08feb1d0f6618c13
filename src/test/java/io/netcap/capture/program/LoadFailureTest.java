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

    @Test
    void withoutALogItGivesLibbpfsReason() {
        BpfException e = new BpfException("load BPF object netcap", 22, "Invalid argument", "", null);
        String message = LoadFailure.describe(e, HOOKS);
        assertTrue(message.startsWith("cannot load the capture program: "), message);
        assertTrue(message.contains("Invalid argument"), message);
    }
}

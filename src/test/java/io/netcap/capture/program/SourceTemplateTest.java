package io.netcap.capture.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netcap.capture.kernel.ReasonEnum;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceTemplateTest {
    @Test
    void everyHookTemplateFillsCompletely() {
        for (Hook h : new Hook[] {
                new Hook(0, "tracepoint:net:netif_receive_skb", HookKind.TRACEPOINT, "net", "netif_receive_skb", 8),
                new Hook(1, "tp_btf:kfree_skb", HookKind.TP_BTF, null, "kfree_skb", 0, 2, ReasonEnum.DROP),
                new Hook(2, "raw_tp:netif_rx", HookKind.RAW_TP, null, "netif_rx", 0)}) {
            String c = ProgramGenerator.hookSource(h);
            assertFalse(c.contains("@@"), c);
            assertTrue(c.contains("int netcap_hook_" + h.index() + "("), c);
            assertTrue(c.contains("SEC(\"" + h.kind().prefix() + "/"), c);
        }
    }

    @Test
    void rejectsMissingAndUnknownSlots() {
        SourceTemplate t = SourceTemplate.resource("hook_raw_tp.bpf.c.in");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> t.fill(Map.of("EVENT", "x")));
        assertTrue(missing.getMessage().contains("no value for slot"), missing.getMessage());
        Map<String, String> all = Map.of("HOOK_INDEX", "0", "EVENT", "x", "SKB_ARG", "0", "PROGRAM", "p", "HANDLER", "h",
                "REASON_ARG", "-1", "EXT_ARG", "-1", "BOGUS", "1");
        IllegalArgumentException extra = assertThrows(IllegalArgumentException.class, () -> t.fill(all));
        assertTrue(extra.getMessage().contains("BOGUS"), extra.getMessage());
    }

    @Test
    void deviceNamesBecomeHexBytesAndHookNamesMustBeIdentifiers() {
        assertThrows(IllegalArgumentException.class, () -> ProgramGenerator.cIdentifier("a\")/*"));
        assertEquals("netif_rx", ProgramGenerator.cIdentifier("netif_rx"));
    }
}

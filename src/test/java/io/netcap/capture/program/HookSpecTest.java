package io.netcap.capture.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HookSpecTest {
    @Test
    void parsesEveryPrefix() {
        List<HookSpec> hooks = HookSpec.parseList(
                "tracepoint:net:netif_receive_skb, tp:skb:kfree_skb ,tp_btf:net_dev_queue@1,raw_tp:netif_rx,icmp_rcv@1,"
                        + "kprobe:ip_rcv@1@2,fentry:tcp_v4_rcv,ip_rcv_finish.isra.0@3");
        assertEquals(8, hooks.size());
        assertEquals(new HookSpec("tracepoint:net:netif_receive_skb", HookKind.TRACEPOINT, "net", "netif_receive_skb", 0, 0), hooks.get(0));
        assertEquals(HookKind.TRACEPOINT, hooks.get(1).kind());
        assertEquals("skb", hooks.get(1).category());
        assertEquals(new HookSpec("tp_btf:net_dev_queue@1", HookKind.TP_BTF, null, "net_dev_queue", 1, 0), hooks.get(2));
        assertEquals(HookKind.RAW_TP, hooks.get(3).kind());
        assertEquals(0, hooks.get(3).skbArg());
        assertEquals(new HookSpec("icmp_rcv@1", HookKind.FUNCTION, null, "icmp_rcv", 1, 0), hooks.get(4));
        assertEquals(new HookSpec("kprobe:ip_rcv@1@2", HookKind.KPROBE, null, "ip_rcv", 1, 2), hooks.get(5));
        assertEquals(HookKind.FENTRY, hooks.get(6).kind());
        assertEquals("ip_rcv_finish.isra.0", hooks.get(7).name());
        assertTrue(hooks.get(7).isFunction());
    }

    @Test
    void btfTracepointsTakeAnExtraArgumentForExtensions() {
        assertEquals(new HookSpec("tp_btf:kfree_skb@1@3", HookKind.TP_BTF, null, "kfree_skb", 1, 3),
                HookSpec.parse("tp_btf:kfree_skb@1@3"));
        assertEquals(2, HookSpec.parse("raw_tp:net_dev_xmit@1@2").extraArg());
    }

    @Test
    void rejectsTheSameHookTwiceEvenSpelledDifferently() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HookSpec.parseList("tracepoint:net:netif_rx,tp:net:netif_rx"));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
    }

    @Test
    void explainsBadSyntax() {
        assertMessage("tracepoint:net:netif_rx@1", "takes no @argument");
        assertMessage("tracepoint:netif_rx", "expected tracepoint:CATEGORY:EVENT");
        assertMessage("icmp_rcv@0", "numbered from 1");
        assertMessage("icmp_rcv@x", "numbered from 1");
        assertMessage("icmp_rcv@1@2@3", "at most two");
        assertMessage("tp_btf:kfree_skb@1@1", "cannot be the same argument");
        assertMessage("uprobe:foo", "unknown hook prefix");
        assertMessage("tcp:tcp_send_reset", "(a tracepoint is tracepoint:tcp:tcp_send_reset)");
        assertFalse(messageOf("uprobe:foo").contains("a tracepoint is"), "uprobe: is no tracepoint category");
        assertMessage("icmp rcv", "bad hook");
        assertMessage("a,,b", "empty hook");
        assertMessage("tracepoint:net:a;rm -rf", "expected tracepoint:CATEGORY:EVENT");
    }

    private static String messageOf(String text) {
        return assertThrows(IllegalArgumentException.class, () -> HookSpec.parseList(text)).getMessage();
    }

    private static void assertMessage(String text, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HookSpec.parseList(text));
        assertTrue(e.getMessage().contains(expected), () -> text + " gave: " + e.getMessage());
    }
}

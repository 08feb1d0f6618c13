package io.netcap.capture.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netcap.bpf.EventTransport;
import io.netcap.filter.FilterCompiler;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which hooks read whole packets, and what netcap says about the others. */
class PacketReachTest {
    private static final Hook TRACEPOINT = new Hook(0, "tracepoint:net:netif_receive_skb", HookKind.TRACEPOINT, "net",
            "netif_receive_skb", 8);
    private static final Hook TP_BTF = new Hook(1, "tp_btf:net_dev_queue", HookKind.TP_BTF, null, "net_dev_queue", 0);

    private static CaptureProgram program(boolean skbDynptr) throws Exception {
        return new CaptureProgram(ProgramKind.CAPTURE, List.of(TRACEPOINT, TP_BTF), FilterCompiler.compile("icmp"),
                EventTransport.RING_BUFFER, skbDynptr);
    }

    @Test
    void btfTypedHooksNeedTheDynptrAndEveryHookCanUseKallsyms() {
        assertTrue(PacketReach.whole(HookKind.TP_BTF, true, false));
        assertTrue(PacketReach.whole(HookKind.FENTRY, true, false));
        assertFalse(PacketReach.whole(HookKind.TRACEPOINT, true, false), "a tracepoint program cannot call the kfunc");
        assertFalse(PacketReach.whole(HookKind.RAW_TP, true, false));
        assertFalse(PacketReach.whole(HookKind.KPROBE, true, false));
        assertFalse(PacketReach.whole(HookKind.TP_BTF, false, false));
        for (HookKind kind : HookKind.values()) {
            assertTrue(PacketReach.whole(kind, false, true), kind + " with the kallsyms layout");
        }
    }

    @Test
    void warnsOncePerCutHookAndNamesTheTpBtfEvent() throws Exception {
        List<String> lines = PacketReach.warnings(program(true), false, () -> true);
        assertEquals(2, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("netcap: warning: tracepoint:net:netif_receive_skb can read only the linear part"),
                lines.get(0));
        assertTrue(lines.get(1).endsWith("; use tp_btf:netif_receive_skb for whole packets"), lines.get(1));
    }

    @Test
    void aBtfHookWithoutTheDynptrIsWarnedAboutWithoutASuggestion() throws Exception {
        List<String> lines = PacketReach.warnings(program(false), false, () -> false);
        assertEquals(4, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(2).contains("tp_btf:net_dev_queue can read only the linear part"), lines.get(2));
        assertTrue(lines.get(2).contains("does not let it call bpf_dynptr_from_skb"), lines.get(2));
        assertFalse(lines.get(3).contains("use "), lines.get(3));
    }

    @Test
    void kallsymsIsNeededOnlyWhereAHookCannotTakeTheDynptr() throws Exception {
        assertTrue(program(true).readsFragmentsByLayout(), "the tracepoint hook walks the fragments itself");
        assertTrue(program(false).readsFragmentsByLayout());
        CaptureProgram btfOnly = new CaptureProgram(ProgramKind.CAPTURE, List.of(new Hook(0, "tp_btf:net_dev_queue", HookKind.TP_BTF, null, "net_dev_queue", 0)),
                FilterCompiler.compile("icmp"), EventTransport.RING_BUFFER, true);
        assertFalse(btfOnly.readsFragmentsByLayout(), "tp_btf with the dynptr reads fragments through it");
        assertTrue(btfOnly.withoutSkbDynptr().readsFragmentsByLayout());
    }

    @Test
    void nothingToSayWithTheKallsymsLayout() throws Exception {
        assertEquals(List.of(), PacketReach.warnings(program(false), true, () -> false));
    }
}

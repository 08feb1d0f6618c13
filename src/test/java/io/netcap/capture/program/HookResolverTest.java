package io.netcap.capture.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netcap.bpf.btf.Btf;
import io.netcap.capture.kernel.ReasonEnum;
import io.netcap.capture.kernel.TraceFs;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Where the resolver finds a hook's reason, and which enum it decodes it by, on this machine's kernel. */
class HookResolverTest {
    private static Hook resolve(Optional<TraceFs> traceFs, String text) {
        return new HookResolver(traceFs).resolve(HookSpec.parseList(text)).get(0);
    }

    /** tcp_send_reset's reason is an enum sk_rst_reason (NO_SOCKET is 1 there, SKB_CONSUMED among drop reasons). */
    @ParameterizedTest
    @ValueSource(strings = {"tp_btf:tcp_send_reset", "raw_tp:tcp_send_reset"})
    void aBtfTracepointsResetReasonIsAResetReason(String text) throws Exception {
        Btf btf = KernelBtf.read();
        List<io.netcap.bpf.btf.BtfParam> params = btf.findTracepointParams("tcp_send_reset").orElse(null);
        assumeTrue(params != null && btf.findEnumValues("sk_rst_reason").isPresent(),
                "this kernel's tcp_send_reset has no reset reason");
        int declared = params.stream().filter(p -> p.typeName().contains("enum sk_rst_reason"))
                .mapToInt(io.netcap.bpf.btf.BtfParam::index).findFirst().orElseThrow();
        Hook hook = resolve(Optional.empty(), text);
        assertEquals(ReasonEnum.RESET, hook.reason(), hook.toString());
        assertEquals(declared - 1, hook.reasonLocation(), hook.toString());
    }

    @Test
    void aClassicTracepointsResetReasonIsAResetReason() throws Exception {
        Optional<TraceFs> traceFs = TraceFs.open();
        assumeTrue(traceFs.isPresent() && traceFs.get().exists("tcp", "tcp_send_reset"), "needs tracefs (root)");
        TraceFs.Field field = traceFs.get().fields("tcp", "tcp_send_reset").orElseThrow().stream()
                .filter(f -> f.name().equals("reason")).findFirst().orElse(null);
        assumeTrue(field != null && field.type().equals("enum sk_rst_reason"),
                "this kernel's tcp_send_reset has no reset reason field");
        Hook hook = resolve(traceFs, "tracepoint:tcp:tcp_send_reset");
        assertEquals(ReasonEnum.RESET, hook.reason(), hook.toString());
        assertEquals(field.offset(), hook.reasonLocation());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tracepoint:skb:kfree_skb", "tp_btf:kfree_skb", "raw_tp:kfree_skb"})
    void kfreeSkbsReasonIsADropReason(String text) throws Exception {
        KernelBtf.read();
        Optional<TraceFs> traceFs = text.startsWith("tracepoint:") ? TraceFs.open() : Optional.empty();
        assumeTrue(!text.startsWith("tracepoint:") || traceFs.isPresent(), "needs tracefs (root)");
        Hook hook = resolve(traceFs, text);
        assertEquals(ReasonEnum.DROP, hook.reason(), hook.toString());
    }

    /** Function hooks whose argument is such an enum: resolved as fentry here, which needs no kprobes. */
    @Test
    void aFunctionsReasonArgumentIsDecodedByItsOwnEnum() throws Exception {
        Btf btf = KernelBtf.read();
        String drop = btf.findFuncParams("kfree_skb_reason").isPresent() ? "kfree_skb_reason" : "sk_skb_reason_drop";
        assumeTrue(btf.findFuncParams(drop).isPresent(), "no drop function with a reason in this kernel's BTF");
        assertEquals(ReasonEnum.DROP, resolve(Optional.empty(), drop).reason());
        assumeTrue(btf.findFuncParams("tcp_v4_send_reset").map(ps -> ps.stream()
                .anyMatch(p -> p.typeName().endsWith("enum sk_rst_reason"))).orElse(false),
                "this kernel's tcp_v4_send_reset takes no reset reason");
        Hook reset = resolve(Optional.empty(), "tcp_v4_send_reset");
        assertEquals(ReasonEnum.RESET, reset.reason(), reset.toString());
    }

    /** -f HOOK@S@E: argument E goes to the extensions, checked against the hook's own argument list. */
    @Test
    void anExtraArgumentIsCheckedAndKeptForTheExtensions() throws Exception {
        KernelBtf.read();
        Hook hook = resolve(Optional.empty(), "tp_btf:kfree_skb@1@3");
        assertEquals(2, hook.extLocation(), hook.toString());
        assertEquals("tp_btf:kfree_skb@1@3", hook.spec());
        assertEquals(-1, resolve(Optional.empty(), "tp_btf:kfree_skb").extLocation());
        io.netcap.capture.CaptureException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.netcap.capture.CaptureException.class, () -> resolve(Optional.empty(), "tp_btf:kfree_skb@1@9"));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("has only"), e.getMessage());
        assertEquals(io.netcap.capture.CaptureException.Kind.USAGE, e.kind());
    }

    @Test
    void hooksWithoutAReasonEnumHaveNone() throws Exception {
        KernelBtf.read();
        Hook hook = resolve(Optional.empty(), "tp_btf:netif_receive_skb");
        assertFalse(hook.hasReason(), hook.toString());
        assertEquals(null, hook.reason());
    }
}

package io.netcap.capture.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class StackFramesTest {
    @Test
    void dropsOnlyTheBpfFramesAtTheInnermostEnd() {
        assertEquals(List.of("sk_skb_reason_drop", "nft_do_chain", "bpf_prog_run_elsewhere"),
                StackFrames.withoutBpfFrames(List.of("bpf_prog_9a45b75d7b4e7972_netcap_hook_0_[bpf]", "bpf_trace_run4",
                        "sk_skb_reason_drop", "nft_do_chain", "bpf_prog_run_elsewhere")));
        assertEquals(List.of("icmp_rcv+0x10"), StackFrames.withoutBpfFrames(List.of("bpf_trampoline_6442+0x4a",
                "icmp_rcv+0x10")));
        assertEquals(List.of("ip_rcv"), StackFrames.withoutBpfFrames(List.of("ip_rcv")));
        assertEquals(List.of(), StackFrames.withoutBpfFrames(List.of("bpf_trace_run2")));
    }
}

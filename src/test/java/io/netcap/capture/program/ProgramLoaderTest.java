package io.netcap.capture.program;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netcap.bpf.BpfException;
import io.netcap.bpf.EventTransport;
import io.netcap.capture.extension.Extensions;
import io.netcap.filter.FilterCompiler;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which refusals of the verifier make the loader build the program again without a kfunc. */
class ProgramLoaderTest {
    private static final List<Hook> HOOKS = List.of(
            new Hook(0, "tp_btf:netif_receive_skb", HookKind.TP_BTF, null, "netif_receive_skb", 0));

    private static CaptureProgram program(boolean skbDynptr, boolean directLoads) throws Exception {
        return new CaptureProgram(ProgramKind.CAPTURE, HOOKS, FilterCompiler.compile("udp"), EventTransport.RING_BUFFER,
                skbDynptr, Extensions.NONE, directLoads);
    }

    private static BpfException refused(String log) {
        return new BpfException("load", 22, "Invalid argument", log, "netcap_hook_0");
    }

    /** 6.2 to 6.16 have bpf_rdonly_cast but cast only to structs: the cast to void goes, the dynptr stays. */
    @Test
    void aRefusedCastToVoidDropsTheDirectLoadsOnly() throws Exception {
        BpfException e = refused("292: (85) call bpf_rdonly_cast#71234\n"
                + "kfunc bpf_rdonly_cast type ID argument must be of a struct\n");
        assertTrue(ProgramLoader.refusedDirectLoads(program(true, true), e));
        assertFalse(ProgramLoader.refusedSkbDynptr(program(true, true), e));
        assertFalse(ProgramLoader.refusedDirectLoads(program(true, false), e), "already without them");
    }

    @Test
    void otherRefusalsKeepTheDirectLoads() throws Exception {
        assertFalse(ProgramLoader.refusedDirectLoads(program(true, true),
                refused("calling kernel function bpf_dynptr_from_skb is not allowed\n")));
        assertTrue(ProgramLoader.refusedSkbDynptr(program(true, true),
                refused("calling kernel function bpf_dynptr_from_skb is not allowed\n")));
        assertFalse(ProgramLoader.refusedDirectLoads(program(true, true), refused(null)), "no verifier log (EPERM)");
    }
}

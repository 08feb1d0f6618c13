package io.netcap.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("kernel")
class KernelFeaturesTest {
    @Test
    void probesWhatThisKernelCanDo() {
        TestPrograms.assumeRoot();
        assertTrue(KernelFeatures.supportsProgramType(KernelFeatures.PROG_TYPE_TRACEPOINT));
        assertTrue(KernelFeatures.supportsProgramType(KernelFeatures.PROG_TYPE_RAW_TRACEPOINT));
        assertTrue(KernelFeatures.supportsHelper(KernelFeatures.PROG_TYPE_TRACEPOINT, KernelFeatures.HELPER_RINGBUF_OUTPUT));
        assertTrue(KernelFeatures.supportsHelper(KernelFeatures.PROG_TYPE_TRACEPOINT, KernelFeatures.HELPER_PERF_EVENT_OUTPUT));
        BpfException e = assertThrows(BpfException.class, () -> KernelFeatures.supportsProgramType(100_000));
        assertEquals(95, e.errno(), "libbpf answers EOPNOTSUPP for a type it does not know: " + e.getMessage());
    }

    @Test
    void vmlinuxBtfMatchesTheFile() {
        assertEquals(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")), KernelFeatures.hasVmlinuxBtf());
    }
}

package io.netcap.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jnr.ffi.Pointer;
import org.junit.jupiter.api.Test;

class BpfLoggingTest {
    /** libbpf_set_print returns the previous printer: swap in NULL to see what was installed. */
    private static long installedPrinter() {
        Pointer previous = NativeLibbpf.LIB.libbpf_set_print(null);
        NativeLibbpf.LIB.libbpf_set_print(previous);
        return previous == null ? 0 : previous.address();
    }

    @Test
    void libbpfIsSilentUntilDebugIsTurnedOn() {
        try {
            assertEquals(0, installedPrinter(), "silenced on load");
            assertNotEquals(0, NativeLibbpf.DEFAULT_PRINT.address(), "libbpf's own printer was remembered");
            BpfLogging.setDebug(true);
            assertEquals(NativeLibbpf.DEFAULT_PRINT.address(), installedPrinter());
            BpfLogging.setDebug(false);
            assertEquals(0, installedPrinter());
        } finally {
            BpfLogging.setDebug(false);
        }
        assertTrue(NativeLibbpf.strerror(2).contains("No such file"), NativeLibbpf.strerror(2));
    }
}

package io.netcap.bpf;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LibbpfPreloadTest {
    /**
     * The binding made on the preload thread is the one NativeLibbpf uses, and taking it does not
     * wait forever: a bind that initialised NativeLibbpf from the preload thread deadlocked with
     * that class's own wait for the preload (each netcap start hung).
     */
    @Test
    void theBindingIsMadeOnceAndShared() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            LibbpfPreload.start();
            LibbpfPreload.start();
            NativeLibbpf.LibBpf fromPreload = LibbpfPreload.await();
            assertSame(fromPreload, NativeLibbpf.LIB);
            NativeLibbpf.strerror(2); // a call through it works
        });
    }
}

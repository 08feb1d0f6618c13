package io.netcap.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netcap.bpf.Privileges;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

/** Base of the tests that load eBPF programs and make network namespaces: root only. */
@Tag("kernel")
abstract class KernelTest {
    @BeforeEach
    void needRoot() {
        assumeTrue(Privileges.isRoot(), "kernel test: needs root to load eBPF programs and create network namespaces");
    }
}

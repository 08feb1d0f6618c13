package io.netcap.capture.program;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netcap.bpf.btf.Btf;
import java.io.IOException;
import java.nio.file.Files;
import java.util.regex.Pattern;

/** What the tests that read this machine's kernel BTF share. */
final class KernelBtf {
    private KernelBtf() {
    }

    /** The kernel's BTF; the calling test is skipped, saying why, on a kernel without it. */
    static Btf read() throws IOException {
        assumeTrue(Files.isReadable(Btf.VMLINUX), "needs the kernel's BTF");
        return Btf.vmlinux();
    }

    /** A listing filter that matches this one name only. */
    static Pattern exactly(String name) {
        return Pattern.compile("^" + Pattern.quote(name) + "$");
    }
}

package io.netcap.capture.program;

import io.netcap.bpf.btf.Btf;
import io.netcap.capture.CaptureException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The running kernel's types as C (vmlinux.h), for programs that include user extensions: the
 * user's C may use any kernel struct. Made by bpftool from /sys/kernel/btf/vmlinux (about 0.2 s
 * and 3 MB here), once per process; the clang cache keys on its text, so a new kernel compiles anew.
 */
final class VmlinuxHeader {
    private static final long BPFTOOL_SECONDS = 60;
    private static String text;

    private VmlinuxHeader() {
    }

    /**
     * @throws CaptureException (runtime) no BTF on this kernel, or bpftool missing or failing
     */
    static synchronized String text() {
        if (text == null) {
            text = dump();
        }
        return text;
    }

    private static String dump() {
        if (!Btf.VMLINUX.toFile().canRead()) {
            throw CaptureException.runtime("extensions need the kernel's BTF, and " + Btf.VMLINUX + " cannot be read");
        }
        List<String> command = List.of("bpftool", "btf", "dump", "file", Btf.VMLINUX.toString(), "format", "c");
        Process p;
        try {
            p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw CaptureException.runtime("extensions need bpftool, to write the kernel's types as C: install the"
                    + " Debian package bpftool (scripts/setup does)");
        }
        try {
            p.getOutputStream().close();
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            Thread stderr = new Thread(() -> copy(p.getErrorStream(), errors), "bpftool-stderr");
            stderr.setDaemon(true);
            stderr.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(BPFTOOL_SECONDS, TimeUnit.SECONDS)) {
                throw CaptureException.runtime("bpftool did not finish writing vmlinux.h in " + BPFTOOL_SECONDS + " s");
            }
            stderr.join(1000);
            if (p.exitValue() != 0 || !out.contains("__VMLINUX_H__")) {
                throw CaptureException.runtime("bpftool could not write the kernel's types as C: "
                        + errors.toString(StandardCharsets.UTF_8).strip());
            }
            return out;
        } catch (IOException e) {
            throw CaptureException.runtime("reading bpftool's vmlinux.h: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CaptureException.runtime("interrupted while bpftool wrote vmlinux.h");
        } finally {
            p.destroyForcibly();
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException ignored) {
            // what bpftool said is only for the message
        }
    }
}

package io.netcap.bpf;

import static io.netcap.bpf.NativeLibbpf.LIB;

import io.netcap.bpf.btf.Btf;
import io.netcap.bpf.btf.BtfKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Probes of the running kernel, for choosing hooks and explaining why one cannot be used.
 * Probing loads tiny programs, so it needs the same privileges as loading the real ones.
 */
public final class KernelFeatures {
    // enum bpf_prog_type (linux/bpf.h)
    public static final int PROG_TYPE_KPROBE = 2;
    public static final int PROG_TYPE_TRACEPOINT = 5;
    public static final int PROG_TYPE_XDP = 6;
    public static final int PROG_TYPE_RAW_TRACEPOINT = 17;
    public static final int PROG_TYPE_TRACING = 26;
    public static final int PROG_TYPE_SYSCALL = 31;

    // enum bpf_func_id (linux/bpf.h)
    public static final int HELPER_PERF_EVENT_OUTPUT = 25;
    public static final int HELPER_GET_STACKID = 27;
    public static final int HELPER_PROBE_READ_KERNEL = 113;
    public static final int HELPER_RINGBUF_OUTPUT = 130;

    public static final int MAP_TYPE_RINGBUF = 27;

    private static final Path VMLINUX_BTF = Path.of("/sys/kernel/btf/vmlinux");

    private KernelFeatures() {
    }

    /** Whether the kernel can load programs of this {@code enum bpf_prog_type}. */
    public static boolean supportsProgramType(int programType) {
        int result = LIB.libbpf_probe_bpf_prog_type(programType, null);
        return NativeLibbpf.check("probe program type " + programType, result) == 1;
    }

    /**
     * Whether programs of {@code programType} may call helper {@code helperId}. A true answer is
     * only a hint: libbpf 1.1 recognises a refusal by the verifier's wording, which newer kernels
     * changed ("program of this type cannot use helper"), so there it answers true even for
     * helpers the verifier refuses. A false answer is reliable.
     */
    public static boolean supportsHelper(int programType, int helperId) {
        int result = LIB.libbpf_probe_bpf_helper(programType, helperId, null);
        return NativeLibbpf.check("probe helper " + helperId + " for program type " + programType, result) == 1;
    }

    /** Whether the kernel can create maps of this {@code enum bpf_map_type}. */
    public static boolean supportsMapType(int mapType) {
        int result = LIB.libbpf_probe_bpf_map_type(mapType, null);
        return NativeLibbpf.check("probe map type " + mapType, result) == 1;
    }

    /**
     * Whether the kernel has the kfunc bpf_dynptr_from_skb (6.3+), by its BTF. Whether a given
     * program type may call it is up to the verifier: tracing programs may only on newer kernels.
     */
    public static boolean hasSkbDynptr() {
        return hasKfunc("bpf_dynptr_from_skb");
    }

    /**
     * Whether the kernel has the kfunc bpf_rdonly_cast (6.2+), by its BTF. Casting to void, which
     * gives read-only memory a program may load from directly, the verifier allows from 6.17 on.
     */
    public static boolean hasRdonlyCast() {
        return hasKfunc("bpf_rdonly_cast");
    }

    private static boolean hasKfunc(String name) {
        try {
            return hasVmlinuxBtf() && Btf.vmlinux().findType(name, BtfKind.FUNC).isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    /** Kernel BTF, needed for CO-RE relocations and tp_btf programs. */
    public static boolean hasVmlinuxBtf() {
        return Files.isReadable(VMLINUX_BTF);
    }
}

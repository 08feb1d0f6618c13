package io.netcap.bpf;

import static io.netcap.bpf.NativeLibbpf.LIB;
import static io.netcap.bpf.NativeLibbpf.RUNTIME;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * One program of a {@link BpfObject}. It belongs to the object: links made here are owned by the
 * object, which destroys them in {@link BpfObject#detachAll()} or when it closes, and nothing here
 * may be used after that.
 */
public final class BpfProgram {
    // struct bpf_test_run_opts on LP64, from /usr/include/bpf/bpf.h (libbpf 1.1):
    // size_t sz @0; const void *data_in @8; void *data_out @16; __u32 data_size_in @24;
    // __u32 data_size_out @28; const void *ctx_in @32; void *ctx_out @40; __u32 ctx_size_in @48;
    // __u32 ctx_size_out @52; __u32 retval @56; int repeat @60; __u32 duration @64;
    // __u32 flags @68; __u32 cpu @72; __u32 batch_size @76; sizeof == 80.
    private static final int TEST_RUN_OPTS_SIZE = 80;
    private static final int OFF_DATA_IN = 8;
    private static final int OFF_DATA_OUT = 16;
    private static final int OFF_DATA_SIZE_IN = 24;
    private static final int OFF_DATA_SIZE_OUT = 28;
    private static final int OFF_CTX_IN = 32;
    private static final int OFF_CTX_SIZE_IN = 48;
    private static final int OFF_RETVAL = 56;
    private static final int OFF_DURATION = 64;
    /** XDP programs may grow the packet (bpf_xdp_adjust_tail); leave them room. */
    private static final int DATA_OUT_SLACK = 4096;

    private final BpfObject owner;
    private final Pointer handle;
    private final String name;

    BpfProgram(BpfObject owner, Pointer handle) {
        this.owner = owner;
        this.handle = handle;
        this.name = LIB.bpf_program__name(handle);
    }

    /** The C function name. */
    public String name() {
        return name;
    }

    /** The ELF section, e.g. {@code "tracepoint/skb/kfree_skb"}. */
    public String sectionName() {
        return LIB.bpf_program__section_name(handle());
    }

    /** The kernel's program fd; only valid after {@link BpfObject#load()}. */
    public int fd() {
        return NativeLibbpf.check("fd of program " + name, LIB.bpf_program__fd(handle()));
    }

    /** The {@code enum bpf_prog_type} value libbpf derived from the section name. */
    public int type() {
        return LIB.bpf_program__type(handle());
    }

    public boolean autoload() {
        return LIB.bpf_program__autoload(handle()) != 0;
    }

    /** Whether {@link BpfObject#load()} loads this program; set before loading. */
    public void setAutoload(boolean autoload) {
        NativeLibbpf.check("set autoload of " + name, LIB.bpf_program__set_autoload(handle(), autoload));
    }

    /** The kernel function (or, with a program fd, BPF function) a tp_btf/fentry program traces. */
    public void setAttachTarget(int attachProgramFd, String attachFunctionName) {
        NativeLibbpf.check("set attach target of " + name + " to " + attachFunctionName,
                LIB.bpf_program__set_attach_target(handle(), attachProgramFd, attachFunctionName));
    }

    /** Attaches where the SEC() name says. */
    public BpfLink attach() {
        String what = name + " -> " + sectionName();
        return link(what, LIB.bpf_program__attach(handle()));
    }

    public BpfLink attachTracepoint(String category, String event) {
        String what = name + " -> tracepoint " + category + "/" + event;
        return link(what, LIB.bpf_program__attach_tracepoint(handle(), category, event));
    }

    public BpfLink attachRawTracepoint(String tracepoint) {
        String what = name + " -> raw_tracepoint " + tracepoint;
        return link(what, LIB.bpf_program__attach_raw_tracepoint(handle(), tracepoint));
    }

    /** For tp_btf, fentry and fexit programs; the target comes from SEC() or {@link #setAttachTarget}. */
    public BpfLink attachTrace() {
        String what = name + " -> trace " + sectionName();
        return link(what, LIB.bpf_program__attach_trace(handle()));
    }

    public BpfLink attachKprobe(String function, boolean retprobe) {
        String what = name + " -> " + (retprobe ? "kretprobe " : "kprobe ") + function;
        return link(what, LIB.bpf_program__attach_kprobe(handle(), retprobe, function));
    }

    /**
     * A uprobe at byte {@code offset} of {@code binary} (an executable or shared library): the
     * start of a function, found by the caller in the file's symbol tables.
     *
     * @param pid      only this process, or -1 for every process that maps the file (now or later)
     * @param function the function's name, for messages
     */
    public BpfLink attachUprobe(int pid, String binary, long offset, String function) {
        String what = name + " -> uprobe " + binary + ":" + function + (pid > 0 ? " (pid " + pid + ")" : "");
        return link(what, LIB.bpf_program__attach_uprobe_opts(handle(), pid, binary, offset, null));
    }

    /**
     * A USDT probe {@code provider:probe} of {@code binary}, at every place its .note.stapsdt lists;
     * libbpf decodes each place's argument specs for bpf_usdt_arg() (the program includes usdt.bpf.h).
     *
     * @param pid only this process, or -1 for every process that maps the file
     */
    public BpfLink attachUsdt(int pid, String binary, String provider, String probe) {
        String what = name + " -> usdt " + binary + ":" + provider + ":" + probe + (pid > 0 ? " (pid " + pid + ")" : "");
        return link(what, LIB.bpf_program__attach_usdt(handle(), pid, binary, provider, probe, null));
    }

    private BpfLink link(String what, Pointer link) {
        // errno must be read before anything else can make a native call.
        Pointer checked = NativeLibbpf.checkPointer("attach " + what, link);
        return owner.register(new BpfLink(what, checked));
    }

    /**
     * Runs the loaded program once with BPF_PROG_TEST_RUN.
     *
     * @param dataIn packet for packet-based program types (XDP, tc); null for none
     * @param ctxIn  context for program types that take one (syscall, raw_tp); null for none
     */
    public TestRunResult testRun(byte[] dataIn, byte[] ctxIn) {
        int fd = fd();
        // repeat stays 0 (= once): syscall programs reject any other value.
        Pointer opts = Memory.allocateDirect(RUNTIME, TEST_RUN_OPTS_SIZE, true);
        opts.putLong(0, TEST_RUN_OPTS_SIZE);
        Pointer dataOut = null;
        Pointer data = null;
        Pointer ctx = null;
        if (dataIn != null) {
            data = copy(dataIn);
            int outSize = dataIn.length + DATA_OUT_SLACK;
            dataOut = Memory.allocateDirect(RUNTIME, outSize);
            opts.putPointer(OFF_DATA_IN, data);
            opts.putInt(OFF_DATA_SIZE_IN, dataIn.length);
            opts.putPointer(OFF_DATA_OUT, dataOut);
            opts.putInt(OFF_DATA_SIZE_OUT, outSize);
        }
        if (ctxIn != null) {
            ctx = copy(ctxIn);
            opts.putPointer(OFF_CTX_IN, ctx);
            opts.putInt(OFF_CTX_SIZE_IN, ctxIn.length);
        }
        NativeLibbpf.check("test run of " + name, LIB.bpf_prog_test_run_opts(fd, opts));
        byte[] out = new byte[0];
        if (dataOut != null) {
            out = new byte[opts.getInt(OFF_DATA_SIZE_OUT)];
            dataOut.get(0, out, 0, out.length);
        }
        java.lang.ref.Reference.reachabilityFence(data);
        java.lang.ref.Reference.reachabilityFence(ctx);
        return new TestRunResult(opts.getInt(OFF_RETVAL), Integer.toUnsignedLong(opts.getInt(OFF_DURATION)), out);
    }

    private static Pointer copy(byte[] bytes) {
        Pointer p = Memory.allocateDirect(RUNTIME, Math.max(1, bytes.length));
        p.put(0, bytes, 0, bytes.length);
        return p;
    }

    Pointer handle() {
        owner.handle();
        return handle;
    }

    @Override
    public String toString() {
        return name;
    }
}

package io.netcap.filter;

import java.util.List;
import java.util.Objects;

import jnr.ffi.Pointer;

/** Checked, memory-safe facade over the parts of libpcap used to compile and run filters. */
public final class Pcap {
    /** Snapshot length handed to libpcap; it becomes the return value of accepting programs. */
    public static final int SNAPLEN = 262144;

    /** Older libpcaps keep parser state in globals, so pcap_compile calls must not overlap. */
    private static final Object COMPILE_LOCK = new Object();

    private Pcap() {}

    /**
     * Compiles a tcpdump expression for the given link type with optimisation on and an unknown
     * netmask. A null expression is treated as empty (match everything). libpcap runs on a thread
     * whose stack is sized for the expression ({@link DeepStack}), whatever the caller's stack is.
     *
     * @throws FilterException libpcap refused the expression, or it is too long to compile
     */
    public static CbpfProgram compile(String expression, LinkType linkType) throws FilterException {
        Objects.requireNonNull(linkType, "linkType");
        String text = expression == null ? "" : expression;
        return DeepStack.run(text, () -> {
            synchronized (COMPILE_LOCK) {
                try (PcapCompilation compilation = new PcapCompilation(NativePcap.LIB, NativePcap.RUNTIME, linkType,
                        SNAPLEN)) {
                    return compilation.compile(text, linkType);
                }
            }
        });
    }

    /**
     * Runs libpcap's own interpreter, {@code bpf_filter}, over the first {@code capturedLength}
     * bytes of {@code packet}; {@code wireLength} is what {@code len} evaluates to.
     *
     * @return the program's return value: 0 for no match
     */
    public static int filter(CbpfProgram program, byte[] packet, int wireLength, int capturedLength) {
        Objects.requireNonNull(program, "program");
        Objects.requireNonNull(packet, "packet");
        if (capturedLength < 0 || capturedLength > packet.length) {
            throw new IllegalArgumentException("capturedLength " + capturedLength + " outside packet of " + packet.length);
        }
        List<CbpfInstruction> insns = program.instructions();
        // libpcap's interpreter trusts its input (it aborts on unknown opcodes, follows any jump),
        // so refuse what could take the JVM down with it.
        ProgramCheck.Problem problem = ProgramCheck.forInterpreter(insns);
        if (problem != null) {
            throw new IllegalArgumentException("unsafe program for bpf_filter: "
                    + (problem.index() < 0 ? "" : insns.get(problem.index()).format(problem.index()) + ": ")
                    + problem.reason());
        }
        Pointer code = NativePcap.BpfProgramStruct.toNative(NativePcap.RUNTIME, insns);
        // bpf_filter must never see an empty Java array: jnr may pass NULL for it.
        byte[] bytes = packet.length == 0 ? new byte[1] : packet;
        return (int) NativePcap.LIB.bpf_filter(code, bytes, Integer.toUnsignedLong(wireLength), capturedLength);
    }

    /** libpcap's version banner, e.g. "libpcap version 1.10.3 (with TPACKET_V3)". */
    public static String libraryVersion() {
        return NativePcap.LIB.pcap_lib_version();
    }
}

package io.netcap.filter;

import java.util.List;
import java.util.Objects;

/** A classic BPF program together with the link type its offsets assume. Immutable. */
public final class CbpfProgram {
    private final List<CbpfInstruction> instructions;
    private final LinkType linkType;

    public CbpfProgram(List<CbpfInstruction> instructions, LinkType linkType) {
        this.instructions = List.copyOf(instructions);
        this.linkType = Objects.requireNonNull(linkType, "linkType");
    }

    /** The program {@code ret #0}: matches nothing. */
    public static CbpfProgram rejectAll(LinkType linkType) {
        return new CbpfProgram(List.of(CbpfInstruction.stmt(Opcodes.RET | Opcodes.RET_K, 0)), linkType);
    }

    public List<CbpfInstruction> instructions() {
        return instructions;
    }

    public LinkType linkType() {
        return linkType;
    }

    /** True for the single instruction {@code ret #0}. */
    public boolean rejectsAll() {
        return isSingleReturn() && instructions.get(0).k() == 0;
    }

    /** True for a single {@code ret #k} with non-zero k (libpcap's output for an empty expression). */
    public boolean acceptsAll() {
        return isSingleReturn() && instructions.get(0).k() != 0;
    }

    private boolean isSingleReturn() {
        return instructions.size() == 1 && instructions.get(0).code() == (Opcodes.RET | Opcodes.RET_K);
    }

    /**
     * Bytes from the packet's start the program can read before it decides (one past its last
     * packet load), 0..0x10000; 0x10000 (the whole window the C reads in) when that cannot be
     * bounded. Running it on a copy of only that many bytes gives the verdict the whole packet
     * gives. See {@link ReadExtent}.
     */
    public long readExtent() {
        return ReadExtent.of(instructions);
    }

    /** Multi-line listing in {@code bpf_dump} style, one {@link CbpfInstruction#format} line each. */
    public String dump() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < instructions.size(); i++) {
            sb.append(instructions.get(i).format(i)).append('\n');
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CbpfProgram other
                && instructions.equals(other.instructions) && linkType == other.linkType;
    }

    @Override
    public int hashCode() {
        return Objects.hash(instructions, linkType);
    }

    @Override
    public String toString() {
        return "CbpfProgram[" + linkType + ", " + instructions.size() + " instructions]";
    }
}

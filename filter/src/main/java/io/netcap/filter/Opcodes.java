package io.netcap.filter;

/**
 * Classic BPF opcode fields, as defined by {@code <pcap/bpf.h>}. Package-private: callers see
 * opcodes only through {@link CbpfInstruction}.
 */
final class Opcodes {
    private Opcodes() {}

    // instruction classes: code & 0x07
    static final int LD = 0x00, LDX = 0x01, ST = 0x02, STX = 0x03, ALU = 0x04, JMP = 0x05, RET = 0x06, MISC = 0x07;
    // load sizes: code & 0x18
    static final int W = 0x00, H = 0x08, B = 0x10;
    // load modes: code & 0xe0
    static final int IMM = 0x00, ABS = 0x20, IND = 0x40, MEM = 0x60, LEN = 0x80, MSH = 0xa0;
    // ALU operations: code & 0xf0
    static final int ADD = 0x00, SUB = 0x10, MUL = 0x20, DIV = 0x30, OR = 0x40, AND = 0x50,
            LSH = 0x60, RSH = 0x70, NEG = 0x80, MOD = 0x90, XOR = 0xa0;
    // jump operations: code & 0xf0
    static final int JA = 0x00, JEQ = 0x10, JGT = 0x20, JGE = 0x30, JSET = 0x40;
    // operand source: code & 0x08
    static final int K = 0x00, X = 0x08;
    // return value source: code & 0x18
    static final int RET_K = 0x00, RET_A = 0x10;
    // misc operations: code & 0xf8
    static final int TAX = 0x00, TXA = 0x80;

    /** Number of scratch memory words, {@code BPF_MEMWORDS}. */
    static final int MEMWORDS = 16;

    /** Linux {@code SKF_AD_OFF}: loads at and above this offset read ancillary data, not packet bytes. */
    static final long SKF_AD_OFF = 0xfffff000L;
    /** Linux {@code SKF_LL_OFF}: start of the kernel's negative-offset (link/network layer) window. */
    static final long SKF_LL_OFF = 0xffe00000L;

    static int cls(int code) {
        return code & 0x07;
    }

    static int size(int code) {
        return code & 0x18;
    }

    static int mode(int code) {
        return code & 0xe0;
    }

    static int op(int code) {
        return code & 0xf0;
    }

    static int src(int code) {
        return code & 0x08;
    }

    /** Bytes read by a packet load of the given size field, or 0 for sizes cBPF does not have. */
    static int sizeBytes(int code) {
        return switch (size(code)) {
            case W -> 4;
            case H -> 2;
            case B -> 1;
            default -> 0;
        };
    }

    static boolean isConditionalJump(int code) {
        return cls(code) == JMP && op(code) != JA;
    }
}

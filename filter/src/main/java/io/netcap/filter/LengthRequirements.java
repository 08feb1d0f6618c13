package io.netcap.filter;

import static io.netcap.filter.Opcodes.*;

import java.util.List;

/**
 * For every instruction, the smallest captured length that any path from it to a non-zero
 * return needs. If the packet is shorter, every path from there yields 0 (a load fails or the
 * path returns 0), so a single length check can stand in for all the loads after it.
 *
 * <p>A backward sweep sees every forward successor first. The only backward jumps (the "ja" of
 * libpcap's protochain loops) find their target's entry still 0, i.e. "nothing known", which
 * keeps the result a safe under-estimate.
 */
final class LengthRequirements {
    /** No path from here can return non-zero. */
    static final long NEVER = Long.MAX_VALUE;

    /** Largest readable extent: the buffer behind {@code data} holds 0x10000 bytes. */
    static final long WINDOW = 0x10000;

    private LengthRequirements() {}

    static long[] compute(List<CbpfInstruction> insns) {
        int n = insns.size();
        long[] req = new long[n];
        for (int i = n - 1; i >= 0; i--) {
            CbpfInstruction insn = insns.get(i);
            int code = insn.code();
            req[i] = switch (cls(code)) {
                case RET -> code == (RET | RET_K) && insn.k() == 0 ? NEVER : 0;
                case JMP -> {
                    long best = NEVER;
                    for (int t : BasicBlocks.targets(insn, i)) {
                        best = Math.min(best, req[t]);
                    }
                    yield best;
                }
                default -> Math.max(bytesNeeded(insn), req[i + 1]);
            };
        }
        return req;
    }

    /**
     * Captured bytes an instruction needs to succeed: exact for constant offsets, a lower bound
     * (X = 0) for X-relative ones; NEVER if it can only fail; 0 for non-packet instructions.
     */
    static long bytesNeeded(CbpfInstruction insn) {
        int code = insn.code();
        if (cls(code) != LD && cls(code) != LDX) {
            return 0;
        }
        long end = switch (mode(code)) {
            case ABS, IND -> insn.unsignedK() + sizeBytes(code);
            case MSH -> insn.unsignedK() + 1;
            default -> 0;
        };
        return end > WINDOW ? NEVER : end;
    }
}

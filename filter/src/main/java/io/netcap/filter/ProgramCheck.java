package io.netcap.filter;

import static io.netcap.filter.Opcodes.*;

import java.util.List;

/**
 * Static checks on a cBPF program. Two strengths: what libpcap's unchecked interpreter needs to
 * run without crashing (it aborts on unknown opcodes, faults on division by a zero constant and
 * trusts every jump), and what the C translator additionally needs (no Linux-only loads).
 */
final class ProgramCheck {
    private ProgramCheck() {}

    /** The first thing wrong with a program; {@code index} is -1 for whole-program problems. */
    record Problem(int index, String reason) {}

    /** First problem that would make libpcap's {@code bpf_filter} misbehave, or null. */
    static Problem forInterpreter(List<CbpfInstruction> insns) {
        return check(insns, false);
    }

    /** First problem that stops {@link CbpfToC} from translating the program, or null. */
    static Problem forTranslation(List<CbpfInstruction> insns) {
        return check(insns, true);
    }

    private static Problem check(List<CbpfInstruction> insns, boolean translating) {
        if (insns.isEmpty()) {
            return new Problem(-1, "empty program");
        }
        int n = insns.size();
        for (int i = 0; i < n; i++) {
            String reason = problemOf(insns.get(i), i, n, translating);
            if (reason != null) {
                return new Problem(i, reason);
            }
        }
        int lastCode = insns.get(n - 1).code();
        if (cls(lastCode) != RET) {
            return new Problem(n - 1, "last instruction is not a return, so the program can run off its end");
        }
        return null;
    }

    private static String problemOf(CbpfInstruction insn, int index, int count, boolean translating) {
        int code = insn.code();
        if (!insn.isKnownOpcode()) {
            return "unknown opcode 0x" + Integer.toHexString(code);
        }
        long k = insn.unsignedK();
        switch (cls(code)) {
            case LD, LDX -> {
                if (mode(code) == MEM && k >= MEMWORDS) {
                    return "scratch memory index " + k + " out of range 0.." + (MEMWORDS - 1);
                }
                boolean packetLoad = mode(code) == ABS || mode(code) == IND || mode(code) == MSH;
                if (translating && packetLoad && k >= SKF_AD_OFF) {
                    return "ancillary load not supported";
                }
                if (translating && packetLoad && k >= SKF_LL_OFF) {
                    return "Linux negative-offset load not supported";
                }
            }
            case ST, STX -> {
                if (k >= MEMWORDS) {
                    return "scratch memory index " + k + " out of range 0.." + (MEMWORDS - 1);
                }
            }
            case ALU -> {
                if ((op(code) == DIV || op(code) == MOD) && src(code) == K && k == 0) {
                    return "division by constant zero";
                }
            }
            case JMP -> {
                // "ja" is sign-extended (libpcap's protochain loops jump backwards); jt/jf are not.
                long offset = op(code) == JA ? insn.k() : Math.max(insn.jt(), insn.jf());
                long target = index + 1 + offset;
                if (target < 0 || target >= count) {
                    return "jump target out of range";
                }
            }
            default -> {
            }
        }
        return null;
    }
}

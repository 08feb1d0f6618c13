package io.netcap.filter;

import static io.netcap.filter.Opcodes.*;

import java.util.List;

/** Terse constructors for hand-written cBPF in tests. */
final class Insn {
    private Insn() {}

    static CbpfInstruction ld(int size, int mode, int k) {
        return CbpfInstruction.stmt(LD | size | mode, k);
    }

    static CbpfInstruction ldx(int size, int mode, int k) {
        return CbpfInstruction.stmt(LDX | size | mode, k);
    }

    static CbpfInstruction st(int k) {
        return CbpfInstruction.stmt(ST, k);
    }

    static CbpfInstruction stx(int k) {
        return CbpfInstruction.stmt(STX, k);
    }

    static CbpfInstruction alu(int op, int src, int k) {
        return CbpfInstruction.stmt(ALU | op | src, k);
    }

    static CbpfInstruction jmp(int op, int src, int k, int jt, int jf) {
        return CbpfInstruction.jump(JMP | op | src, k, jt, jf);
    }

    static CbpfInstruction ja(int k) {
        return CbpfInstruction.stmt(JMP | JA, k);
    }

    static CbpfInstruction tax() {
        return CbpfInstruction.stmt(MISC | TAX, 0);
    }

    static CbpfInstruction txa() {
        return CbpfInstruction.stmt(MISC | TXA, 0);
    }

    static CbpfInstruction retA() {
        return CbpfInstruction.stmt(RET | RET_A, 0);
    }

    static CbpfInstruction retK(int k) {
        return CbpfInstruction.stmt(RET | RET_K, k);
    }

    static CbpfProgram program(CbpfInstruction... insns) {
        return new CbpfProgram(List.of(insns), LinkType.ETHERNET);
    }
}

package io.netcap.filter;

import static io.netcap.filter.Opcodes.*;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a (checked) cBPF program into basic blocks: maximal straight-line runs that are entered
 * only at their first instruction and leave only through their last.
 */
final class BasicBlocks {
    /**
     * Instructions {@code start..end}, both inclusive. equals and hashCode are written out: the
     * generated ones are bootstrapped through method handles, which is slow on a cold start.
     */
    record Block(int id, int start, int end) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Block other && id == other.id && start == other.start && end == other.end;
        }

        @Override
        public int hashCode() {
            return (id * 31 + start) * 31 + end;
        }
    }

    private final List<Block> blocks;
    private final int[] blockStartingAt;

    BasicBlocks(List<CbpfInstruction> insns) {
        int n = insns.size();
        boolean[] leader = new boolean[n];
        leader[0] = true;
        for (int i = 0; i < n; i++) {
            int code = insns.get(i).code();
            if (cls(code) == JMP) {
                for (int target : targets(insns.get(i), i)) {
                    leader[target] = true;
                }
            }
            if ((cls(code) == JMP || cls(code) == RET) && i + 1 < n) {
                leader[i + 1] = true;
            }
        }
        blocks = new ArrayList<>();
        blockStartingAt = new int[n];
        java.util.Arrays.fill(blockStartingAt, -1);
        for (int start = 0; start < n; ) {
            int end = start;
            while (end + 1 < n && !leader[end + 1]) {
                end++;
            }
            blockStartingAt[start] = blocks.size();
            blocks.add(new Block(blocks.size(), start, end));
            start = end + 1;
        }
    }

    /** True for the one kind of backward jump libpcap emits: "ja" with a negative offset. */
    static boolean isBackward(CbpfInstruction insn, int index) {
        return op(insn.code()) == JA && index + 1L + insn.k() <= index;
    }

    /** Absolute jump targets of a jump instruction, taken branch first. */
    static int[] targets(CbpfInstruction insn, int index) {
        if (op(insn.code()) == JA) {
            // Sign-extended like libpcap's interpreter does: protochain loops jump backwards.
            return new int[] {index + 1 + insn.k()};
        }
        return new int[] {index + 1 + insn.jt(), index + 1 + insn.jf()};
    }

    List<Block> all() {
        return blocks;
    }

    /** The block whose first instruction is {@code index}; the index must be a leader. */
    Block startingAt(int index) {
        int id = blockStartingAt[index];
        if (id < 0) {
            throw new IllegalStateException("instruction " + index + " does not start a block");
        }
        return blocks.get(id);
    }
}

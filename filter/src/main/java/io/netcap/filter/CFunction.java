package io.netcap.filter;

import java.util.List;

/**
 * The C function for one cBPF program, as a small immutable tree: built in one go by {@link
 * CFunctionAnalysis}, turned into text by {@link CFunctionPrinter}. Keeping the two apart means
 * the printer never has to wait for facts (labels used, locals needed) that only later code
 * would discover.
 *
 * @param name             C identifier of the function
 * @param linkType         the link type the program's offsets assume, for the header comment
 * @param instructionCount size of the cBPF program, for the header comment
 * @param readExtent       bytes from {@code data} on the function can read, {@link CbpfProgram#readExtent}
 * @param locals           the locals the blocks use
 * @param blocks           reachable blocks in instruction order; each falls into the next unless
 *                         its last statement leaves
 */
record CFunction(String name, LinkType linkType, int instructionCount, long readExtent, Locals locals,
                 List<Block> blocks) {

    CFunction {
        blocks = List.copyOf(blocks);
    }

    /**
     * A basic block.
     *
     * @param start       index of its first cBPF instruction; names its label
     * @param jumpTarget  true if some exit jumps here, so it needs a label
     * @param checkLength captured length checked on entry, covering every read on the way to an
     *                    accepting return; 0 if what is known on entry already suffices
     * @param statements  what the block does, in order
     */
    record Block(int start, boolean jumpTarget, long checkLength, List<CStatement> statements) {
        Block {
            statements = List.copyOf(statements);
        }
    }

    /**
     * Locals to declare, each starting at 0 except {@code off}, which is always written before it
     * is read.
     *
     * @param a         the accumulator
     * @param x         the index register
     * @param scratch   indices of the scratch words used, ascending
     * @param offset    {@code off}, the checked offset of X-relative loads
     * @param loopHeads start of every block a {@link CStatement.LoopBack} returns to, ascending;
     *                  each gets its own counter
     */
    record Locals(boolean a, boolean x, List<Long> scratch, boolean offset, List<Integer> loopHeads) {
        Locals {
            scratch = List.copyOf(scratch);
            loopHeads = List.copyOf(loopHeads);
        }
    }
}

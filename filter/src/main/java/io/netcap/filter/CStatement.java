package io.netcap.filter;

/**
 * One step of a {@link CFunction.Block}: what to do, already decided by {@link CFunctionAnalysis}
 * (which guards a read needs, where a jump goes), but not yet spelled as C; {@link
 * CFunctionPrinter} does the spelling. Every statement works on the cBPF registers {@code A} and
 * {@code X}, the scratch words and the packet bytes.
 */
sealed interface CStatement {

    // ---- listing -------------------------------------------------------------------------

    /** The cBPF instruction the statements after it implement, kept as a comment for readers. */
    record Source(int index, CbpfInstruction instruction) implements CStatement {}

    // ---- guards: each returns 0 from the function when it fails --------------------------

    /** Rejects the packet unless at least {@code length} bytes were captured. */
    record CheckLength(long length) implements CStatement {}

    /** Rejects the packet if X is 0: libpcap's answer to a division by zero. */
    record RejectIfXIsZero() implements CStatement {}

    /** Unconditionally rejects the packet; the rest of the block is never reached. */
    record Reject(Why why) implements CStatement {}

    /** Why a {@link Reject} is there, printed as a comment. */
    enum Why {
        /** The block cannot reach a non-zero return, whatever the packet holds. */
        NOTHING_ACCEPTS,
        /** A read past the end of the buffer behind {@code data}, which cBPF treats as a failed load. */
        OUTSIDE_WINDOW
    }

    // ---- straight-line work ---------------------------------------------------------------

    /** {@code target = source} for registers, scratch words, constants and the wire length. */
    record Move(Location target, Operand source) implements CStatement {}

    /** {@code A} = the {@code size} bytes at constant {@code offset}, big-endian; the length is already checked. */
    record LoadBytes(long offset, int size) implements CStatement {}

    /** {@code X} = 4 × the low nibble of the byte at constant {@code offset} (an IPv4 header length). */
    record LoadHeaderLength(long offset) implements CStatement {}

    /**
     * {@code A} = the {@code size} bytes at {@code X + offset}, big-endian. Carries its own bounds
     * checks because X is only known at run time; {@code offset + size} fits the window.
     */
    record LoadIndirect(long offset, int size) implements CStatement {}

    /** {@code A = A op operand}; division by X is guarded by a {@link RejectIfXIsZero} before it. */
    record Arithmetic(ArithmeticOp op, Operand operand) implements CStatement {}

    enum ArithmeticOp { ADD, SUB, MUL, DIV, MOD, AND, OR, XOR }

    /** {@code A} shifted by {@code amount}; as in cBPF, shifting by 32 or more gives 0. */
    record Shift(boolean left, Operand amount) implements CStatement {}

    /** {@code A = -A} (modulo 2^32). */
    record Negate() implements CStatement {}

    // ---- leaving the block ----------------------------------------------------------------

    /** Returns the accumulator, cBPF's {@code ret a}. */
    record ReturnA() implements CStatement {}

    /** Leaves through {@code exit} if {@code condition} holds, else carries on. */
    record Branch(Condition condition, Exit exit) implements CStatement {}

    /** Leaves through {@code exit}. Falling into the next block needs no statement at all. */
    record Jump(Exit exit) implements CStatement {}

    /** A way out of a block other than falling into the next one. */
    sealed interface Exit {}

    /** Returns a constant (a cBPF {@code ret #k}, or 0 for a branch that cannot accept). */
    record Return(long value) implements Exit {}

    /** Jumps forward to the block starting at instruction {@code target}. */
    record Goto(int target) implements Exit {}

    /**
     * Jumps back to the loop head starting at instruction {@code head}, at most {@code limit}
     * times per run, then rejects: the bound is what lets the verifier accept the loop.
     */
    record LoopBack(int head, int limit) implements Exit {}

    /** {@code A comparison operand}, or its negation. */
    record Condition(Comparison comparison, Operand operand, boolean negated) {}

    enum Comparison {
        EQUAL, GREATER, GREATER_OR_EQUAL,
        /** {@code (A & operand) != 0}: cBPF's {@code jset}. */
        ANY_BIT_SET
    }

    // ---- operands -------------------------------------------------------------------------

    /** Something a statement reads. */
    sealed interface Operand {}

    /** Something a {@link Move} can write. */
    sealed interface Location extends Operand {}

    enum Register implements Location { A, X }

    /** Scratch word {@code M[index]}. */
    record Scratch(long index) implements Location {}

    /** An unsigned 32-bit constant. */
    record Constant(long value) implements Operand {}

    /** The packet's length on the wire (which may exceed what was captured). */
    record WireLength() implements Operand {}
}

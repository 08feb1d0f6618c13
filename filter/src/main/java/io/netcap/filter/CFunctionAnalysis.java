package io.netcap.filter;

import static io.netcap.filter.Opcodes.*;

import io.netcap.filter.CStatement.Branch;
import io.netcap.filter.CStatement.Condition;
import io.netcap.filter.CStatement.Exit;
import io.netcap.filter.CStatement.Goto;
import io.netcap.filter.CStatement.Jump;
import io.netcap.filter.CStatement.LoopBack;
import io.netcap.filter.CStatement.Operand;
import io.netcap.filter.CStatement.Register;
import io.netcap.filter.CStatement.Scratch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.TreeSet;

/**
 * Decides what the C for one checked cBPF program does and returns it as a {@link CFunction};
 * {@link CFunctionPrinter} then only has to spell it.
 *
 * <p>Safety contract: {@code data} points into a buffer of at least {@link
 * LengthRequirements#WINDOW} bytes and {@code data_end = data + captured length}. Because the
 * verifier learns nothing from comparing two map-value pointers, every read is kept inside the
 * window by a scalar bound (constant offsets at translation time, X-relative ones by an explicit
 * check on the very register used for the access), and every read is also checked against
 * {@code data_end}, which is cBPF's own out-of-bounds rule. Length checks are hoisted to block
 * entries using {@link LengthRequirements}, so straight-line header parsing costs one check.
 *
 * <p>Control flow: blocks are emitted in index order as labels and gotos; blocks that cannot be
 * reached, or from which nothing can be accepted, vanish. cBPF jumps forward with one exception:
 * libpcap's "ip6 protochain" loops back with a negative "ja". libpcap's interpreter runs that
 * loop unbounded (a crafted AH header can even make it spin forever); the C runs it at most
 * {@link #MAX_BACKWARD_JUMPS} times and then rejects the packet, which keeps the loop bounded
 * for the verifier.
 */
final class CFunctionAnalysis {
    /** Backward jumps allowed per run: one per IPv6 extension header walked by protochain. */
    static final int MAX_BACKWARD_JUMPS = 16;

    /** Where control goes when a cBPF block ends: a constant return or another block. */
    private sealed interface Successor permits Returns, Enters {}

    // equals and hashCode are written out: a record's generated ones are bootstrapped through
    // method handles on first use, which spins dozens of classes in a cold start.

    private record Returns(long value) implements Successor {
        @Override
        public boolean equals(Object o) {
            return o instanceof Returns other && value == other.value;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(value);
        }
    }

    private record Enters(BasicBlocks.Block block) implements Successor {
        @Override
        public boolean equals(Object o) {
            return o instanceof Enters other && block.equals(other.block);
        }

        @Override
        public int hashCode() {
            return block.hashCode();
        }
    }

    private final List<CbpfInstruction> insns;
    private final BasicBlocks blocks;
    private final long[] required;

    private CFunctionAnalysis(List<CbpfInstruction> insns) {
        this.insns = insns;
        this.blocks = new BasicBlocks(insns);
        this.required = LengthRequirements.compute(insns);
    }

    /** The function named {@code name} for a program that passed {@link ProgramCheck#forTranslation}. */
    static CFunction analyse(CbpfProgram program, String name) {
        CFunctionAnalysis analysis = new CFunctionAnalysis(program.instructions());
        List<BasicBlocks.Block> order = analysis.reachableBlocks();
        List<CFunction.Block> blocks = analysis.blocks(order);
        return new CFunction(name, program.linkType(), program.instructions().size(), program.readExtent(),
                analysis.locals(order, blocks), blocks);
    }

    private List<CFunction.Block> blocks(List<BasicBlocks.Block> order) {
        long[] knownIn = knownLengths(order);
        long[] checks = new long[order.size()];
        List<List<CStatement>> bodies = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            BasicBlocks.Block block = order.get(i);
            BasicBlocks.Block next = i + 1 < order.size() ? order.get(i + 1) : null;
            checks[i] = hoistedCheck(block, knownIn[block.id()]);
            bodies.add(statements(block, next, Math.max(knownIn[block.id()], checks[i])));
        }
        // Labels only for blocks something jumps to, so the C has no unused labels.
        TreeSet<Integer> targets = new TreeSet<>();
        for (List<CStatement> body : bodies) {
            for (Exit exit : exits(body)) {
                if (exit instanceof Goto g) {
                    targets.add(g.target());
                } else if (exit instanceof LoopBack l) {
                    targets.add(l.head());
                }
            }
        }
        List<CFunction.Block> result = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            int start = order.get(i).start();
            result.add(new CFunction.Block(start, targets.contains(start), checks[i], bodies.get(i)));
        }
        return result;
    }

    private static List<Exit> exits(List<CStatement> statements) {
        List<Exit> exits = new ArrayList<>();
        for (CStatement statement : statements) {
            if (statement instanceof Branch b) {
                exits.add(b.exit());
            } else if (statement instanceof Jump j) {
                exits.add(j.exit());
            }
        }
        return exits;
    }

    // ---- control flow ------------------------------------------------------------------

    /** Blocks reachable from the entry, in instruction order. */
    private List<BasicBlocks.Block> reachableBlocks() {
        BitSet seen = new BitSet();
        ArrayDeque<BasicBlocks.Block> work = new ArrayDeque<>();
        seen.set(0);
        work.add(blocks.all().get(0));
        while (!work.isEmpty()) {
            for (BasicBlocks.Block target : blockSuccessors(work.remove())) {
                if (!seen.get(target.id())) {
                    seen.set(target.id());
                    work.add(target);
                }
            }
        }
        List<BasicBlocks.Block> result = new ArrayList<>();
        seen.stream().forEach(id -> result.add(blocks.all().get(id)));
        return result;
    }

    /**
     * Successors of a block. Jumps into a block that cannot accept become {@code return 0}, and
     * jumps onto a lone {@code ret #k} become {@code return k}, so such blocks usually disappear.
     */
    private List<Successor> successors(BasicBlocks.Block block) {
        if (required[block.start()] == LengthRequirements.NEVER) {
            return List.of(new Returns(0));
        }
        CbpfInstruction last = insns.get(block.end());
        return switch (cls(last.code())) {
            case RET -> List.of();
            case JMP -> {
                List<Successor> successors = new ArrayList<>();
                for (int target : BasicBlocks.targets(last, block.end())) {
                    successors.add(successorAt(target));
                }
                yield successors;
            }
            default -> List.of(new Enters(blocks.startingAt(block.end() + 1)));
        };
    }

    private Successor successorAt(int target) {
        CbpfInstruction insn = insns.get(target);
        if (required[target] == LengthRequirements.NEVER) {
            return new Returns(0);
        }
        if (insn.code() == (RET | RET_K)) {
            return new Returns(insn.unsignedK());
        }
        return new Enters(blocks.startingAt(target));
    }

    private List<BasicBlocks.Block> blockSuccessors(BasicBlocks.Block block) {
        List<BasicBlocks.Block> targets = new ArrayList<>();
        for (Successor successor : successors(block)) {
            if (successor instanceof Enters e) {
                targets.add(e.block());
            }
        }
        return targets;
    }

    /**
     * Captured length already proven at each block's entry: the minimum over its predecessors
     * of what they proved by the time they left. Repeated until stable because a backward jump
     * can lower what its (earlier) target may assume; values only fall, so this terminates.
     */
    private long[] knownLengths(List<BasicBlocks.Block> order) {
        long[] knownIn = new long[blocks.all().size()];
        boolean changed = true;
        Arrays.fill(knownIn, Long.MAX_VALUE);
        knownIn[0] = 0;
        while (changed) {
            changed = false;
            for (BasicBlocks.Block block : order) {
                long out = Math.max(knownIn[block.id()], hoistedCheck(block, knownIn[block.id()]));
                for (BasicBlocks.Block successor : blockSuccessors(block)) {
                    if (out < knownIn[successor.id()]) {
                        knownIn[successor.id()] = out;
                        changed = true;
                    }
                }
            }
        }
        return knownIn;
    }

    /** Length to check at block entry, or 0 if what is already known suffices. */
    private long hoistedCheck(BasicBlocks.Block block, long known) {
        long need = required[block.start()];
        return need != LengthRequirements.NEVER && need > known ? need : 0;
    }

    // ---- blocks and instructions -------------------------------------------------------

    /**
     * What one block does, given the captured length proven on entry (including its own hoisted
     * check); {@code next} is the block printed after it, which it can fall into.
     */
    private List<CStatement> statements(BasicBlocks.Block block, BasicBlocks.Block next, long known) {
        List<CStatement> out = new ArrayList<>();
        if (required[block.start()] == LengthRequirements.NEVER) {
            for (int i = block.start(); i <= block.end(); i++) {
                out.add(new CStatement.Source(i, insns.get(i)));
            }
            out.add(new CStatement.Reject(CStatement.Why.NOTHING_ACCEPTS));
            return out;
        }
        for (int i = block.start(); i <= block.end(); i++) {
            CbpfInstruction insn = insns.get(i);
            out.add(new CStatement.Source(i, insn));
            switch (cls(insn.code())) {
                case RET -> out.add(insn.code() == (RET | RET_K)
                        ? new Jump(new CStatement.Return(insn.unsignedK()))
                        : new CStatement.ReturnA());
                case JMP -> jump(insn, block, next, out);
                default -> {
                    known = straightLine(insn, known, out);
                    if (out.get(out.size() - 1) instanceof CStatement.Reject) {
                        return out; // a load that can never succeed: the rest is unreachable
                    }
                }
            }
        }
        return out;
    }

    /** Adds one straight-line instruction; returns the captured length proven after it. */
    private static long straightLine(CbpfInstruction insn, long known, List<CStatement> out) {
        int code = insn.code();
        long k = insn.unsignedK();
        switch (cls(code)) {
            case LD -> {
                switch (mode(code)) {
                    case IMM -> out.add(new CStatement.Move(Register.A, new CStatement.Constant(k)));
                    case MEM -> out.add(new CStatement.Move(Register.A, new Scratch(k)));
                    case LEN -> out.add(new CStatement.Move(Register.A, new CStatement.WireLength()));
                    case ABS -> {
                        return constantRead(k, sizeBytes(code), new CStatement.LoadBytes(k, sizeBytes(code)), known, out);
                    }
                    case IND -> {
                        return indirectLoad(k, sizeBytes(code), known, out);
                    }
                    default -> throw new IllegalStateException("unchecked opcode " + code);
                }
            }
            case LDX -> {
                switch (mode(code)) {
                    case IMM -> out.add(new CStatement.Move(Register.X, new CStatement.Constant(k)));
                    case MEM -> out.add(new CStatement.Move(Register.X, new Scratch(k)));
                    case LEN -> out.add(new CStatement.Move(Register.X, new CStatement.WireLength()));
                    case MSH -> {
                        return constantRead(k, 1, new CStatement.LoadHeaderLength(k), known, out);
                    }
                    default -> throw new IllegalStateException("unchecked opcode " + code);
                }
            }
            case ST -> out.add(new CStatement.Move(new Scratch(k), Register.A));
            case STX -> out.add(new CStatement.Move(new Scratch(k), Register.X));
            case MISC -> out.add(op(code) == TXA
                    ? new CStatement.Move(Register.A, Register.X)
                    : new CStatement.Move(Register.X, Register.A));
            case ALU -> alu(insn, out);
            default -> throw new IllegalStateException("unchecked opcode " + code);
        }
        return known;
    }

    /**
     * A read at a constant offset, preceded by a length check unless the length is already
     * proven, or a rejection if it could only pass the window.
     */
    private static long constantRead(long offset, int size, CStatement load, long known, List<CStatement> out) {
        long end = offset + size;
        if (end > LengthRequirements.WINDOW) {
            out.add(new CStatement.Reject(CStatement.Why.OUTSIDE_WINDOW));
            return known;
        }
        if (end > known) {
            out.add(new CStatement.CheckLength(end));
            known = end;
        }
        out.add(load);
        return known;
    }

    /** {@code A = P[X + k : size]}; whatever X is, success proves at least {@code k + size} bytes. */
    private static long indirectLoad(long k, int size, long known, List<CStatement> out) {
        if (k + size > LengthRequirements.WINDOW) {
            out.add(new CStatement.Reject(CStatement.Why.OUTSIDE_WINDOW));
            return known;
        }
        out.add(new CStatement.LoadIndirect(k, size));
        return Math.max(known, k + size);
    }

    private static void alu(CbpfInstruction insn, List<CStatement> out) {
        int code = insn.code();
        boolean fromX = src(code) == X;
        Operand operand = fromX ? Register.X : new CStatement.Constant(insn.unsignedK());
        switch (op(code)) {
            case ADD -> out.add(new CStatement.Arithmetic(CStatement.ArithmeticOp.ADD, operand));
            case SUB -> out.add(new CStatement.Arithmetic(CStatement.ArithmeticOp.SUB, operand));
            case MUL -> out.add(new CStatement.Arithmetic(CStatement.ArithmeticOp.MUL, operand));
            case AND -> out.add(new CStatement.Arithmetic(CStatement.ArithmeticOp.AND, operand));
            case OR -> out.add(new CStatement.Arithmetic(CStatement.ArithmeticOp.OR, operand));
            case XOR -> out.add(new CStatement.Arithmetic(CStatement.ArithmeticOp.XOR, operand));
            case NEG -> out.add(new CStatement.Negate());
            case DIV, MOD -> {
                // A zero constant divisor is refused by ProgramCheck; only X needs a run-time guard.
                if (fromX) {
                    out.add(new CStatement.RejectIfXIsZero());
                }
                CStatement.ArithmeticOp divide = op(code) == DIV ? CStatement.ArithmeticOp.DIV : CStatement.ArithmeticOp.MOD;
                out.add(new CStatement.Arithmetic(divide, operand));
            }
            case LSH, RSH -> out.add(new CStatement.Shift(op(code) == LSH, operand));
            default -> throw new IllegalStateException("unchecked opcode " + code);
        }
    }

    /**
     * The exits of a jump. When the taken branch falls into the next block the condition is
     * negated, so either way the C has at most one "if" and one unconditional exit.
     */
    private void jump(CbpfInstruction insn, BasicBlocks.Block block, BasicBlocks.Block next, List<CStatement> out) {
        List<Successor> successors = successors(block);
        Successor taken = successors.get(0);
        if (successors.size() == 1 || taken.equals(successors.get(1))) {
            leave(taken, block, next, out);
            return;
        }
        Successor notTaken = successors.get(1);
        if (fallsInto(taken, next)) {
            out.add(new Branch(condition(insn, true), exit(notTaken, block)));
        } else {
            out.add(new Branch(condition(insn, false), exit(taken, block)));
            leave(notTaken, block, next, out);
        }
    }

    /** An unconditional exit, or nothing when control simply falls into the next block. */
    private static void leave(Successor successor, BasicBlocks.Block from, BasicBlocks.Block next, List<CStatement> out) {
        if (!fallsInto(successor, next)) {
            out.add(new Jump(exit(successor, from)));
        }
    }

    private static Exit exit(Successor successor, BasicBlocks.Block from) {
        if (successor instanceof Returns r) {
            return new CStatement.Return(r.value());
        }
        BasicBlocks.Block target = ((Enters) successor).block();
        // Only protochain's "ja" jumps back; bound it so the verifier sees a finite loop.
        return target.start() <= from.start()
                ? new LoopBack(target.start(), MAX_BACKWARD_JUMPS)
                : new Goto(target.start());
    }

    private static boolean fallsInto(Successor successor, BasicBlocks.Block next) {
        return successor instanceof Enters e && next != null && e.block().id() == next.id();
    }

    private static Condition condition(CbpfInstruction insn, boolean negated) {
        Operand operand = src(insn.code()) == X ? Register.X : new CStatement.Constant(insn.unsignedK());
        CStatement.Comparison comparison = switch (op(insn.code())) {
            case JEQ -> CStatement.Comparison.EQUAL;
            case JGT -> CStatement.Comparison.GREATER;
            case JGE -> CStatement.Comparison.GREATER_OR_EQUAL;
            case JSET -> CStatement.Comparison.ANY_BIT_SET;
            default -> throw new IllegalStateException("not a conditional jump: " + insn);
        };
        return new Condition(comparison, operand, negated);
    }

    // ---- locals ------------------------------------------------------------------------

    /**
     * Locals for the registers and scratch words the blocks touch, read off the cBPF
     * instructions of every block that is not a plain rejection, and a counter for every loop.
     */
    private CFunction.Locals locals(List<BasicBlocks.Block> order, List<CFunction.Block> built) {
        boolean a = false, x = false, offset = false;
        TreeSet<Long> memory = new TreeSet<>();
        for (BasicBlocks.Block block : order) {
            if (required[block.start()] == LengthRequirements.NEVER) {
                continue;
            }
            for (int i = block.start(); i <= block.end(); i++) {
                CbpfInstruction insn = insns.get(i);
                int code = insn.code();
                switch (cls(code)) {
                    case LD -> {
                        a = true;
                        x |= mode(code) == IND;
                        offset |= mode(code) == IND;
                    }
                    case LDX, STX -> x = true;
                    case ST -> a = true;
                    case ALU, MISC -> {
                        a = true;
                        x |= src(code) == X || cls(code) == MISC;
                    }
                    case JMP -> {
                        a |= op(code) != JA;
                        x |= op(code) != JA && src(code) == X;
                    }
                    case RET -> a |= code != (RET | RET_K);
                    default -> {
                    }
                }
                boolean scratch = (cls(code) == LD || cls(code) == LDX) && mode(code) == MEM
                        || cls(code) == ST || cls(code) == STX;
                if (scratch) {
                    memory.add(insn.unsignedK());
                }
            }
        }
        // One counter per loop head: once a loop is left its counter is dead, so the verifier
        // can prune states of later loops instead of multiplying them.
        TreeSet<Integer> loopHeads = new TreeSet<>();
        for (CFunction.Block block : built) {
            for (Exit exit : exits(block.statements())) {
                if (exit instanceof LoopBack l) {
                    loopHeads.add(l.head());
                }
            }
        }
        return new CFunction.Locals(a, x, List.copyOf(memory), offset, List.copyOf(loopHeads));
    }
}

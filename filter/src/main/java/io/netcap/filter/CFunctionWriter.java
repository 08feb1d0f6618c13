package io.netcap.filter;

import static io.netcap.filter.Opcodes.*;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.TreeSet;

/**
 * Writes the C for one checked cBPF program.
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
final class CFunctionWriter {
    private static final String BARRIER = "NETCAP_CBPF_BARRIER";

    /** Backward jumps allowed per run: one per IPv6 extension header walked by protochain. */
    static final int MAX_BACKWARD_JUMPS = 16;

    /** Where control goes when a block ends: a constant return or another block. */
    private sealed interface Exit permits Return, Goto {}

    // equals and hashCode are written out: a record's generated ones are bootstrapped through
    // method handles on first use, which spins dozens of classes in a cold start.

    private record Return(long value) implements Exit {
        @Override
        public boolean equals(Object o) {
            return o instanceof Return other && value == other.value;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(value);
        }
    }

    private record Goto(BasicBlocks.Block block) implements Exit {
        @Override
        public boolean equals(Object o) {
            return o instanceof Goto other && java.util.Objects.equals(block, other.block);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hashCode(block);
        }
    }

    private final CbpfProgram program;
    private final List<CbpfInstruction> insns;
    private final String name;
    private final BasicBlocks blocks;
    private final long[] required;
    private final TreeSet<Integer> labelsUsed = new TreeSet<>();
    private int currentBlockStart;
    private final TreeSet<Integer> loopHeads = new TreeSet<>();

    CFunctionWriter(CbpfProgram program, String name) {
        this.program = program;
        this.insns = program.instructions();
        this.name = name;
        this.blocks = new BasicBlocks(insns);
        this.required = LengthRequirements.compute(insns);
    }

    String write() {
        List<BasicBlocks.Block> order = reachableBlocks();
        long[] knownIn = knownLengths(order);
        List<String> body = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            BasicBlocks.Block next = i + 1 < order.size() ? order.get(i + 1) : null;
            body.add(null); // placeholder for the block's label, filled once all gotos are known
            writeBlock(order.get(i), next, knownIn[order.get(i).id()], body);
        }

        StringBuilder out = new StringBuilder();
        out.append("/*\n * ").append(name).append(": classic BPF for link type ").append(program.linkType())
                .append(", ").append(insns.size()).append(" instruction").append(insns.size() == 1 ? "" : "s")
                .append(", translated by netcap.\n")
                .append(" * Returns the cBPF return value; 0 means no match. data must point at a buffer of\n")
                .append(" * at least 0x10000 readable bytes and data_end = data + captured length.\n */\n");
        out.append("#ifndef ").append(BARRIER).append('\n')
                .append("#ifdef __bpf__\n")
                .append("/* Stops clang from re-deriving a checked offset, so the verifier sees the check on the register used. */\n")
                .append("#define ").append(BARRIER).append("(v) asm volatile(\"\" : \"+r\"(v))\n")
                .append("#else\n")
                .append("#define ").append(BARRIER).append("(v) ((void)0)\n")
                .append("#endif\n")
                .append("#endif\n\n");
        out.append("static __always_inline __u32 ").append(name)
                .append("_len(const __u8 *data, const __u8 *data_end, __u32 wire_len)\n{\n");
        List<String> declarations = declarations(order);
        for (String declaration : declarations) {
            out.append('\t').append(declaration).append('\n');
        }
        if (!declarations.isEmpty()) {
            out.append('\n');
        }
        int blockIndex = 0;
        for (String line : body) {
            if (line == null) {
                BasicBlocks.Block block = order.get(blockIndex++);
                if (labelsUsed.contains(block.start())) {
                    out.append(label(block)).append(":\n");
                }
                continue;
            }
            out.append(line).append('\n');
        }
        out.append("}\n\n");
        out.append("static __always_inline __u32 ").append(name)
                .append("(const __u8 *data, const __u8 *data_end)\n{\n")
                .append("\treturn ").append(name).append("_len(data, data_end, (__u32)(data_end - data));\n}\n");
        return out.toString();
    }

    // ---- control flow ------------------------------------------------------------------

    /** Blocks reachable from the entry, in instruction order. */
    private List<BasicBlocks.Block> reachableBlocks() {
        BitSet seen = new BitSet();
        java.util.ArrayDeque<BasicBlocks.Block> work = new java.util.ArrayDeque<>();
        seen.set(0);
        work.add(blocks.all().get(0));
        while (!work.isEmpty()) {
            for (BasicBlocks.Block target : gotoTargets(work.remove())) {
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
    private List<Exit> exits(BasicBlocks.Block block) {
        if (required[block.start()] == LengthRequirements.NEVER) {
            return List.of(new Return(0));
        }
        CbpfInstruction last = insns.get(block.end());
        return switch (cls(last.code())) {
            case RET -> List.of();
            case JMP -> {
                List<Exit> exits = new ArrayList<>();
                for (int target : BasicBlocks.targets(last, block.end())) {
                    exits.add(exitTo(target));
                }
                yield exits;
            }
            default -> List.of(new Goto(blocks.startingAt(block.end() + 1)));
        };
    }

    private Exit exitTo(int target) {
        CbpfInstruction insn = insns.get(target);
        if (required[target] == LengthRequirements.NEVER) {
            return new Return(0);
        }
        if (insn.code() == (RET | RET_K)) {
            return new Return(insn.unsignedK());
        }
        return new Goto(blocks.startingAt(target));
    }

    /**
     * Captured length already proven at each block's entry: the minimum over its predecessors
     * of what they proved by the time they left. Repeated until stable because a backward jump
     * can lower what its (earlier) target may assume; values only fall, so this terminates.
     */
    private long[] knownLengths(List<BasicBlocks.Block> order) {
        long[] knownIn = new long[blocks.all().size()];
        boolean changed = true;
        java.util.Arrays.fill(knownIn, Long.MAX_VALUE);
        knownIn[0] = 0;
        while (changed) {
            changed = false;
            for (BasicBlocks.Block block : order) {
                long out = Math.max(knownIn[block.id()], hoistedCheck(block, knownIn[block.id()]));
                for (BasicBlocks.Block successor : gotoTargets(block)) {
                    if (out < knownIn[successor.id()]) {
                        knownIn[successor.id()] = out;
                        changed = true;
                    }
                }
            }
        }
        return knownIn;
    }

    private List<BasicBlocks.Block> gotoTargets(BasicBlocks.Block block) {
        List<BasicBlocks.Block> targets = new ArrayList<>();
        for (Exit exit : exits(block)) {
            if (exit instanceof Goto g) {
                targets.add(g.block());
            }
        }
        return targets;
    }

    /** Length to check at block entry, or 0 if what is already known suffices. */
    private long hoistedCheck(BasicBlocks.Block block, long known) {
        long need = required[block.start()];
        return need != LengthRequirements.NEVER && need > known ? need : 0;
    }

    // ---- blocks and instructions -------------------------------------------------------

    private void writeBlock(BasicBlocks.Block block, BasicBlocks.Block next, long knownIn, List<String> out) {
        currentBlockStart = block.start();
        if (required[block.start()] == LengthRequirements.NEVER) {
            for (int i = block.start(); i <= block.end(); i++) {
                out.add("\t/* " + insns.get(i).format(i) + " */");
            }
            out.add("\treturn 0;\t/* no path from here returns non-zero */");
            return;
        }
        long[] known = {knownIn};
        long hoist = hoistedCheck(block, knownIn);
        if (hoist > 0) {
            out.add("\tif (data + " + hoist + " > data_end)\t/* every accepting path from here reads bytes 0.." + (hoist - 1) + " */");
            out.add("\t\treturn 0;");
            known[0] = hoist;
        }
        for (int i = block.start(); i <= block.end(); i++) {
            CbpfInstruction insn = insns.get(i);
            out.add("\t/* " + insn.format(i) + " */");
            switch (cls(insn.code())) {
                case RET -> out.add("\treturn " + (insn.code() == (RET | RET_K) ? Long.toString(insn.unsignedK()) : "A") + ";");
                case JMP -> writeJump(insn, block, next, out);
                default -> {
                    if (!writeStatement(insn, known, out)) {
                        return;
                    }
                }
            }
        }
    }

    /** Emits one straight-line instruction; false if it always fails (and so ends the block). */
    private boolean writeStatement(CbpfInstruction insn, long[] known, List<String> out) {
        int code = insn.code();
        long k = insn.unsignedK();
        switch (cls(code)) {
            case LD -> {
                switch (mode(code)) {
                    case IMM -> out.add("\tA = " + hex(k) + ";");
                    case MEM -> out.add("\tA = M" + k + ";");
                    case LEN -> out.add("\tA = wire_len;");
                    case ABS -> {
                        return constantLoad("A", k, sizeBytes(code), known, out);
                    }
                    case IND -> {
                        return indirectLoad(k, sizeBytes(code), known, out);
                    }
                    default -> throw new IllegalStateException("unchecked opcode " + code);
                }
            }
            case LDX -> {
                switch (mode(code)) {
                    case IMM -> out.add("\tX = " + hex(k) + ";");
                    case MEM -> out.add("\tX = M" + k + ";");
                    case LEN -> out.add("\tX = wire_len;");
                    case MSH -> {
                        if (!checkConstantRead(k, 1, known, out)) {
                            return false;
                        }
                        out.add("\tX = ((__u32)data[" + k + "] & 0xfU) << 2;");
                    }
                    default -> throw new IllegalStateException("unchecked opcode " + code);
                }
            }
            case ST -> out.add("\tM" + k + " = A;");
            case STX -> out.add("\tM" + k + " = X;");
            case MISC -> out.add(op(code) == TXA ? "\tA = X;" : "\tX = A;");
            case ALU -> writeAlu(insn, out);
            default -> throw new IllegalStateException("unchecked opcode " + code);
        }
        return true;
    }

    private boolean constantLoad(String register, long offset, int size, long[] known, List<String> out) {
        if (!checkConstantRead(offset, size, known, out)) {
            return false;
        }
        out.add("\t" + register + " = " + bigEndian(Long.toString(offset), size, true) + ";");
        return true;
    }

    /** Length check for a constant-offset read unless already proven; false if it can never succeed. */
    private boolean checkConstantRead(long offset, int size, long[] known, List<String> out) {
        long end = offset + size;
        if (end > LengthRequirements.WINDOW) {
            out.add("\treturn 0;\t/* reads beyond the 0x10000-byte window */");
            return false;
        }
        if (end > known[0]) {
            out.add("\tif (data + " + end + " > data_end)");
            out.add("\t\treturn 0;");
            known[0] = end;
        }
        return true;
    }

    /** {@code A = P[X + k : size]} with libpcap's overflow-free bound and a verifier-visible scalar bound. */
    private boolean indirectLoad(long k, int size, long[] known, List<String> out) {
        long limit = LengthRequirements.WINDOW - size; // largest offset whose read stays in the window
        if (k > limit) {
            out.add("\treturn 0;\t/* reads beyond the 0x10000-byte window */");
            return false;
        }
        out.add("\tif (X > " + hex(limit - k) + ")\t/* X + " + k + " + " + size + " would pass the window (or wrap) */");
        out.add("\t\treturn 0;");
        out.add("\toff = X + " + hex(k) + ";");
        out.add("\t" + BARRIER + "(off);");
        out.add("\tif (off > " + hex(limit) + " || data + off + " + size + " > data_end)");
        out.add("\t\treturn 0;");
        out.add("\tA = " + bigEndian("off", size, false) + ";");
        known[0] = Math.max(known[0], k + size);
        return true;
    }

    /** Big-endian value of {@code size} bytes at {@code base}, composed byte by byte. */
    private static String bigEndian(String base, int size, boolean constant) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                sb.append(" | ");
            }
            String index = constant ? Long.toString(Long.parseLong(base) + i) : (i == 0 ? base : base + " + " + i);
            int shift = 8 * (size - 1 - i);
            sb.append(shift == 0 ? "(__u32)data[" + index + "]" : "((__u32)data[" + index + "] << " + shift + ")");
        }
        return sb.toString();
    }

    private void writeAlu(CbpfInstruction insn, List<String> out) {
        int code = insn.code();
        boolean fromX = src(code) == X;
        long k = insn.unsignedK();
        String operand = fromX ? "X" : hex(k);
        switch (op(code)) {
            case ADD -> out.add("\tA += " + operand + ";");
            case SUB -> out.add("\tA -= " + operand + ";");
            case MUL -> out.add("\tA *= " + operand + ";");
            case AND -> out.add("\tA &= " + operand + ";");
            case OR -> out.add("\tA |= " + operand + ";");
            case XOR -> out.add("\tA ^= " + operand + ";");
            case NEG -> out.add("\tA = 0U - A;");
            case DIV, MOD -> {
                if (fromX) {
                    out.add("\tif (X == 0)\t/* libpcap: division by zero rejects the packet */");
                    out.add("\t\treturn 0;");
                }
                out.add("\tA " + (op(code) == DIV ? "/=" : "%=") + " " + operand + ";");
            }
            case LSH, RSH -> {
                String shift = op(code) == LSH ? "<<" : ">>";
                if (fromX) {
                    out.add("\tA = X < 32 ? A " + shift + " X : 0;\t/* shifts of 32 or more give 0, not C's undefined behaviour */");
                } else if (k < 32) {
                    out.add("\tA " + shift + "= " + k + ";");
                } else {
                    out.add("\tA = 0;\t/* shift by " + k + " */");
                }
            }
            default -> throw new IllegalStateException("unchecked opcode " + code);
        }
    }

    private void writeJump(CbpfInstruction insn, BasicBlocks.Block block, BasicBlocks.Block next, List<String> out) {
        List<Exit> exits = exits(block);
        if (exits.size() == 1 || exits.get(0).equals(exits.get(1))) {
            writeExit(exits.get(0), next, "\t", out);
            return;
        }
        Exit taken = exits.get(0);
        Exit notTaken = exits.get(1);
        if (fallsInto(taken, next)) {
            out.add("\tif (" + condition(insn, true) + ")");
            writeExit(notTaken, next, "\t\t", out);
        } else {
            out.add("\tif (" + condition(insn, false) + ")");
            writeExit(taken, next, "\t\t", out);
            writeExit(notTaken, next, "\t", out);
        }
    }

    private void writeExit(Exit exit, BasicBlocks.Block next, String indent, List<String> out) {
        if (exit instanceof Return r) {
            out.add(indent + "return " + r.value() + ";");
        } else if (!fallsInto(exit, next)) {
            BasicBlocks.Block target = ((Goto) exit).block();
            labelsUsed.add(target.start());
            if (target.start() <= currentBlockStart) {
                // Only protochain's "ja" jumps back; bound it so the verifier sees a finite loop.
                // One counter per loop head: once a loop is left its counter is dead, so the
                // verifier can prune states of later loops instead of multiplying them.
                loopHeads.add(target.start());
                out.add(indent + "if (++" + loopCounter(target) + " > " + MAX_BACKWARD_JUMPS + ")\t/* libpcap would keep walking; give up */");
                out.add(indent + "\treturn 0;");
            }
            out.add(indent + "goto " + label(target) + ";");
        }
    }

    private static boolean fallsInto(Exit exit, BasicBlocks.Block next) {
        return exit instanceof Goto g && next != null && g.block().id() == next.id();
    }

    private static String condition(CbpfInstruction insn, boolean negated) {
        String operand = src(insn.code()) == X ? "X" : hex(insn.unsignedK());
        return switch (op(insn.code())) {
            case JEQ -> "A " + (negated ? "!=" : "==") + " " + operand;
            case JGT -> "A " + (negated ? "<=" : ">") + " " + operand;
            case JGE -> "A " + (negated ? "<" : ">=") + " " + operand;
            case JSET -> "(A & " + operand + ") " + (negated ? "==" : "!=") + " 0";
            default -> throw new IllegalStateException("not a conditional jump: " + insn);
        };
    }

    private static String loopCounter(BasicBlocks.Block head) {
        return "loops" + head.start();
    }

    private static String label(BasicBlocks.Block block) {
        return String.format("L%03d", block.start());
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value) + "U";
    }

    // ---- declarations ------------------------------------------------------------------

    /** Locals for the registers and scratch words the emitted blocks touch, all starting at 0. */
    private List<String> declarations(List<BasicBlocks.Block> order) {
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
                    case RET -> a |= code == (RET | RET_K) ? false : true;
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
        List<String> out = new ArrayList<>();
        if (a) {
            out.add("__u32 A = 0;");
        }
        if (x) {
            out.add("__u32 X = 0;");
        }
        for (long m : memory) {
            out.add("__u32 M" + m + " = 0;");
        }
        if (offset) {
            out.add("__u32 off;");
        }
        for (int head : loopHeads) {
            out.add("__u32 loops" + head + " = 0;");
        }
        return out;
    }
}

package io.netcap.filter;

import static io.netcap.filter.Opcodes.*;

import java.util.Arrays;
import java.util.List;

/**
 * How many bytes from the start of the packet a cBPF program can read: one past the last byte of
 * any packet load it can reach. A capture that copies only that many bytes before running the
 * program gets the same verdict as one that copies the whole packet, and can copy the rest for
 * the packets that match.
 *
 * <p>Constant-offset loads count their offset and size. A load at {@code X + k} needs the
 * largest value X can hold there, which a forward pass over intervals of A, X and the scratch
 * words finds: {@code ldxb 4*([k]&0xf)} gives 0..60, a byte or half-word load 0..255 or 0..65535,
 * arithmetic follows its operands (anything that can wrap becomes unbounded). Where X is
 * unbounded, or the program loops (libpcap's {@code protochain} jumps backwards), the answer is
 * the whole window, {@link LengthRequirements#WINDOW}: the program may read anywhere in it. The
 * answer never exceeds the window, because the translated C never reads past it.
 */
final class ReadExtent {
    private static final long MAX = 0xFFFF_FFFFL;

    /** An inclusive interval of unsigned 32-bit values. */
    private record Range(long lo, long hi) {
        static final Range TOP = new Range(0, MAX);

        static Range of(long v) {
            return new Range(v, v);
        }

        Range join(Range o) {
            return new Range(Math.min(lo, o.lo), Math.max(hi, o.hi));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Range r && lo == r.lo && hi == r.hi;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(lo) * 31 + Long.hashCode(hi);
        }
    }

    /** What is known of the registers and scratch words before one instruction. */
    private record State(Range a, Range x, Range[] m) {
        State with(Range a, Range x) {
            return new State(a, x, m);
        }

        State store(long index, Range v) {
            Range[] copy = m.clone();
            copy[(int) index] = v;
            return new State(a, x, copy);
        }

        State join(State o) {
            Range[] joined = new Range[MEMWORDS];
            for (int i = 0; i < MEMWORDS; i++) {
                joined[i] = m[i].join(o.m[i]);
            }
            return new State(a.join(o.a), x.join(o.x), joined);
        }
    }

    private ReadExtent() {}

    /**
     * Bytes from the packet's start the program can read, 0..{@link LengthRequirements#WINDOW};
     * the window when it cannot be bounded. The program must have passed {@link
     * ProgramCheck#forInterpreter} (jump targets in range, scratch indices below 16).
     */
    static long of(List<CbpfInstruction> insns) {
        int n = insns.size();
        State[] in = new State[n];
        Range[] unknown = new Range[MEMWORDS];
        Arrays.fill(unknown, Range.TOP); // libpcap leaves the scratch words uninitialised
        in[0] = new State(Range.of(0), Range.of(0), unknown);
        long extent = 0;
        for (int i = 0; i < n; i++) {
            State s = in[i];
            if (s == null) {
                continue; // unreachable
            }
            CbpfInstruction insn = insns.get(i);
            int code = insn.code();
            extent = Math.max(extent, readEnd(insn, s));
            if (extent >= LengthRequirements.WINDOW) {
                return LengthRequirements.WINDOW;
            }
            if (cls(code) == RET) {
                continue;
            }
            if (cls(code) == JMP) {
                for (int target : BasicBlocks.targets(insn, i)) {
                    if (target <= i) {
                        return LengthRequirements.WINDOW; // a loop: where it reads is not bounded here
                    }
                    in[target] = in[target] == null ? s : in[target].join(s);
                }
                continue;
            }
            State out = step(insn, s);
            in[i + 1] = in[i + 1] == null ? out : in[i + 1].join(out);
        }
        return extent;
    }

    /** One past the last packet byte the instruction can read in state s; 0 if it reads none. */
    private static long readEnd(CbpfInstruction insn, State s) {
        int code = insn.code();
        if (cls(code) != LD && cls(code) != LDX) {
            return 0;
        }
        long k = insn.unsignedK();
        return switch (mode(code)) {
            case ABS -> k + sizeBytes(code);
            case IND -> k + sizeBytes(code) + s.x().hi();
            case MSH -> k + 1;
            default -> 0;
        };
    }

    /** The state after a straight-line instruction. */
    private static State step(CbpfInstruction insn, State s) {
        int code = insn.code();
        long k = insn.unsignedK();
        return switch (cls(code)) {
            case LD -> s.with(loaded(code, k, s), s.x());
            case LDX -> s.with(s.a(), mode(code) == MSH ? new Range(0, 60) : loaded(code, k, s));
            case ST -> s.store(k, s.a());
            case STX -> s.store(k, s.x());
            case MISC -> op(code) == TXA ? s.with(s.x(), s.x()) : s.with(s.a(), s.a());
            case ALU -> s.with(alu(op(code), s.a(), src(code) == X ? s.x() : Range.of(k)), s.x());
            default -> throw new IllegalStateException("not a straight-line instruction: " + insn);
        };
    }

    /** The value a load (into A or X) gives. */
    private static Range loaded(int code, long k, State s) {
        return switch (mode(code)) {
            case IMM -> Range.of(k);
            case MEM -> s.m()[(int) k];
            case ABS, IND -> new Range(0, (1L << (8 * sizeBytes(code))) - 1);
            default -> Range.TOP; // the wire length
        };
    }

    private static Range alu(int op, Range a, Range b) {
        return switch (op) {
            case ADD -> a.hi() + b.hi() > MAX ? Range.TOP : new Range(a.lo() + b.lo(), a.hi() + b.hi());
            case SUB -> a.lo() >= b.hi() ? new Range(a.lo() - b.hi(), a.hi() - b.lo()) : Range.TOP;
            case MUL -> b.hi() != 0 && a.hi() > MAX / b.hi() ? Range.TOP : new Range(a.lo() * b.lo(), a.hi() * b.hi());
            // a zero divisor rejects the packet: only divisors of at least 1 go on
            case DIV -> new Range(a.lo() / Math.max(b.hi(), 1), a.hi() / Math.max(b.lo(), 1));
            case MOD -> new Range(0, Math.min(a.hi(), Math.max(b.hi() - 1, 0)));
            case AND -> new Range(0, Math.min(a.hi(), b.hi()));
            case OR, XOR -> new Range(0, ones(Math.max(a.hi(), b.hi())));
            // shifts by 32 or more give 0 in the C; "unbounded" covers that too
            case LSH -> b.hi() >= 32 || a.hi() > MAX >>> b.hi() ? Range.TOP : new Range(a.lo() << b.lo(), a.hi() << b.hi());
            case RSH -> new Range(0, b.lo() >= 32 ? 0 : a.hi() >>> b.lo());
            default -> Range.TOP; // NEG
        };
    }

    /** The smallest all-ones value (2^n - 1) at least v. */
    private static long ones(long v) {
        return v == 0 ? 0 : (Long.highestOneBit(v) << 1) - 1;
    }
}

package io.netcap.filter;

import io.netcap.filter.CStatement.Arithmetic;
import io.netcap.filter.CStatement.Branch;
import io.netcap.filter.CStatement.CheckLength;
import io.netcap.filter.CStatement.Condition;
import io.netcap.filter.CStatement.Constant;
import io.netcap.filter.CStatement.Exit;
import io.netcap.filter.CStatement.Goto;
import io.netcap.filter.CStatement.Jump;
import io.netcap.filter.CStatement.LoadBytes;
import io.netcap.filter.CStatement.LoadHeaderLength;
import io.netcap.filter.CStatement.LoadIndirect;
import io.netcap.filter.CStatement.LoopBack;
import io.netcap.filter.CStatement.Move;
import io.netcap.filter.CStatement.Negate;
import io.netcap.filter.CStatement.Operand;
import io.netcap.filter.CStatement.Register;
import io.netcap.filter.CStatement.Reject;
import io.netcap.filter.CStatement.RejectIfXIsZero;
import io.netcap.filter.CStatement.Return;
import io.netcap.filter.CStatement.ReturnA;
import io.netcap.filter.CStatement.Scratch;
import io.netcap.filter.CStatement.Shift;
import io.netcap.filter.CStatement.Source;
import io.netcap.filter.CStatement.WireLength;

/**
 * Spells a {@link CFunction} as C: one pass over the tree, appending as it goes. All decisions
 * about what to check and where to jump were made by {@link CFunctionAnalysis}; what is left here
 * is how C says it (unsigned constants, big-endian byte assembly, shifts that C leaves undefined).
 */
final class CFunctionPrinter {
    private static final String BARRIER = "NETCAP_CBPF_BARRIER";
    private static final String LOAD16 = "NETCAP_CBPF_LOAD16";
    private static final String LOAD32 = "NETCAP_CBPF_LOAD32";

    private final StringBuilder out = new StringBuilder();

    private CFunctionPrinter() {}

    static String print(CFunction function) {
        CFunctionPrinter printer = new CFunctionPrinter();
        printer.function(function);
        return printer.out.toString();
    }

    private void function(CFunction f) {
        int count = f.instructionCount();
        out.append("/*\n * ").append(f.name()).append(": classic BPF for link type ").append(f.linkType())
                .append(", ").append(count).append(" instruction").append(count == 1 ? "" : "s")
                .append(", translated by netcap.\n")
                .append(" * Returns the cBPF return value; 0 means no match. data must point at a buffer of\n")
                .append(" * at least 0x10000 readable bytes and data_end = data + captured length.\n */\n");
        // Guarded, so the several functions of one filter source can each carry the definition.
        out.append("#ifndef ").append(BARRIER).append('\n')
                .append("#ifdef __bpf__\n")
                .append("/* Stops clang from re-deriving a checked offset, so the verifier sees the check on the register used. */\n")
                .append("#define ").append(BARRIER).append("(v) asm volatile(\"\" : \"+r\"(v))\n")
                .append("#else\n")
                .append("#define ").append(BARRIER).append("(v) ((void)0)\n")
                .append("#endif\n")
                .append("#endif\n");
        out.append("#ifndef ").append(LOAD16).append('\n')
                .append("#if defined(__bpf__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__\n")
                .append("/*\n * A 2- or 4-byte field in network order, read with one load: where the filter reads the\n")
                .append(" * packet in place, every load is one the JIT guards, so bytes one at a time cost a guard\n")
                .append(" * each. x86 and the verifier take loads at any alignment.\n */\n")
                .append("#define ").append(LOAD16).append("(p) ((__u32)__builtin_bswap16(*(const __u16 *)(p)))\n")
                .append("#define ").append(LOAD32).append("(p) ((__u32)__builtin_bswap32(*(const __u32 *)(p)))\n")
                .append("#else\n")
                .append("/* byte by byte: defined behaviour whatever the alignment and byte order */\n")
                .append("#define ").append(LOAD16).append("(p) (((__u32)(p)[0] << 8) | (__u32)(p)[1])\n")
                .append("#define ").append(LOAD32)
                .append("(p) (((__u32)(p)[0] << 24) | ((__u32)(p)[1] << 16) | ((__u32)(p)[2] << 8) | (__u32)(p)[3])\n")
                .append("#endif\n")
                .append("#endif\n\n");
        out.append("static __always_inline __u32 ").append(f.name())
                .append("_len(const __u8 *data, const __u8 *data_end, __u32 wire_len)\n{\n");
        if (locals(f.locals())) {
            out.append('\n');
        }
        for (CFunction.Block block : f.blocks()) {
            block(block);
        }
        out.append("}\n\n");
        out.append("static __always_inline __u32 ").append(f.name())
                .append("(const __u8 *data, const __u8 *data_end)\n{\n")
                .append("\treturn ").append(f.name()).append("_len(data, data_end, (__u32)(data_end - data));\n}\n");
        // A constant, not a run-time setting: it is a fact about the code above, and changes with it.
        out.append("\n/* Bytes from data on that ").append(f.name()).append("_len can read: a copy of that many gives the\n")
                .append(" * verdict the whole packet gives (0x10000: anywhere in the window; 0: none, it decides without). */\n")
                .append("enum { ").append(f.name()).append("_extent = ").append(f.readExtent()).append(" };\n");
    }

    /** Declares the locals; true if there were any. */
    private boolean locals(CFunction.Locals locals) {
        int before = out.length();
        if (locals.a()) {
            line("\t__u32 A = 0;");
        }
        if (locals.x()) {
            line("\t__u32 X = 0;");
        }
        for (long index : locals.scratch()) {
            line("\t__u32 " + scratch(index) + " = 0;");
        }
        if (locals.offset()) {
            line("\t__u32 off;");
        }
        for (int head : locals.loopHeads()) {
            line("\t__u32 " + loopCounter(head) + " = 0;");
        }
        return out.length() > before;
    }

    private void block(CFunction.Block block) {
        if (block.jumpTarget()) {
            line(label(block.start()) + ":");
        }
        long check = block.checkLength();
        if (check > 0) {
            line("\tif (data + " + check + " > data_end)\t/* every accepting path from here reads bytes 0.." + (check - 1) + " */");
            line("\t\treturn 0;");
        }
        for (CStatement statement : block.statements()) {
            statement(statement);
        }
    }

    private void statement(CStatement s) {
        if (s instanceof Source source) {
            line("\t/* " + source.instruction().format(source.index()) + " */");
        } else if (s instanceof CheckLength check) {
            line("\tif (data + " + check.length() + " > data_end)");
            line("\t\treturn 0;");
        } else if (s instanceof RejectIfXIsZero) {
            line("\tif (X == 0)\t/* libpcap: division by zero rejects the packet */");
            line("\t\treturn 0;");
        } else if (s instanceof Reject reject) {
            line("\treturn 0;\t/* " + switch (reject.why()) {
                case NOTHING_ACCEPTS -> "no path from here returns non-zero";
                case OUTSIDE_WINDOW -> "reads beyond the 0x10000-byte window";
            } + " */");
        } else if (s instanceof Move move) {
            line("\t" + operand(move.target()) + " = " + operand(move.source()) + ";");
        } else if (s instanceof LoadBytes load) {
            line("\tA = " + bigEndian(load.offset(), load.size()) + ";");
        } else if (s instanceof LoadHeaderLength load) {
            line("\tX = ((__u32)data[" + load.offset() + "] & 0xfU) << 2;");
        } else if (s instanceof LoadIndirect load) {
            loadIndirect(load);
        } else if (s instanceof Arithmetic arithmetic) {
            line("\tA " + assignment(arithmetic.op()) + " " + operand(arithmetic.operand()) + ";");
        } else if (s instanceof Shift shift) {
            shift(shift);
        } else if (s instanceof Negate) {
            line("\tA = 0U - A;");
        } else if (s instanceof ReturnA) {
            line("\treturn A;");
        } else if (s instanceof Branch branch) {
            branch(branch);
        } else if (s instanceof Jump jump) {
            exit(jump.exit(), "\t");
        } else {
            throw new IllegalStateException("unknown statement " + s.getClass().getSimpleName());
        }
    }

    /**
     * {@code A = P[X + k : size]}. The first test bounds X so that {@code X + k} can neither wrap
     * nor pass the window; the barrier then keeps clang from folding the bound on {@code off} back
     * into X, so the verifier sees the window check on the very register used for the access.
     */
    private void loadIndirect(LoadIndirect load) {
        long k = load.offset();
        int size = load.size();
        long limit = LengthRequirements.WINDOW - size; // largest offset whose read stays in the window
        line("\tif (X > " + hex(limit - k) + ")\t/* X + " + k + " + " + size + " would pass the window (or wrap) */");
        line("\t\treturn 0;");
        line("\toff = X + " + hex(k) + ";");
        line("\t" + BARRIER + "(off);");
        line("\tif (off > " + hex(limit) + " || data + off + " + size + " > data_end)");
        line("\t\treturn 0;");
        line("\tA = " + bigEndian("off", size) + ";");
    }

    /** cBPF shifts by 32 or more give 0, where C's would be undefined. */
    private void shift(Shift shift) {
        String op = shift.left() ? "<<" : ">>";
        if (shift.amount() == Register.X) {
            line("\tA = X < 32 ? A " + op + " X : 0;\t/* shifts of 32 or more give 0, not C's undefined behaviour */");
        } else if (shift.amount() instanceof Constant c) {
            line(c.value() < 32 ? "\tA " + op + "= " + c.value() + ";" : "\tA = 0;\t/* shift by " + c.value() + " */");
        } else {
            throw new IllegalStateException("shift by " + shift.amount().getClass().getSimpleName());
        }
    }

    private void branch(Branch branch) {
        String test = "\tif (" + condition(branch.condition()) + ")";
        if (branch.exit() instanceof LoopBack) {
            // Several lines, so braces. Never printed today: only "ja" jumps back.
            line(test + " {");
            exit(branch.exit(), "\t\t");
            line("\t}");
        } else {
            line(test);
            exit(branch.exit(), "\t\t");
        }
    }

    private void exit(Exit exit, String indent) {
        if (exit instanceof Return r) {
            line(indent + "return " + r.value() + ";");
        } else if (exit instanceof Goto g) {
            line(indent + "goto " + label(g.target()) + ";");
        } else if (exit instanceof LoopBack loop) {
            line(indent + "if (++" + loopCounter(loop.head()) + " > " + loop.limit() + ")\t/* libpcap would keep walking; give up */");
            line(indent + "\treturn 0;");
            line(indent + "goto " + label(loop.head()) + ";");
        } else {
            throw new IllegalStateException("unknown exit " + exit.getClass().getSimpleName());
        }
    }

    private static String condition(Condition c) {
        String operand = operand(c.operand());
        boolean not = c.negated();
        return switch (c.comparison()) {
            case EQUAL -> "A " + (not ? "!=" : "==") + " " + operand;
            case GREATER -> "A " + (not ? "<=" : ">") + " " + operand;
            case GREATER_OR_EQUAL -> "A " + (not ? "<" : ">=") + " " + operand;
            case ANY_BIT_SET -> "(A & " + operand + ") " + (not ? "==" : "!=") + " 0";
        };
    }

    private static String assignment(CStatement.ArithmeticOp op) {
        return switch (op) {
            case ADD -> "+=";
            case SUB -> "-=";
            case MUL -> "*=";
            case DIV -> "/=";
            case MOD -> "%=";
            case AND -> "&=";
            case OR -> "|=";
            case XOR -> "^=";
        };
    }

    private static String operand(Operand operand) {
        if (operand instanceof Register r) {
            return r.name();
        } else if (operand instanceof Scratch s) {
            return scratch(s.index());
        } else if (operand instanceof Constant c) {
            return hex(c.value());
        } else if (operand instanceof WireLength) {
            return "wire_len";
        }
        throw new IllegalStateException("unknown operand " + operand.getClass().getSimpleName());
    }

    /** Big-endian value of {@code size} (1, 2 or 4) bytes at a constant offset. */
    private static String bigEndian(long offset, int size) {
        return bigEndian(Long.toString(offset), size);
    }

    /** Big-endian value of {@code size} (1, 2 or 4) bytes at {@code data + offset}. */
    private static String bigEndian(String offset, int size) {
        return switch (size) {
            case 1 -> "(__u32)data[" + offset + "]";
            case 2 -> LOAD16 + "(data + " + offset + ")";
            case 4 -> LOAD32 + "(data + " + offset + ")";
            default -> throw new IllegalArgumentException("a classic BPF load is 1, 2 or 4 bytes, not " + size);
        };
    }

    private void line(String text) {
        out.append(text).append('\n');
    }

    private static String scratch(long index) {
        return "M" + index;
    }

    private static String loopCounter(int head) {
        return "loops" + head;
    }

    private static String label(int start) {
        return String.format("L%03d", start);
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value) + "U";
    }
}

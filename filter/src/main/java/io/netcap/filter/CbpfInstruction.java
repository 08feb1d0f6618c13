package io.netcap.filter;

import static io.netcap.filter.Opcodes.*;

/**
 * One classic BPF instruction, {@code struct bpf_insn}: 16-bit opcode, two 8-bit relative jump
 * offsets and a 32-bit constant (held in an int; treat it as unsigned).
 */
public record CbpfInstruction(int code, int jt, int jf, int k) {

    public CbpfInstruction {
        if (code < 0 || code > 0xffff) {
            throw new IllegalArgumentException("code out of range: " + code);
        }
        if (jt < 0 || jt > 0xff || jf < 0 || jf > 0xff) {
            throw new IllegalArgumentException("jt/jf out of range: " + jt + "/" + jf);
        }
    }

    /** Convenience for instructions without jump offsets. */
    public static CbpfInstruction stmt(int code, int k) {
        return new CbpfInstruction(code, 0, 0, k);
    }

    /** Convenience for conditional jumps. */
    public static CbpfInstruction jump(int code, int k, int jt, int jf) {
        return new CbpfInstruction(code, jt, jf, k);
    }

    /** The constant as the unsigned 32-bit value cBPF uses. */
    public long unsignedK() {
        return Integer.toUnsignedLong(k);
    }

    /**
     * {@code bpf_dump}-style listing line with absolute jump targets, e.g.
     * {@code (004) jeq #0x800 jt 5 jf 9}.
     */
    public String format(int index) {
        return String.format("(%03d) %s", index, text(index));
    }

    /** Listing text without an index; jump targets are shown relative, e.g. {@code jt +2 jf +0}. */
    @Override
    public String toString() {
        return text(-1);
    }

    /** True if this is an opcode libpcap's interpreter ({@code bpf_filter}) knows. */
    public boolean isKnownOpcode() {
        return mnemonic() != null;
    }

    private String text(int index) {
        String m = mnemonic();
        if (m == null) {
            return String.format("unknown code=0x%02x jt=%d jf=%d k=0x%x", code, jt, jf, k);
        }
        if (cls(code) != JMP) {
            return m;
        }
        if (op(code) == JA) {
            // libpcap sign-extends the offset of "ja": "ip6 protochain" jumps backwards.
            return index < 0 ? m + (k >= 0 ? " +" : " ") + k : m + " " + (index + 1L + k);
        }
        return index < 0
                ? m + " jt +" + jt + " jf +" + jf
                : m + " jt " + (index + 1 + jt) + " jf " + (index + 1 + jf);
    }

    /** Operation and operand, or null if the opcode is not one libpcap's interpreter accepts. */
    private String mnemonic() {
        String uk = Integer.toUnsignedString(k);
        String hex = "#0x" + Integer.toHexString(k);
        return switch (code) {
            case LD | W | ABS -> "ld [" + k + "]";
            case LD | H | ABS -> "ldh [" + k + "]";
            case LD | B | ABS -> "ldb [" + k + "]";
            case LD | W | LEN -> "ld #pktlen";
            case LD | W | IND -> "ld [x + " + k + "]";
            case LD | H | IND -> "ldh [x + " + k + "]";
            case LD | B | IND -> "ldb [x + " + k + "]";
            case LD | IMM -> "ld " + hex;
            case LD | MEM -> "ld M[" + uk + "]";
            case LDX | W | IMM -> "ldx " + hex;
            case LDX | W | MEM -> "ldx M[" + uk + "]";
            case LDX | W | LEN -> "ldx #pktlen";
            case LDX | B | MSH -> "ldxb 4*([" + k + "]&0xf)";
            case ST -> "st M[" + uk + "]";
            case STX -> "stx M[" + uk + "]";
            case RET | RET_K -> "ret #" + uk;
            case RET | RET_A -> "ret a";
            case MISC | TAX -> "tax";
            case MISC | TXA -> "txa";
            case ALU | NEG -> "neg";
            case JMP | JA -> "ja";
            default -> aluOrJumpMnemonic(uk, hex);
        };
    }

    private String aluOrJumpMnemonic(String uk, String hex) {
        String operand = src(code) == X ? "x" : null;
        if (cls(code) == ALU && (code & 0xff07) == ALU) {
            String name = switch (op(code)) {
                case ADD -> "add";
                case SUB -> "sub";
                case MUL -> "mul";
                case DIV -> "div";
                case MOD -> "mod";
                case AND -> "and";
                case OR -> "or";
                case XOR -> "xor";
                case LSH -> "lsh";
                case RSH -> "rsh";
                default -> null;
            };
            if (name == null) {
                return null;
            }
            boolean bitwise = op(code) == AND || op(code) == OR || op(code) == XOR;
            return name + " " + (operand != null ? operand : bitwise ? hex : "#" + uk);
        }
        if (cls(code) == JMP && (code & 0xff07) == JMP) {
            String name = switch (op(code)) {
                case JEQ -> "jeq";
                case JGT -> "jgt";
                case JGE -> "jge";
                case JSET -> "jset";
                default -> null;
            };
            return name == null ? null : name + " " + (operand != null ? operand : hex);
        }
        return null;
    }
}

package io.netcap.filter;

import static io.netcap.filter.CProgramRunner.packet;
import static io.netcap.filter.Insn.*;
import static io.netcap.filter.Opcodes.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netcap.filter.CStatement.Arithmetic;
import io.netcap.filter.CStatement.ArithmeticOp;
import io.netcap.filter.CStatement.Branch;
import io.netcap.filter.CStatement.Condition;
import io.netcap.filter.CStatement.Constant;
import io.netcap.filter.CStatement.Goto;
import io.netcap.filter.CStatement.Jump;
import io.netcap.filter.CStatement.LoadBytes;
import io.netcap.filter.CStatement.LoopBack;
import io.netcap.filter.CStatement.Move;
import io.netcap.filter.CStatement.Register;
import io.netcap.filter.CStatement.ReturnA;
import io.netcap.filter.CStatement.Source;
import io.netcap.filter.CStatement.Comparison;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model on its own: what the analysis builds for a small program, and how the printer spells a tree. */
class CFunctionTest {
    @TempDir
    Path tmp;

    /** X = packet[0] & 1 ? 4 : 8; return X. Four blocks, two of them jumped to. */
    private static final CbpfProgram PICK = program(
            ld(B, ABS, 0), jmp(JSET, K, 1, 0, 2), ldx(W, IMM, 4), ja(1), ldx(W, IMM, 8), txa(), retA());

    private static final CFunction PICK_TREE = new CFunction("pick", LinkType.ETHERNET, 7, 1,
            new CFunction.Locals(true, true, List.of(), false, List.of()),
            List.of(
                    new CFunction.Block(0, false, 1, List.of(
                            new Source(0, PICK.instructions().get(0)), new LoadBytes(0, 1),
                            new Source(1, PICK.instructions().get(1)),
                            // taken falls into the next block, so the test is negated
                            new Branch(new Condition(Comparison.ANY_BIT_SET, new Constant(1), true), new Goto(4)))),
                    new CFunction.Block(2, false, 0, List.of(
                            new Source(2, PICK.instructions().get(2)), new Move(Register.X, new Constant(4)),
                            new Source(3, PICK.instructions().get(3)), new Jump(new Goto(5)))),
                    new CFunction.Block(4, true, 0, List.of(
                            new Source(4, PICK.instructions().get(4)), new Move(Register.X, new Constant(8)))),
                    new CFunction.Block(5, true, 0, List.of(
                            new Source(5, PICK.instructions().get(5)), new Move(Register.A, Register.X),
                            new Source(6, PICK.instructions().get(6)), new ReturnA()))));

    @Test
    void analysisBuildsOneBlockPerReachableRunWithItsChecksAndExits() {
        assertEquals(PICK_TREE, CFunctionAnalysis.analyse(PICK, "pick"));
    }

    @Test
    void printerSpellsTheTreeAsLabelsAndGotos() {
        String c = CFunctionPrinter.print(PICK_TREE);
        assertTrue(c.startsWith("/*\n * pick: classic BPF for link type ETHERNET, 7 instructions, translated by netcap.\n"), c);
        assertEquals("""
                \t__u32 A = 0;
                \t__u32 X = 0;

                \tif (data + 1 > data_end)\t/* every accepting path from here reads bytes 0..0 */
                \t\treturn 0;
                \t/* (000) ldb [0] */
                \tA = (__u32)data[0];
                \t/* (001) jset #0x1 jt 2 jf 4 */
                \tif ((A & 0x1U) == 0)
                \t\tgoto L004;
                \t/* (002) ldx #0x4 */
                \tX = 0x4U;
                \t/* (003) ja 5 */
                \tgoto L005;
                L004:
                \t/* (004) ldx #0x8 */
                \tX = 0x8U;
                L005:
                \t/* (005) txa */
                \tA = X;
                \t/* (006) ret a */
                \treturn A;
                """, body(c, "pick"));
        assertTrue(c.contains("""
                static __always_inline __u32 pick(const __u8 *data, const __u8 *data_end)
                {
                \treturn pick_len(data, data_end, (__u32)(data_end - data));
                }
                """), c);
        assertTrue(c.endsWith("enum { pick_extent = 1 };\n"), c);
    }

    /**
     * The analysis only loops through an unconditional "ja", but the printer must also keep a
     * conditional loop-back (three lines) under its "if"; run it to be sure the bound holds.
     */
    @Test
    void aConditionalLoopBackIsBracedAndBounded() throws Exception {
        List<CFunction.Block> blocks = List.of(
                new CFunction.Block(0, true, 0, List.of(
                        new Arithmetic(ArithmeticOp.ADD, new Constant(1)),
                        new Branch(new Condition(Comparison.GREATER, new Constant(100), true), new LoopBack(0, 16)),
                        new ReturnA())));
        CFunction counts = new CFunction("t", LinkType.RAW_IP, 3, 0,
                new CFunction.Locals(true, false, List.of(), false, List.of(0)), blocks);
        String c = CFunctionPrinter.print(counts);
        assertTrue(body(c, "t").contains("""
                \tif (A <= 0x64U) {
                \t\tif (++loops0 > 16)\t/* libpcap would keep walking; give up */
                \t\t\treturn 0;
                \t\tgoto L000;
                \t}
                """), c);
        CFunction unbounded = new CFunction("u", LinkType.RAW_IP, 3, 0, counts.locals(), List.of(
                new CFunction.Block(0, true, 0, List.of(blocks.get(0).statements().get(0),
                        new Branch(new Condition(Comparison.GREATER, new Constant(100), true), new LoopBack(0, 1000)),
                        new ReturnA()))));
        long[][] verdicts = new HostShim()
                .add(c, "t_len")
                .add(CFunctionPrinter.print(unbounded), "u_len")
                .run(List.of(packet(0)), tmp);
        assertArrayEquals(new long[] {0}, verdicts[0], "17th round trip exceeds the bound of 16");
        assertArrayEquals(new long[] {101}, verdicts[1], "counts past 100 within a bound of 1000");
    }

    /** The statements of {@code NAME_len}, between its braces. */
    private static String body(String c, String name) {
        String open = "static __always_inline __u32 " + name + "_len(const __u8 *data, const __u8 *data_end, __u32 wire_len)\n{\n";
        int start = c.indexOf(open);
        assertTrue(start >= 0, c);
        return c.substring(start + open.length(), c.indexOf("}\n\n", start));
    }
}

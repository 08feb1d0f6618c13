package io.netcap.filter;

import static io.netcap.filter.CProgramRunner.libpcap;
import static io.netcap.filter.CProgramRunner.packet;
import static io.netcap.filter.CProgramRunner.runC;
import static io.netcap.filter.CProgramRunner.truncated;
import static io.netcap.filter.Insn.*;
import static io.netcap.filter.Opcodes.*;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntBinaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The translator on hand-built programs: each opcode class against libpcap and hand-computed values. */
class CbpfToCTest {
    @TempDir
    Path tmp;

    private static final HostShim.Input TEN = packet(0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87, 0x98, 0xa9);

    /** Runs C and libpcap over the inputs and checks both give {@code expected}. */
    private void assertVerdicts(CbpfProgram program, List<HostShim.Input> inputs, long[] expected) throws Exception {
        long[] c = runC(program, inputs, tmp);
        for (int i = 0; i < inputs.size(); i++) {
            int index = i;
            assertAll("input " + i + " (caplen " + inputs.get(i).capturedLength() + ")",
                    () -> assertEquals(expected[index], c[index], "generated C"),
                    () -> assertEquals(expected[index], libpcap(program, inputs.get(index)), "libpcap bpf_filter"));
        }
    }

    @Test
    void absoluteLoadsAreBigEndianAndFailPastTheCapturedLength() throws Exception {
        List<HostShim.Input> in = List.of(TEN, truncated(TEN, 5), truncated(TEN, 4), truncated(TEN, 0));
        assertVerdicts(program(ld(W, ABS, 1), retA()), in, new long[] {0x21324354L, 0x21324354L, 0, 0});
        assertVerdicts(program(ld(H, ABS, 3), retA()), in, new long[] {0x4354, 0x4354, 0, 0});
        assertVerdicts(program(ld(B, ABS, 4), retA()), in, new long[] {0x54, 0x54, 0, 0});
    }

    @Test
    void fieldsReadWithOneLoadAsInTheBpfBuildAreBigEndianToo() throws Exception {
        List<HostShim.Input> in = List.of(TEN, truncated(TEN, 5), truncated(TEN, 4));
        List<CbpfProgram> programs = List.of(program(ld(W, ABS, 1), retA()), program(ld(H, ABS, 3), retA()),
                program(ldx(W, IMM, 2), ld(W, IND, 1), retA()), program(ldx(W, IMM, 3), ld(H, IND, 4), retA()));
        HostShim shim = new HostShim().asBpfBuildReads();
        for (int i = 0; i < programs.size(); i++) {
            shim.add(CbpfToC.translate(programs.get(i), "t" + i), "t" + i + "_len");
        }
        long[][] c = shim.run(in, tmp);
        for (int p = 0; p < programs.size(); p++) {
            for (int i = 0; i < in.size(); i++) {
                assertEquals(libpcap(programs.get(p), in.get(i)), c[p][i], "program " + p + ", input " + i);
            }
        }
        assertEquals(0x21324354L, c[0][0], "unaligned 4 bytes at 1, in network order");
        assertEquals(0x8798L, c[3][0], "unaligned 2 bytes at X + 4 = 7");
    }

    @Test
    void indirectLoadsAddXAndRespectBounds() throws Exception {
        List<HostShim.Input> in = List.of(TEN, truncated(TEN, 7), truncated(TEN, 6));
        assertVerdicts(program(ldx(W, IMM, 2), ld(W, IND, 1), retA()), in, new long[] {0x43546576L, 0x43546576L, 0});
        assertVerdicts(program(ldx(W, IMM, 2), ld(H, IND, 4), retA()), in, new long[] {0x7687, 0, 0});
        assertVerdicts(program(ldx(W, IMM, 5), ld(B, IND, 1), retA()), in, new long[] {0x76, 0x76, 0});
        // X + k overflowing 32 bits must not wrap around to a small offset.
        assertVerdicts(program(ldx(W, IMM, -1), ld(B, IND, 2), retA()), in, new long[] {0, 0, 0});
        // X from the packet, beyond the 64 KiB window.
        assertVerdicts(program(ldx(W, IMM, 0x10000), ld(B, IND, 0), retK(1)), in, new long[] {0, 0, 0});
    }

    @Test
    void mshLoadsFourTimesTheLowNibble() throws Exception {
        HostShim.Input ip = packet(0x47, 0, 0, 0);
        assertVerdicts(program(ldx(B, MSH, 0), txa(), retA()), List.of(ip, truncated(ip, 0)), new long[] {28, 0});
        assertVerdicts(program(ldx(B, MSH, 3), txa(), retA()), List.of(ip, truncated(ip, 3)), new long[] {0, 0});
    }

    @Test
    void lengthLoadsReturnTheWireLength() throws Exception {
        HostShim.Input shortCapture = new HostShim.Input(TEN.bytes(), 1500, 10);
        assertVerdicts(program(ld(W, LEN, 0), retA()), List.of(shortCapture), new long[] {1500});
        assertVerdicts(program(ldx(W, LEN, 0), txa(), retA()), List.of(shortCapture), new long[] {1500});
        // The two-argument form has no separate wire length: len is the captured length.
        assertEquals(10, CProgramRunner.runTwoArgumentC(program(ld(W, LEN, 0), retA()), List.of(shortCapture), tmp)[0]);
    }

    @Test
    void immediatesScratchMemoryAndRegisterTransfers() throws Exception {
        CbpfProgram p = program(
                ld(W, IMM, 0x12345678), st(3), ld(W, IMM, 0), ldx(W, MEM, 3), stx(15), ld(W, MEM, 15),
                alu(ADD, X, 0), tax(), ld(W, IMM, 1), txa(), retA());
        assertVerdicts(p, List.of(TEN), new long[] {0x2468acf0L});
        // Scratch memory starts at 0 in the C (libpcap leaves it uninitialised; its compiler never reads
        // a word before writing it, so only the C side can be checked here).
        assertEquals(0, runC(program(ld(W, MEM, 7), retA()), List.of(TEN), tmp)[0]);
        assertTrue(CbpfToC.translate(p, "t").contains("__u32 M3 = 0;"));
        assertFalse(CbpfToC.translate(p, "t").contains("M7"), "unused scratch words are not declared");
    }

    @Test
    void everyAluOperationWithConstantAndXOperands() throws Exception {
        int[] ops = {ADD, SUB, MUL, DIV, MOD, AND, OR, XOR, LSH, RSH};
        IntBinaryOperator[] semantics = {
            Integer::sum, (a, b) -> a - b, (a, b) -> a * b, Integer::divideUnsigned, Integer::remainderUnsigned,
            (a, b) -> a & b, (a, b) -> a | b, (a, b) -> a ^ b,
            (a, b) -> Integer.compareUnsigned(b, 32) < 0 ? a << b : 0,
            (a, b) -> Integer.compareUnsigned(b, 32) < 0 ? a >>> b : 0};
        int[] operands = {1, 3, 7, 31, 32, 40, 0x7fffffff, 0xfffffff0};
        HostShim.Input in = packet(0xde, 0xad, 0xbe, 0xef);
        int a = 0xdeadbeef;
        List<CbpfProgram> programs = new ArrayList<>();
        List<Long> expected = new ArrayList<>();
        for (int o = 0; o < ops.length; o++) {
            for (int k : operands) {
                long value = Integer.toUnsignedLong(semantics[o].applyAsInt(a, k));
                programs.add(program(ld(W, ABS, 0), ldx(W, IMM, k), alu(ops[o], X, 0), retA()));
                programs.add(program(ld(W, ABS, 0), alu(ops[o], K, k), retA()));
                expected.add(value);
                expected.add(value);
            }
        }
        long[][] c = CProgramRunner.runAll(programs, List.of(in), tmp);
        for (int i = 0; i < programs.size(); i++) {
            CbpfInstruction op = programs.get(i).instructions().get(programs.get(i).instructions().size() - 2);
            assertEquals(expected.get(i), c[i][0], "C: " + op);
            // libpcap shifts by a constant without checking the count (C undefined behaviour), so
            // only X shifts and in-range constant shifts have a libpcap reference value.
            boolean constantShift = src(op.code()) == K && (op(op.code()) == LSH || op(op.code()) == RSH);
            if (!constantShift || Integer.compareUnsigned(op.k(), 32) < 0) {
                assertEquals(expected.get(i), libpcap(programs.get(i), in), "libpcap: " + op);
            }
        }
    }

    @Test
    void divisionAndModuloByZeroXRejectThePacket() throws Exception {
        HostShim.Input in = packet(0, 0, 0, 9);
        assertVerdicts(program(ld(B, ABS, 0), tax(), ld(W, IMM, 100), alu(DIV, X, 0), retK(5)), List.of(in), new long[] {0});
        assertVerdicts(program(ld(B, ABS, 0), tax(), ld(W, IMM, 100), alu(MOD, X, 0), retK(5)), List.of(in), new long[] {0});
        assertVerdicts(program(ld(W, IMM, 100), ldx(B, MSH, 3), alu(DIV, X, 0), retA()), List.of(in), new long[] {2});
        FilterException e = assertThrows(FilterException.class,
                () -> CbpfToC.translate(program(ld(W, IMM, 1), alu(DIV, K, 0), retA()), "t"));
        assertEquals("cannot translate (001) div #0: division by constant zero", e.getMessage());
    }

    @Test
    void shiftsOfThirtyTwoOrMoreGiveZero() throws Exception {
        HostShim.Input in = packet(0xff, 0xff, 0xff, 0xff, 32, 31, 255);
        assertVerdicts(program(ld(B, ABS, 4), tax(), ld(W, ABS, 0), alu(LSH, X, 0), retA()), List.of(in), new long[] {0});
        assertVerdicts(program(ld(B, ABS, 6), tax(), ld(W, ABS, 0), alu(RSH, X, 0), retA()), List.of(in), new long[] {0});
        assertVerdicts(program(ld(B, ABS, 5), tax(), ld(W, ABS, 0), alu(RSH, X, 0), retA()), List.of(in), new long[] {1});
        assertEquals(0, runC(program(ld(W, ABS, 0), alu(LSH, K, 32), retA()), List.of(in), tmp)[0]);
    }

    @Test
    void negateAndConditionalJumpsInBothDirections() throws Exception {
        assertVerdicts(program(ld(W, IMM, 5), alu(NEG, K, 0), retA()), List.of(TEN), new long[] {0xfffffffbL});
        int[][] cases = { // op, A, operand, expected taken
            {JEQ, 7, 7, 1}, {JEQ, 7, 8, 0}, {JGT, 8, 7, 1}, {JGT, 7, 7, 0}, {JGT, -1, 7, 1},
            {JGE, 7, 7, 1}, {JGE, 6, 7, 0}, {JSET, 6, 4, 1}, {JSET, 6, 8, 0}};
        for (int[] c : cases) {
            CbpfProgram viaK = program(ld(W, IMM, c[1]), jmp(c[0], K, c[2], 1, 0), retK(10), retK(20));
            CbpfProgram viaX = program(ld(W, IMM, c[1]), ldx(W, IMM, c[2]), jmp(c[0], X, 0, 1, 0), retK(10), retK(20));
            long expected = c[3] == 1 ? 20 : 10;
            assertVerdicts(viaK, List.of(TEN), new long[] {expected});
            assertVerdicts(viaX, List.of(TEN), new long[] {expected});
        }
        // ja skips forward; the skipped instruction is unreachable and must not be emitted.
        CbpfProgram skip = program(ja(1), ld(B, ABS, 0x20000), retK(3));
        assertVerdicts(skip, List.of(TEN), new long[] {3});
        assertFalse(CbpfToC.translate(skip, "t").contains("(001)"), "unreachable instruction emitted");
    }

    @Test
    void backwardJumpsRunLikeLibpcapUpToTheBound() throws Exception {
        // X counts up to packet[0]; each round trip is one backward "ja", as in protochain.
        CbpfProgram loop = program(
                ldx(W, IMM, 0), ld(B, ABS, 0), st(0),
                txa(), alu(ADD, K, 1), tax(), ld(W, MEM, 0), jmp(JGT, X, 0, 0, 1), ja(-6),
                txa(), retA());
        int bound = CFunctionAnalysis.MAX_BACKWARD_JUMPS;
        List<HostShim.Input> in = List.of(packet(1), packet(5), packet(bound + 1), packet(bound + 2), packet(200));
        long[] c = runC(loop, in, tmp);
        for (int i = 0; i < in.size(); i++) {
            long rounds = in.get(i).bytes()[0] & 0xff;
            assertEquals(rounds, libpcap(loop, in.get(i)), "libpcap, rounds " + rounds);
            assertEquals(rounds - 1 <= bound ? rounds : 0, c[i], "C, rounds " + rounds);
        }
        assertTrue(CbpfToC.translate(loop, "t").contains("(008) ja 3"));
    }

    @Test
    void constantOffsetsBeyondTheWindowNeverMatch() throws Exception {
        byte[] big = new byte[0x10000];
        big[0xffff] = 0x5a;
        HostShim.Input full = new HostShim.Input(big, big.length, big.length);
        HostShim.Input small = packet(1, 2, 3, 4);
        // The last byte of the window is readable, one byte further is not.
        assertVerdicts(program(ld(B, ABS, 0xffff), retA()), List.of(full, small), new long[] {0x5a, 0});
        assertEquals(0, runC(program(ld(H, ABS, 0xffff), retK(1)), List.of(full), tmp)[0]);
        String c = CbpfToC.translate(program(ld(W, ABS, 0x7fffffff), retK(1)), "t");
        assertTrue(c.contains("return 0;"), c);
        assertFalse(c.contains("data[2147483647]"), "an out-of-window read must not be emitted:\n" + c);
        // Only the branch with the impossible read is dead; the other still accepts.
        CbpfProgram branch = program(ld(B, ABS, 0), jmp(JEQ, K, 1, 0, 2), ld(H, ABS, 0x20000), retK(7), retK(9));
        assertVerdicts(branch, List.of(small, packet(2)), new long[] {0, 9});
    }

    @Test
    void lengthChecksAreHoistedToBlockEntries() throws Exception {
        CbpfProgram straight = program(ld(H, ABS, 12), st(0), ld(B, ABS, 23), st(1), ld(W, ABS, 26), ld(W, ABS, 30),
                alu(ADD, K, 1), retA());
        String c = CbpfToC.translate(straight, "t");
        assertEquals(1, c.split("> data_end", -1).length - 1, "one check for a straight-line program:\n" + c);
        assertTrue(c.contains("data + 34 > data_end"), c);
        HostShim.Input in = packet(new int[34]);
        assertVerdicts(straight, List.of(in, truncated(in, 33)), new long[] {1, 0});
    }

    @Test
    void ancillaryLoadsAreRefusedNamingTheInstruction() {
        List<CbpfInstruction> insns = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            insns.add(ld(W, IMM, i));
        }
        insns.add(ld(W, IND, -4096));
        insns.add(retA());
        FilterException e = assertThrows(FilterException.class,
                () -> CbpfToC.translate(new CbpfProgram(insns, LinkType.ETHERNET), "t"));
        assertEquals("cannot translate (007) ld [x + -4096]: ancillary load not supported", e.getMessage());

        e = assertThrows(FilterException.class,
                () -> CbpfToC.translate(program(ld(H, ABS, (int) SKF_AD_OFF + 0), retA()), "t"));
        assertEquals("cannot translate (000) ldh [-4096]: ancillary load not supported", e.getMessage());
        e = assertThrows(FilterException.class,
                () -> CbpfToC.translate(program(ld(B, ABS, -0x100000), retA()), "t"));
        assertTrue(e.getMessage().startsWith("cannot translate (000) ldb [-1048576]: "), e.getMessage());
    }

    @Test
    void malformedProgramsAreRefused() {
        assertAll(
                () -> assertEquals("cannot translate (001) unknown code=0xff jt=0 jf=0 k=0x0: unknown opcode 0xff",
                        assertThrows(FilterException.class, () -> CbpfToC.translate(program(retK(0),
                                new CbpfInstruction(0xff, 0, 0, 0)), "t")).getMessage()),
                () -> assertEquals("cannot translate (000) jeq #0x1 jt 3 jf 1: jump target out of range",
                        assertThrows(FilterException.class, () -> CbpfToC.translate(program(
                                jmp(JEQ, K, 1, 2, 0), retK(1)), "t")).getMessage()),
                () -> assertTrue(assertThrows(FilterException.class, () -> CbpfToC.translate(program(
                        ld(W, IMM, 1)), "t")).getMessage().contains("not a return")),
                () -> assertTrue(assertThrows(FilterException.class, () -> CbpfToC.translate(program(
                        st(16), retK(1)), "t")).getMessage().contains("scratch memory index 16")),
                () -> assertTrue(assertThrows(FilterException.class, () -> CbpfToC.translate(
                        new CbpfProgram(List.of(), LinkType.ETHERNET), "t")).getMessage().contains("empty program")),
                () -> assertTrue(assertThrows(FilterException.class, () -> CbpfToC.translate(program(retK(1)),
                        "bad name")).getMessage().contains("invalid C function name")));
    }

    @Test
    void outputIsSelfContainedDeterministicAndCommented() throws Exception {
        CbpfProgram p = Pcap.compile("tcp port 80 or udp port 53", LinkType.ETHERNET);
        String c = CbpfToC.translate(p, "flt");
        assertEquals(c, CbpfToC.translate(p, "flt"));
        assertFalse(c.contains("#include"));
        assertTrue(c.contains("static __always_inline __u32 flt_len(const __u8 *data, const __u8 *data_end, __u32 wire_len)"));
        assertTrue(c.contains("static __always_inline __u32 flt(const __u8 *data, const __u8 *data_end)"));
        assertTrue(c.contains("return flt_len(data, data_end, (__u32)(data_end - data));"));
        assertTrue(c.contains("/* (000) ldh [12] */"));
        assertTrue(c.contains("#ifdef __bpf__"));
    }
}

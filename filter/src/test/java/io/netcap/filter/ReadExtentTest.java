package io.netcap.filter;

import static io.netcap.filter.Insn.*;
import static io.netcap.filter.Opcodes.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * How far a program reads: exact on hand-built programs, and, for every expression of the
 * differential test on every packet of its corpus, enough that libpcap's verdict on a capture cut
 * to that many bytes is the verdict on the whole capture.
 */
class ReadExtentTest {
    private static final long WINDOW = LengthRequirements.WINDOW;

    @Test
    void constantLoadsCountOffsetAndSize() {
        assertEquals(14, program(ld(H, ABS, 12), retA()).readExtent());
        assertEquals(34, program(ld(B, ABS, 23), ld(W, ABS, 30), ld(H, ABS, 12), retA()).readExtent());
        assertEquals(15, program(ldx(B, MSH, 14), txa(), retA()).readExtent());
    }

    @Test
    void programsThatReadNothingHaveNoExtent() {
        assertEquals(0, CbpfProgram.rejectAll(LinkType.ETHERNET).readExtent());
        assertEquals(0, program(retK(262144)).readExtent());
        assertEquals(0, program(ld(W, LEN, 0), jmp(JGT, K, 100, 0, 1), retK(1), retK(0)).readExtent());
    }

    @Test
    void anIpHeaderLengthBoundsTheIndexedLoadAfterIt() {
        // udp and dst port 1, IPv4 part: ldxb 4*([14]&0xf); ldh [x + 16]
        assertEquals(16 + 2 + 60, program(ldx(B, MSH, 14), ld(H, IND, 16), retA()).readExtent());
        // the header length kept in a scratch word and loaded back
        assertEquals(5 + 1 + 60, program(ldx(B, MSH, 14), stx(3), ldx(W, IMM, 0), ldx(W, MEM, 3), ld(B, IND, 5), retA())
                .readExtent());
    }

    @Test
    void arithmeticOnLoadedBytesIsFollowed() {
        // X = ([0] & 0xf) + 2: at most 17
        assertEquals(17 + 4 + 1, program(ld(B, ABS, 0), alu(AND, K, 0xf), alu(ADD, K, 2), tax(), ld(B, IND, 4), retA())
                .readExtent());
        // X = [0] >> 4: at most 15
        assertEquals(15 + 1, program(ld(B, ABS, 0), alu(RSH, K, 4), tax(), ld(B, IND, 0), retA()).readExtent());
        // X = [0:2] / 256: at most 255
        assertEquals(255 + 1, program(ld(H, ABS, 0), alu(DIV, K, 256), tax(), ld(B, IND, 0), retA()).readExtent());
        // X = [0] * 4 | 1: at most 1023
        assertEquals(1023 + 2, program(ld(B, ABS, 0), alu(MUL, K, 4), alu(OR, K, 1), tax(), ld(H, IND, 0), retA())
                .readExtent());
        // tcp[((tcp[12:1] & 0xf0) >> 2):4], tcpdump's HTTP filter: an offset in the TCP header after the IP header
        assertEquals(60 + 60 + 14 + 4, program(ldx(B, MSH, 14), ld(B, IND, 26), alu(AND, K, 0xf0), alu(RSH, K, 2),
                alu(ADD, X, 0), tax(), ld(W, IND, 14), retA()).readExtent());
    }

    @Test
    void bothPathsIntoAJoinCount() {
        // X is 4 on one path and 200 on the other
        assertEquals(200 + 1, program(ld(B, ABS, 0), jmp(JEQ, K, 1, 0, 2), ldx(W, IMM, 4), ja(1), ldx(W, IMM, 200),
                ld(B, IND, 0), retA()).readExtent());
    }

    @Test
    void whatCannotBeBoundedIsTheWholeWindow() {
        // X from a 32-bit load
        assertEquals(WINDOW, program(ld(W, ABS, 0), tax(), ld(B, IND, 0), retA()).readExtent());
        // X from the wire length
        assertEquals(WINDOW, program(ldx(W, LEN, 0), ld(B, IND, 0), retA()).readExtent());
        // X from a subtraction that may wrap, and from a negation
        assertEquals(WINDOW, program(ld(B, ABS, 0), alu(SUB, K, 1), tax(), ld(B, IND, 0), retA()).readExtent());
        assertEquals(WINDOW, program(ld(B, ABS, 0), alu(NEG, K, 0), tax(), ld(B, IND, 0), retA()).readExtent());
        // X from a scratch word never written: libpcap leaves it uninitialised
        assertEquals(WINDOW, program(ldx(W, MEM, 0), ld(B, IND, 0), retA()).readExtent());
        // a loop (protochain)
        assertEquals(WINDOW, program(ld(B, ABS, 0), jmp(JEQ, K, 1, 1, 0), ja(-3), retA()).readExtent());
        // a constant offset past the window
        assertEquals(WINDOW, program(ld(B, ABS, 0x20000), retA()).readExtent());
    }

    @Test
    void compiledExpressionsReadOnlyTheirHeaders() throws Exception {
        CompiledFilter udp = FilterCompiler.compile("udp and dst port 1");
        assertEquals(78, udp.l2().readExtent(), "Ethernet, IPv4 header of up to 60 bytes, UDP port");
        assertEquals(64, udp.l3().readExtent());
        // ether type; IPv4 protocol at 23; IPv6 next header at 20, or after a fragment header at 54
        assertEquals(55, FilterCompiler.compile("tcp").l2().readExtent());
        assertEquals(WINDOW, FilterCompiler.compile("ip6 protochain 6").l2().readExtent());
        assertTrue(FilterCompiler.compile("udp and dst port 1").cSource().contains("enum { netcap_filter_l2_extent = 78 };"));
    }

    /**
     * The property the capture relies on: cutting every packet of the corpus to the program's
     * extent changes no verdict. Also checks that the test cuts something: most programs are
     * bounded, and bounded ones shorten many samples.
     */
    @Test
    void cuttingToTheExtentChangesNoVerdict() throws Exception {
        List<String> problems = new ArrayList<>();
        int bounded = 0, programs = 0, cut = 0;
        for (String expression : FilterExpressions.all()) {
            CompiledFilter filter = FilterCompiler.compile(expression, "f");
            for (CbpfProgram program : List.of(filter.l2(), filter.l3())) {
                long extent = program.readExtent();
                programs++;
                bounded += extent < WINDOW ? 1 : 0;
                for (PacketCorpus.Sample sample : PacketCorpus.samples(program.linkType())) {
                    HostShim.Input in = sample.input();
                    int shorter = (int) Math.min(in.capturedLength(), extent);
                    cut += shorter < in.capturedLength() ? 1 : 0;
                    int whole = Pcap.filter(program, in.bytes(), in.wireLength(), in.capturedLength());
                    int part = Pcap.filter(program, in.bytes(), in.wireLength(), shorter);
                    if (whole != part) {
                        problems.add(program.linkType() + " \"" + expression + "\" extent " + extent + " on "
                                + sample.description() + " (caplen " + in.capturedLength() + "): " + whole + " whole, "
                                + part + " cut");
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            fail(problems.size() + " verdict(s) changed:\n" + String.join("\n", problems.subList(0, Math.min(15, problems.size()))));
        }
        assertTrue(bounded > programs * 9 / 10, bounded + " of " + programs + " programs bounded");
        assertTrue(cut > 10_000, cut + " samples cut");
    }
}

package io.netcap.filter;

import static io.netcap.filter.Insn.*;
import static io.netcap.filter.Opcodes.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class PcapTest {

    @Test
    void reportsTheLibraryVersion() {
        assertTrue(Pcap.libraryVersion().startsWith("libpcap version "), Pcap.libraryVersion());
    }

    @Test
    void compilesForEachLinkType() throws Exception {
        CbpfProgram l2 = Pcap.compile("ip", LinkType.ETHERNET);
        assertEquals(List.of(ld(H, ABS, 12), jmp(JEQ, K, 0x800, 0, 1), retK(Pcap.SNAPLEN), retK(0)), l2.instructions());
        assertEquals(LinkType.ETHERNET, l2.linkType());
        CbpfProgram l3 = Pcap.compile("ip", LinkType.RAW_IP);
        assertEquals(ld(B, ABS, 0), l3.instructions().get(0), l3.dump());
        assertTrue(Pcap.compile("", LinkType.RAW_IP).acceptsAll());
        assertTrue(Pcap.compile(null, LinkType.ETHERNET).acceptsAll());
    }

    @Test
    void compileErrorsComeFromLibpcap() {
        FilterException e = assertThrows(FilterException.class, () -> Pcap.compile("arp", LinkType.RAW_IP));
        assertTrue(e.getMessage().startsWith("bad filter expression \"arp\": "), e.getMessage());
        assertTrue(assertThrows(FilterException.class, () -> Pcap.compile("ip broadcast", LinkType.ETHERNET))
                .getMessage().contains("netmask"));
    }

    @Test
    void filterRunsLibpcapsInterpreter() throws Exception {
        CbpfProgram ip = Pcap.compile("ip", LinkType.ETHERNET);
        byte[] frame = new byte[60];
        frame[12] = 0x08;
        assertEquals(Pcap.SNAPLEN, Pcap.filter(ip, frame, 60, 60));
        assertEquals(0, Pcap.filter(ip, frame, 60, 13), "ldh [12] needs 14 captured bytes");
        frame[13] = 0x06;
        assertEquals(0, Pcap.filter(ip, frame, 60, 60));
        assertEquals(77, Pcap.filter(program(ld(W, LEN, 0), retA()), new byte[0], 77, 0));
    }

    @Test
    void filterRefusesProgramsThatWouldCrashLibpcap() {
        byte[] p = new byte[4];
        assertThrows(IllegalArgumentException.class, () -> Pcap.filter(program(new CbpfInstruction(0xff, 0, 0, 0)), p, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> Pcap.filter(program(ja(5), retK(1)), p, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> Pcap.filter(program(alu(DIV, K, 0), retA()), p, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> Pcap.filter(program(ld(W, MEM, 16), retA()), p, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> Pcap.filter(program(retK(1)), p, 4, 5));
    }

    @Test
    void instructionsFormatLikeBpfDump() {
        assertEquals("(004) jeq #0x800 jt 5 jf 9", jmp(JEQ, K, 0x800, 0, 4).format(4));
        assertEquals("jeq #0x800 jt +0 jf +4", jmp(JEQ, K, 0x800, 0, 4).toString());
        assertEquals("(001) ldxb 4*([14]&0xf)", ldx(B, MSH, 14).format(1));
        assertEquals("(018) ja 5", ja(-14).format(18));
        assertEquals("(002) ret #262144", retK(262144).format(2));
        assertEquals("(003) ldh [x + 16]", ld(H, IND, 16).format(3));
        assertEquals("(000) jset x jt 1 jf 2", jmp(JSET, X, 0, 0, 1).format(0));
        assertFalse(new CbpfInstruction(0x8c, 0, 0, 0).isKnownOpcode(), "neg has no X form");
    }

    @Test
    void rejectAllAndAcceptAllAreSingleReturns() {
        assertTrue(CbpfProgram.rejectAll(LinkType.RAW_IP).rejectsAll());
        assertFalse(CbpfProgram.rejectAll(LinkType.RAW_IP).acceptsAll());
        assertTrue(program(retK(1)).acceptsAll());
        assertFalse(program(ld(W, IMM, 1), retK(1)).acceptsAll());
        assertFalse(program(retA()).rejectsAll());
    }

    @Test
    void linkTypesMapToDltAndPcapFileValues() {
        assertEquals(1, LinkType.ETHERNET.dlt());
        assertEquals(1, LinkType.ETHERNET.linkType());
        assertEquals(12, LinkType.RAW_IP.dlt());
        assertEquals(101, LinkType.RAW_IP.linkType());
    }
}

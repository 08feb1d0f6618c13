package io.netcap.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class FilterCompilerTest {

    @ParameterizedTest
    @ValueSource(strings = {"arp", "ether host 1:2:3:4:5:6", "vlan", "ether proto 0x88cc", "vlan 100 and tcp"})
    void linkLayerOnlyExpressionsGiveARejectAllL3Program(String expression) throws Exception {
        CompiledFilter f = FilterCompiler.compile(expression, "p");
        assertTrue(f.l3().rejectsAll(), f.l3().dump());
        assertFalse(f.l2().rejectsAll());
        assertEquals(LinkType.ETHERNET, f.l2().linkType());
        assertEquals(LinkType.RAW_IP, f.l3().linkType());
        assertTrue(f.cSource().contains("__u32 p_l2_len("));
        assertTrue(f.cSource().contains("__u32 p_l3_len("));
        assertTrue(f.cSource().contains("__u32 p_l3(const __u8 *data, const __u8 *data_end)"));
    }

    @Test
    void syntaxErrorsCarryLibpcapsMessageAndTheExpression() {
        FilterException e = assertThrows(FilterException.class, () -> FilterCompiler.compile("tcp prt 80"));
        assertEquals("bad filter expression \"tcp prt 80\": syntax error", e.getMessage());
        FilterException unknownHost = assertThrows(FilterException.class, () -> FilterCompiler.compile("host no.such.host.invalid"));
        assertTrue(unknownHost.getMessage().startsWith("bad filter expression \"host no.such.host.invalid\": "), unknownHost.getMessage());
        assertFalse(unknownHost.getMessage().contains("\n"));
    }

    /** libpcap's socket-metadata loads (SKF_AD_*) name what to use instead, not the instruction. */
    @Test
    void directionAndDeviceQualifiersSayWhichOptionToUse() {
        for (String direction : new String[] {"inbound", "outbound", "icmp and outbound"}) {
            FilterException e = assertThrows(FilterException.class, () -> FilterCompiler.compile(direction));
            assertTrue(e.getMessage().startsWith("bad filter expression \"" + direction + "\": inbound and outbound ask"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("use -Q in or -Q out"), e.getMessage());
        }
        FilterException e = assertThrows(FilterException.class, () -> FilterCompiler.compile("ifindex 2"));
        assertTrue(e.getMessage().endsWith("; use -i DEV"), e.getMessage());
        assertFalse(e.getMessage().contains("ldh"), e.getMessage());
    }

    @Test
    void expressionsRefusedForBothFramingsAreErrors() {
        FilterException e = assertThrows(FilterException.class, () -> FilterCompiler.compile("ip and ip6"));
        assertEquals("bad filter expression \"ip and ip6\": expression rejects all packets", e.getMessage());
    }

    @Test
    void blankOrNullExpressionMatchesEverything() throws Exception {
        for (String blank : new String[] {null, "", "   "}) {
            CompiledFilter f = FilterCompiler.compile(blank);
            assertTrue(f.l2().acceptsAll() && f.l3().acceptsAll(), String.valueOf(blank));
            assertEquals("netcap_filter_l2", f.l2Function());
            assertEquals("netcap_filter_l3", f.l3Function());
            assertTrue(f.cSource().contains("netcap_filter_l2_len(") && f.cSource().contains("netcap_filter_l3_len("));
        }
    }

    @Test
    void bothProgramsAreTranslatedUnderThePrefix() throws Exception {
        CompiledFilter f = FilterCompiler.compile("tcp port 80", "cap");
        assertEquals("tcp port 80", f.expression());
        assertEquals(Pcap.compile("tcp port 80", LinkType.ETHERNET), f.l2());
        assertEquals(Pcap.compile("tcp port 80", LinkType.RAW_IP), f.l3());
        assertTrue(f.cSource().contains(CbpfToC.translate(f.l2(), "cap_l2")));
        assertTrue(f.cSource().contains(CbpfToC.translate(f.l3(), "cap_l3")));
        assertThrows(FilterException.class, () -> FilterCompiler.compile("tcp", "not-an-identifier"));
    }

    @Test
    void sourceNamesTheExpression() throws Exception {
        assertTrue(FilterCompiler.compile("net 10.0.0.0/8").cSource().startsWith("/* netcap filter: net 10.0.0.0/8 */"));
    }

    @Test
    void concurrentCompilationGivesTheSameProgramsAsSequential() throws Exception {
        List<String> expressions = List.of("tcp port 80", "udp and host 10.0.0.1", "ip6 protochain 6", "vlan 7", "icmp");
        List<CompiledFilter> sequential = new ArrayList<>();
        for (String e : expressions) {
            sequential.add(FilterCompiler.compile(e));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<CompiledFilter>> futures = new ArrayList<>();
            for (int round = 0; round < 8; round++) {
                for (String e : expressions) {
                    futures.add(pool.submit(() -> FilterCompiler.compile(e)));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                assertEquals(sequential.get(i % expressions.size()), futures.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

package io.netcap.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Filters with thousands of terms, compiled from a thread with the 1 MiB stack netcap's launcher
 * gives every thread (-Xss1m). libpcap's compiler recurses once per block of the program, and
 * 7000 "ip src" terms need more than 1 MiB of native stack: compiled on the caller's own stack,
 * this kills the JVM (SIGSEGV, exit 139), so the forked test JVM dies before it can report.
 */
class DeepStackTest {
    private static final int TERMS = 7000;
    private static final long LAUNCHER_STACK = 1L << 20;

    /** "ip src 10.0.0.1 or ip src 10.0.0.2 or ...": {@code n} distinct addresses, two blocks per term. */
    static String manySources(int n) {
        StringJoiner or = new StringJoiner(" or ");
        for (int i = 1; i <= n; i++) {
            or.add("ip src " + address(i));
        }
        return or.toString();
    }

    private static String address(int i) {
        return "10." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff);
    }

    /** Runs {@code work} on a thread with the launcher's stack, as netcap's main thread is. */
    private static <T> T onLauncherStack(DeepStack.Work<T> work) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                result.set(work.run());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "like-main", LAUNCHER_STACK);
        t.start();
        t.join(600_000);
        assertTrue(!t.isAlive(), "compile did not finish");
        if (failure.get() instanceof Exception e) {
            throw e;
        }
        if (failure.get() instanceof Error e) {
            throw e;
        }
        return result.get();
    }

    private static byte[] ipv4From(String source) {
        return new PacketBuilder().ethernet("02:00:00:00:00:02", "02:00:00:00:00:01", 0x0800)
                .ipv4(source, "192.0.2.1", 17, 8).udp(1000, 2000, 0).build("udp").bytes();
    }

    @Test
    void thousandsOfTermsCompileAndTranslateFromASmallStack() throws Exception {
        String expression = manySources(TERMS);
        CompiledFilter f = onLauncherStack(() -> FilterCompiler.compile(expression));
        assertTrue(f.l2().instructions().size() > TERMS, "a compare per term: " + f.l2().instructions().size());
        assertTrue(f.cSource().contains("netcap_filter_l3_len("));
        // libpcap's own interpreter agrees: the last term matches, an address not listed does not
        byte[] last = ipv4From(address(TERMS));
        assertTrue(Pcap.filter(f.l2(), last, last.length, last.length) != 0);
        byte[] other = ipv4From(address(TERMS + 1));
        assertEquals(0, Pcap.filter(f.l2(), other, other.length, other.length));
    }

    @Test
    void theStackGrowsWithTheExpression() {
        assertEquals(DeepStack.MIN_BYTES, DeepStack.stackBytes(20));
        assertEquals(100_000 * DeepStack.BYTES_PER_CHARACTER, DeepStack.stackBytes(100_000));
        assertEquals(DeepStack.MAX_BYTES, DeepStack.stackBytes(Integer.MAX_VALUE / 2));
    }

    @Test
    void anExpressionTooLongForAnyStackIsOneClearError() {
        String huge = "ip".repeat((int) (DeepStack.MAX_BYTES / DeepStack.BYTES_PER_CHARACTER));
        FilterException e = assertThrows(FilterException.class, () -> Pcap.compile(huge, LinkType.ETHERNET));
        assertTrue(e.getMessage().startsWith("filter expression too long to compile ("), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void failuresOnTheCompileThreadReachTheCaller() {
        FilterException e = assertThrows(FilterException.class, () -> Pcap.compile("tcp prt 80", LinkType.ETHERNET));
        assertEquals("bad filter expression \"tcp prt 80\": syntax error", e.getMessage());
        assertThrows(IllegalStateException.class, () -> DeepStack.run("x", () -> {
            throw new IllegalStateException("boom");
        }));
    }
}

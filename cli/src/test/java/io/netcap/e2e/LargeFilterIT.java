package io.netcap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A filter of thousands of terms through the jar, with the 1 MiB thread stacks scripts/netcap
 * gives the JVM (-Xss1m). libpcap's compiler recursed past that stack and the JVM died with
 * SIGSEGV, even for --dry-run. No root needed: --dry-run loads nothing.
 */
class LargeFilterIT {
    private static final int TERMS = 7000;

    @Test
    void thousandsOfTermsCompileWithTheLaunchersStack() throws Exception {
        // As trailing words, the way tcpdump takes an expression: one argument may hold 128 KiB only.
        List<String> args = new ArrayList<>(List.of("skb", "-f", "tp_btf:netif_receive_skb", "--dry-run"));
        for (int i = 1; i <= TERMS; i++) {
            args.addAll(List.of(i == 1 ? "ip" : "or ip", "src",
                    "10." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff)));
        }
        try (NetcapProcess p = NetcapProcess.startWithJavaOptions(List.of("-Xss1m"), args.toArray(String[]::new))) {
            assertEquals(0, p.waitFor(300), p.stderr());
            assertTrue(p.stdout().contains("netcap_filter_l2_len(") && p.stdout().contains("netcap_filter_l3_len("),
                    p.stderr());
            // the last term made it into the C: its address as a 32-bit constant
            assertTrue(p.stdout().contains("(A == 0x" + Integer.toHexString(0x0a000000 | TERMS) + "U)"),
                    "the last term is in the C");
        }
    }
}

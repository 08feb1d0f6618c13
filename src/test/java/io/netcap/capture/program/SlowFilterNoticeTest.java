package io.netcap.capture.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** A filter that takes libpcap long to compile is said to be compiling, once; a quick one is not. */
class SlowFilterNoticeTest {
    private static String slowExpression() {
        StringBuilder f = new StringBuilder("host 198.18.0.1");
        for (int i = 0; i < 200; i++) {
            f.append(" or host 10.0.").append(i / 250).append('.').append(i % 250);
        }
        return f.toString();
    }

    @Test
    void aLongCompileIsSaidOnce() {
        StringWriter text = new StringWriter();
        long start = System.nanoTime();
        ProgramPreparation.compileFilter(slowExpression(), new PrintWriter(text), 50);
        long millis = (System.nanoTime() - start) / 1_000_000;
        org.junit.jupiter.api.Assumptions.assumeTrue(millis > 200, "this machine compiled it in " + millis + " ms");
        assertEquals(1, text.toString().split("still compiling the filter", -1).length - 1, text.toString());
    }

    @Test
    void aQuickCompileSaysNothing() {
        StringWriter text = new StringWriter();
        ProgramPreparation.compileFilter("icmp", new PrintWriter(text), 5_000);
        assertTrue(text.toString().isEmpty(), text.toString());
    }
}

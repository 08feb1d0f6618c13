package io.netcap.capture.gather;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DelayHistogramTest {
    @Test
    void smallDelaysAreExact() {
        DelayHistogram h = new DelayHistogram();
        for (int v = 1; v <= 100; v++) {
            h.record(v);
        }
        assertEquals(50, h.percentile(50));
        assertEquals(90, h.percentile(90));
        assertEquals(99, h.percentile(99));
        assertEquals(100, h.percentile(100));
        assertEquals(1, h.min());
        assertEquals(100, h.max());
    }

    @Test
    void percentilesAreExactWhileTheDelaysFit() {
        Random random = new Random(3);
        long[] values = new long[5_000];
        DelayHistogram h = new DelayHistogram(values.length);
        for (int i = 0; i < values.length; i++) {
            values[i] = 1_000 + random.nextInt(10_000_000);
            h.record(values[i]);
        }
        Arrays.sort(values);
        for (double p : new double[] {1, 50, 90, 99, 100}) {
            assertEquals(values[(int) Math.ceil(p / 100 * values.length) - 1], h.percentile(p), "p" + p);
        }
    }

    @Test
    void percentilesOfSpreadDelaysAreWithinTheBucketPrecision() {
        Random random = new Random(7);
        long[] values = new long[20_000];
        DelayHistogram h = new DelayHistogram(1_000); // most of them only in the buckets
        for (int i = 0; i < values.length; i++) {
            values[i] = (long) Math.exp(random.nextDouble() * Math.log(5e9)); // 1 ns .. 5 s, log-uniform
            h.record(values[i]);
        }
        Arrays.sort(values);
        for (double p : new double[] {1, 50, 90, 99, 99.9}) {
            long exact = values[(int) Math.ceil(p / 100 * values.length) - 1];
            long estimate = h.percentile(p);
            assertTrue(Math.abs(estimate - exact) <= Math.max(1, exact / 200),
                    "p" + p + ": " + estimate + " vs exact " + exact);
        }
        assertEquals(values[0], h.min());
        assertEquals(values[values.length - 1], h.max());
        assertEquals(values[values.length - 1], h.percentile(100));
    }

    @Test
    void hugeDelayFitsAndNegativeOrEmptyAreRefused() {
        DelayHistogram h = new DelayHistogram();
        h.record(Long.MAX_VALUE / 2);
        assertEquals(Long.MAX_VALUE / 2, h.percentile(50));
        assertThrows(IllegalArgumentException.class, () -> h.record(-1));
        assertThrows(IllegalStateException.class, () -> new DelayHistogram().percentile(50));
    }
}

package io.netcap.capture.gather;

/**
 * The distribution of one hop's delays, for the percentiles of the exit table, in fixed memory
 * however long the capture runs. The first {@code exactLimit} delays are also kept as they are,
 * and while there are no more than that the percentiles are exact. Beyond, they come from a
 * log-linear histogram (the scheme of HdrHistogram, not worth a dependency for 60 lines): delays
 * under 256 ns are kept exactly; above, each power of two is cut into 128 buckets, so a
 * percentile is within 0.4% of a delay that was recorded (it is reported at its bucket's middle,
 * and never outside the exact minimum and maximum).
 */
final class DelayHistogram {
    private static final int SUB_BITS = 7;
    private static final int SUB = 1 << SUB_BITS;
    /** Values below this are their own bucket. */
    private static final int EXACT = 2 * SUB;
    /** Exponents 8..62 (a long's top bit is never set for a delay), 128 buckets each. */
    private static final int BUCKETS = EXACT + (63 - (SUB_BITS + 1)) * SUB;

    /** 512 KiB per hop: exact figures for any capture a person reads line by line. */
    static final int DEFAULT_EXACT_LIMIT = 1 << 16;

    private final long[] counts = new long[BUCKETS];
    private final int exactLimit;
    private long[] exact = new long[64];
    private long count;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;

    DelayHistogram() {
        this(DEFAULT_EXACT_LIMIT);
    }

    /** @param exactLimit how many delays are kept as they are, for exact percentiles up to that count */
    DelayHistogram(int exactLimit) {
        this.exactLimit = exactLimit;
    }

    /** @param nanos a delay, 0 or more (negative values are the caller's to count apart) */
    void record(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("negative delay " + nanos);
        }
        counts[bucket(nanos)]++;
        if (count < exactLimit) {
            if (count == exact.length) {
                exact = java.util.Arrays.copyOf(exact, Math.min(exactLimit, exact.length * 2));
            }
            exact[(int) count] = nanos;
        }
        count++;
        min = Math.min(min, nanos);
        max = Math.max(max, nanos);
    }

    long count() {
        return count;
    }

    long min() {
        return min;
    }

    long max() {
        return max;
    }

    /**
     * The nearest-rank percentile: the smallest recorded delay that at least {@code percent}% of
     * the delays do not exceed (to the bucket's precision).
     *
     * @throws IllegalStateException when nothing was recorded
     */
    long percentile(double percent) {
        if (count == 0) {
            throw new IllegalStateException("no delays recorded");
        }
        long rank = Math.max(1, (long) Math.ceil(percent / 100.0 * count));
        if (count <= exactLimit) {
            long[] sorted = java.util.Arrays.copyOf(exact, (int) count);
            java.util.Arrays.sort(sorted);
            return sorted[(int) Math.min(rank, count) - 1];
        }
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.max(min, Math.min(max, middle(i)));
            }
        }
        return max;
    }

    private static int bucket(long v) {
        if (v < EXACT) {
            return (int) v;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(v);
        int shift = exponent - SUB_BITS;
        return EXACT + (exponent - (SUB_BITS + 1)) * SUB + (int) ((v >>> shift) - SUB);
    }

    private static long middle(int bucket) {
        if (bucket < EXACT) {
            return bucket;
        }
        int exponent = (bucket - EXACT) / SUB + SUB_BITS + 1;
        int shift = exponent - SUB_BITS;
        long mantissa = SUB + (bucket - EXACT) % SUB;
        long low = mantissa << shift;
        return low + ((1L << shift) - 1) / 2;
    }
}

package io.netcap.capture.gather;

import java.math.BigDecimal;

/** Nanosecond durations as people read them: "850 ns", "12.345 us", "200.114 ms", "1.234567 s". */
final class Durations {
    private Durations() {
    }

    /** {@code nanos} in the largest unit that keeps it at least 1, with the digits down to the nanosecond (3 at most). */
    static String delay(long nanos) {
        long abs = Math.abs(nanos);
        String sign = nanos < 0 ? "-" : "";
        if (abs < 1_000) {
            return sign + abs + " ns";
        }
        if (abs < 1_000_000) {
            return sign + fixed(abs, 1_000, 3) + " us";
        }
        if (abs < 999_999_500) { // from here it would round to "1000.000 ms"
            return sign + fixed(abs, 1_000_000, 3) + " ms";
        }
        return sign + fixed(abs, 1_000_000_000, 6) + " s";
    }

    /** A timeout as given: "2 s", "0.5 s". */
    static String seconds(long nanos) {
        return BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString() + " s";
    }

    private static String fixed(long value, long unit, int decimals) {
        long scale = unit;
        for (int i = 0; i < decimals; i++) {
            scale /= 10;
        }
        long rounded = Math.round((double) value / scale);
        long whole = rounded / (unit / scale);
        long fraction = rounded % (unit / scale);
        return whole + "." + String.format("%0" + decimals + "d", fraction);
    }
}

package io.netcap.capture.gather;

import io.netcap.capture.CaptureException;
import io.netcap.pcap.TextColor;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * The options of --gather, checked once here.
 *
 * @param identity      how packets are recognised at the later hooks
 * @param timeoutNanos  how long after the first hook a packet may take to reach the others
 *                      (--gather-timeout, seconds on the command line), more than 0
 * @param bufferSize    the most packets followed at once (--gather-buffer-size), 16..1,048,576:
 *                      past it the oldest is dropped and reported as evicted
 * @param color         the colour of the delay lines on a terminal, or null for none
 */
public record GatherSettings(GatherIdentity identity, long timeoutNanos, int bufferSize, TextColor color) {
    /** netcap's own default timeout, 2 s. */
    public static final double DEFAULT_TIMEOUT_SECONDS = 2;
    /**
     * More than netcap's 64, which at its 2 s timeout evicts anything beyond 32 packets per
     * second; each entry holds one packet of at most -s bytes, so this stays within a few MiB at
     * the default snap length.
     */
    public static final int DEFAULT_BUFFER_SIZE = 4096;
    public static final int MIN_BUFFER_SIZE = 16;
    public static final int MAX_BUFFER_SIZE = 1 << 20;
    /** A day: longer is surely a mistake of units. */
    private static final double MAX_TIMEOUT_SECONDS = 86_400;

    public GatherSettings {
        Objects.requireNonNull(identity);
        if (bufferSize < MIN_BUFFER_SIZE || bufferSize > MAX_BUFFER_SIZE) {
            throw CaptureException.usage("--gather-buffer-size must be from " + MIN_BUFFER_SIZE + " to "
                    + MAX_BUFFER_SIZE + " packets, not " + bufferSize);
        }
        if (timeoutNanos <= 0) {
            throw CaptureException.usage("--gather-timeout must be more than 0 seconds");
        }
    }

    /**
     * @param timeoutSeconds --gather-timeout, fractions allowed
     * @throws CaptureException (usage) for values out of range
     */
    public static GatherSettings of(GatherIdentity identity, double timeoutSeconds, int bufferSize, TextColor color) {
        return of(identity, new BigDecimal(Double.toString(timeoutSeconds)), Double.toString(timeoutSeconds), bufferSize,
                color);
    }

    /**
     * @param timeoutText --gather-timeout as typed: seconds, fractions allowed, down to 1 ns
     * @throws CaptureException (usage) for text that is not a number, and values out of range
     */
    public static GatherSettings of(GatherIdentity identity, String timeoutText, int bufferSize, TextColor color) {
        BigDecimal seconds;
        try {
            seconds = new BigDecimal(timeoutText.trim());
        } catch (NumberFormatException e) {
            throw CaptureException.usage("--gather-timeout: '" + timeoutText + "' is not a number of seconds");
        }
        return of(identity, seconds, timeoutText, bufferSize, color);
    }

    private static GatherSettings of(GatherIdentity identity, BigDecimal seconds, String typed, int bufferSize,
                                     TextColor color) {
        if (seconds.signum() <= 0 || seconds.compareTo(BigDecimal.valueOf(MAX_TIMEOUT_SECONDS)) > 0) {
            throw CaptureException.usage("--gather-timeout must be more than 0 and at most " + (long) MAX_TIMEOUT_SECONDS
                    + " seconds, not " + typed);
        }
        long nanos = seconds.movePointRight(9).setScale(0, RoundingMode.HALF_UP).longValueExact();
        if (nanos < 1) {
            throw CaptureException.usage("--gather-timeout must be at least 0.000000001 seconds (1 ns), not " + typed);
        }
        return new GatherSettings(identity, nanos, bufferSize, color);
    }

    /** The timeout as the user would write it: "2 s", "0.5 s". */
    public String timeoutText() {
        return Durations.seconds(timeoutNanos);
    }
}

package io.netcap.pcap;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Times in netcap's JSON: RFC 3339 in UTC with all nine digits of nanoseconds, so lines sort as text. */
public final class JsonTime {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private JsonTime() {
    }

    /** @param epochNanos nanoseconds since the Unix epoch */
    public static String format(long epochNanos) {
        return TIME.format(Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L),
                Math.floorMod(epochNanos, 1_000_000_000L)));
    }
}

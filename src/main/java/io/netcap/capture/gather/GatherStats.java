package io.netcap.capture.gather;

import io.netcap.capture.Plural;
import java.io.PrintWriter;
import java.util.List;

/**
 * What --gather measured over the whole capture, printed at exit as a table with one row per hop
 * (from each hook to the next, over the packets seen at both; and, with three hooks or more, from
 * the first to the last): how many, the minimum, median, 90th and 99th percentiles and maximum
 * delay, how many were not seen at the hop's later hook, and how many are unknown there (evicted,
 * or still travelling when the capture ended).
 */
public final class GatherStats {
    private final List<String> hooks;
    private final GatherSettings settings;
    /** Index k: the delay from hook k-1 to hook k; index 0 unused. */
    private final DelayHistogram[] steps;
    private final DelayHistogram total = new DelayHistogram();
    private final long[] notSeen;
    private final long[] unknown;
    private final long[] unmatched;
    private final long[] backwards;
    private long followed;
    private long evicted;
    private long ended;
    private long repeated;

    GatherStats(List<String> hooks, GatherSettings settings) {
        this.hooks = hooks;
        this.settings = settings;
        int n = hooks.size();
        steps = new DelayHistogram[n];
        for (int k = 1; k < n; k++) {
            steps[k] = new DelayHistogram();
        }
        notSeen = new long[n];
        unknown = new long[n];
        unmatched = new long[n];
        backwards = new long[n];
    }

    void record(long[] times, HopStatus[] status) {
        followed++;
        boolean wasEvicted = false;
        boolean wasEnded = false;
        for (int k = 1; k < status.length; k++) {
            switch (status[k]) {
                case SEEN -> {
                    if (status[k - 1] == HopStatus.SEEN) {
                        long d = times[k] - times[k - 1];
                        if (d < 0) {
                            backwards[k]++;
                        } else {
                            steps[k].record(d);
                        }
                    }
                }
                case NOT_SEEN, REPLACED -> notSeen[k]++;
                case EVICTED -> {
                    unknown[k]++;
                    wasEvicted = true;
                }
                case ENDED -> {
                    unknown[k]++;
                    wasEnded = true;
                }
            }
        }
        int last = status.length - 1;
        if (status[last] == HopStatus.SEEN && times[last] >= times[0]) {
            total.record(times[last] - times[0]);
        }
        evicted += wasEvicted ? 1 : 0;
        ended += wasEnded ? 1 : 0;
    }

    void unmatched(int hook) {
        unmatched[hook]++;
    }

    void repeated() {
        repeated++;
    }

    /** Packets followed from the first hook and handed out. */
    public long followed() {
        return followed;
    }

    /** Of those, packets whose entry was dropped for room before their timeout. */
    public long evicted() {
        return evicted;
    }

    /** The table and the notes under it, for the exit summary. */
    public void print(PrintWriter err) {
        err.println("gather: " + Plural.of(followed, "packet") + " followed from [1] " + hooks.get(0)
                + " (identity " + settings.identity().label() + ", timeout " + settings.timeoutText() + ")");
        for (int k = 1; k < hooks.size(); k++) {
            err.println("  [" + (k + 1) + "] " + hooks.get(k));
        }
        err.println(String.format("  %-10s %8s %11s %11s %11s %11s %11s %9s %8s", "hop", "seen", "min", "p50", "p90",
                "p99", "max", "not seen", "unknown"));
        for (int k = 1; k < hooks.size(); k++) {
            row(err, "[" + k + "]->[" + (k + 1) + "]", steps[k], notSeen[k], unknown[k]);
        }
        int last = hooks.size() - 1;
        if (last > 1) {
            row(err, "[1]->[" + (last + 1) + "]", total, notSeen[last], unknown[last]);
        }
        if (evicted > 0) {
            err.println("gather: " + Plural.of(evicted, "packet") + " dropped from the buffer before their timeout,"
                    + " fate unknown (raise --gather-buffer-size from " + settings.bufferSize()
                    + ", or lower --gather-timeout)");
        }
        if (ended > 0) {
            err.println("gather: " + Plural.of(ended, "packet") + " still travelling when the capture ended, fate unknown");
        }
        for (int k = 1; k < hooks.size(); k++) {
            if (unmatched[k] > 0) {
                err.println("gather: " + Plural.of(unmatched[k], "packet") + " seen at [" + (k + 1)
                        + "] that were not seen at [1] first (not followed)");
            }
            if (backwards[k] > 0) {
                err.println("gather: " + Plural.of(backwards[k], "packet") + " reached [" + (k + 1) + "] before [" + k
                        + "] (not in the [" + k + "]->[" + (k + 1) + "] row)");
            }
        }
        if (repeated > 0) {
            err.println("gather: " + Plural.of(repeated, "repeated event") + " at a hook a packet had already reached"
                    + " (the first one counts)");
        }
        err.flush();
    }

    private static void row(PrintWriter err, String hop, DelayHistogram h, long notSeen, long unknown) {
        if (h.count() == 0) {
            err.println(String.format("  %-10s %8d %11s %11s %11s %11s %11s %9d %8d", hop, 0, "-", "-", "-", "-", "-",
                    notSeen, unknown));
            return;
        }
        err.println(String.format("  %-10s %8d %11s %11s %11s %11s %11s %9d %8d", hop, h.count(),
                Durations.delay(h.min()), Durations.delay(h.percentile(50)), Durations.delay(h.percentile(90)),
                Durations.delay(h.percentile(99)), Durations.delay(h.max()), notSeen, unknown));
    }
}

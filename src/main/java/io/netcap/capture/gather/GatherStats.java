package io.netcap.capture.gather;

import io.netcap.capture.Plural;
import java.io.PrintWriter;
import java.util.List;

/**
 * What --gather measured over the packets it handed out, printed at exit as a table: first one
 * row per later hook with the delay from the first hook (the "after [1]" of the packet lines) and
 * how many packets did not get there or are unknown there; then, with three hooks or more, one
 * row per step from each hook to the next over the packets seen at both. Each row: how many, the
 * minimum, median, 90th and 99th percentiles and maximum.
 */
public final class GatherStats {
    private static final String ROW = "  %-10s %8s %11s %11s %11s %11s %11s %9s %8s";

    private final List<String> hooks;
    private final GatherSettings settings;
    /** Index k: the delay from the first hook to hook k; index 0 unused. */
    private final DelayHistogram[] fromFirst;
    /** Index k: the delay from hook k-1 to hook k, over packets seen at both; index 0 unused. */
    private final DelayHistogram[] steps;
    private final long[] notSeen;
    private final long[] unknown;
    private final long[] unmatched;
    private final long[] late;
    private final long[] backwards;
    private long followed;
    private long evicted;
    private long lost;
    private long ended;
    private long repeated;
    private long aheadOfOrder;

    GatherStats(List<String> hooks, GatherSettings settings) {
        this.hooks = hooks;
        this.settings = settings;
        int n = hooks.size();
        fromFirst = new DelayHistogram[n];
        steps = new DelayHistogram[n];
        for (int k = 1; k < n; k++) {
            fromFirst[k] = new DelayHistogram();
            steps[k] = new DelayHistogram();
        }
        notSeen = new long[n];
        unknown = new long[n];
        unmatched = new long[n];
        late = new long[n];
        backwards = new long[n];
    }

    void record(long[] times, HopStatus[] status) {
        followed++;
        boolean wasEvicted = false;
        boolean wasLost = false;
        boolean wasEnded = false;
        for (int k = 1; k < status.length; k++) {
            switch (status[k]) {
                case SEEN -> {
                    long d = times[k] - times[0];
                    if (d < 0) {
                        backwards[k]++;
                    } else {
                        fromFirst[k].record(d);
                    }
                    if (status[k - 1] == HopStatus.SEEN && times[k] >= times[k - 1]) {
                        steps[k].record(times[k] - times[k - 1]);
                    }
                }
                case NOT_SEEN, REPLACED -> notSeen[k]++;
                case EVICTED -> {
                    unknown[k]++;
                    wasEvicted = true;
                }
                case LOST -> {
                    unknown[k]++;
                    wasLost = true;
                }
                case ENDED -> {
                    unknown[k]++;
                    wasEnded = true;
                }
            }
        }
        evicted += wasEvicted ? 1 : 0;
        lost += wasLost ? 1 : 0;
        ended += wasEnded ? 1 : 0;
    }

    void unmatched(int hook) {
        unmatched[hook]++;
    }

    void late(int hook) {
        late[hook]++;
    }

    void repeated() {
        repeated++;
    }

    void aheadOfOrder() {
        aheadOfOrder++;
    }

    /** Packets followed from the first hook and written. */
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
        err.println(String.format(ROW, "delay", "seen", "min", "p50", "p90", "p99", "max", "not seen", "unknown"));
        for (int k = 1; k < hooks.size(); k++) {
            row(err, "[1]->[" + (k + 1) + "]", fromFirst[k], Long.toString(notSeen[k]), Long.toString(unknown[k]));
        }
        if (hooks.size() > 2) {
            for (int k = 2; k < hooks.size(); k++) {
                row(err, "[" + k + "]->[" + (k + 1) + "]", steps[k], "", "");
            }
        }
        note(err, evicted, "dropped from the buffer before its timeout, fate unknown (more than "
                + settings.bufferSize() + " were followed at once: raise --gather-buffer-size, or lower --gather-timeout)");
        note(err, lost, "with a hook unknown: not seen in time, but events were lost between kernel and user space"
                + " meanwhile (try a larger --ring-size)");
        note(err, ended, "still travelling when the capture ended, fate unknown");
        note(err, aheadOfOrder, "printed ahead of an earlier packet still travelling (more than "
                + 4L * settings.bufferSize() + " were held behind it)");
        for (int k = 1; k < hooks.size(); k++) {
            note(err, unmatched[k], "event", "at [" + (k + 1) + "] of packets not seen at [1] first (not followed)");
            note(err, late[k], "event", "at [" + (k + 1) + "] after their packet's timeout had run out (it shows as"
                    + " not seen)");
            note(err, backwards[k], "packet", "seen at [" + (k + 1) + "] before [1] (left out of the table)");
        }
        note(err, repeated, "event", "at a hook its packet had already reached (the first one counts)");
        err.flush();
    }

    /** "gather: 3 packets …", when there are any. */
    private static void note(PrintWriter err, long n, String what) {
        note(err, n, "packet", what);
    }

    private static void note(PrintWriter err, long n, String noun, String what) {
        if (n > 0) {
            err.println("gather: " + Plural.of(n, noun) + " " + what);
        }
    }

    private static void row(PrintWriter err, String hop, DelayHistogram h, String notSeen, String unknown) {
        if (h.count() == 0) {
            err.println(String.format(ROW, hop, "0", "-", "-", "-", "-", "-", notSeen, unknown));
            return;
        }
        err.println(String.format(ROW, hop, Long.toString(h.count()), Durations.delay(h.min()),
                Durations.delay(h.percentile(50)), Durations.delay(h.percentile(90)), Durations.delay(h.percentile(99)),
                Durations.delay(h.max()), notSeen, unknown));
    }
}

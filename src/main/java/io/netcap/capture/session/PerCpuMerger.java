package io.netcap.capture.session;

import io.netcap.capture.program.CaptureEvent;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Merges the events of per-CPU buffers (a perf event array) into one stream in timestamp order.
 * Each buffer holds its CPU's events in the order they were written, but the buffers are read one
 * after another, and under load one can lag the others by most of its size: hundreds of
 * milliseconds, far more than any fixed reordering window. So, as perf(1) orders its events, an
 * event is released only once every buffer has passed its time: a buffer has passed time T once
 * an event stamped T or later was read from it ({@link #add}), or once it was read to its end in
 * a read that began at T ({@link #caughtUp}). The release horizon is the earliest of these, less
 * {@code slackNanos}, which covers a record committed a little after its timestamp was taken (or
 * after a program that interrupted it on the same CPU), so that it is neither overtaken nor lost.
 *
 * <p>Events are kept per buffer ("lane"), each lane sorted as its events arrive, which is one
 * comparison per event since they arrive nearly in order; a release takes the oldest head among
 * the lanes each time. What is held is bounded: once half of {@code maxHeld} is held
 * ({@link #crowded()}), the reader should leave the buffers that are ahead ({@link #isAhead}) in
 * the kernel and read the one holding the others back; past {@code maxHeld} the oldest event
 * goes out early. An event that arrives older than one already released keeps its timestamp,
 * goes out with the next release and is counted in {@link #lateEvents()}.
 */
public final class PerCpuMerger {
    private final SortedEventQueue[] lanes;
    /** Per lane: the time it is known to have passed (see the class comment); MIN_VALUE before anything is known. */
    private final long[] passed;
    /** Per lane: the timestamp of its oldest held event, MAX_VALUE when it holds none (a scan over longs). */
    private final long[] oldest;
    private final long slackNanos;
    private final int maxHeld;
    private int held;
    private long lastReleased = Long.MIN_VALUE;
    private long completeThrough = Long.MIN_VALUE;
    private long lateEvents;

    /**
     * @param lanes      the number of buffers, at least 1
     * @param slackNanos how far behind the slowest buffer's progress events are held, in nanoseconds
     * @param maxHeld    the most events held before the oldest is released early, at least 1
     */
    public PerCpuMerger(int lanes, long slackNanos, int maxHeld) {
        if (lanes < 1 || slackNanos < 0 || maxHeld < 1) {
            throw new IllegalArgumentException("lanes " + lanes + ", slack " + slackNanos + " ns, max held " + maxHeld);
        }
        this.lanes = new SortedEventQueue[lanes];
        for (int i = 0; i < lanes; i++) {
            this.lanes[i] = new SortedEventQueue();
        }
        this.passed = new long[lanes];
        Arrays.fill(passed, Long.MIN_VALUE);
        this.oldest = new long[lanes];
        Arrays.fill(oldest, Long.MAX_VALUE);
        this.slackNanos = slackNanos;
        this.maxHeld = maxHeld;
    }

    /** Takes one event read from buffer {@code lane}; releases the oldest early if too many are held. */
    public void add(int lane, CaptureEvent e, Consumer<CaptureEvent> out) {
        long t = e.monotonicNanos();
        if (t < lastReleased) {
            lateEvents++;
        }
        SortedEventQueue q = lanes[lane];
        q.add(e);
        oldest[lane] = q.oldestTime();
        held++;
        if (t > passed[lane]) {
            passed[lane] = t;
        }
        while (held > maxHeld) {
            release(pollOldest(Long.MAX_VALUE), out);
        }
    }

    /**
     * Buffer {@code lane} was read to its end in a read that began at {@code nanos}
     * (CLOCK_MONOTONIC): every event its CPU stamped before then (less the slack) has been added.
     * {@code Long.MAX_VALUE}: the buffer will never have more (its writers are gone).
     */
    public void caughtUp(int lane, long nanos) {
        if (nanos > passed[lane]) {
            passed[lane] = nanos;
        }
    }

    /** Releases, oldest first, every held event that no buffer can still overtake. */
    public void release(Consumer<CaptureEvent> out) {
        long horizon = slowest();
        if (horizon == Long.MIN_VALUE) {
            return; // a buffer not heard from yet may still hold anything
        }
        completeThrough = Math.max(completeThrough, horizon - slackNanos);
        releaseUpTo(horizon - slackNanos, out);
    }

    /**
     * Every event stamped at or before this time (CLOCK_MONOTONIC) has been released, but for
     * late ones ({@link #lateEvents()}); Long.MIN_VALUE before every buffer was heard from.
     */
    public long completeThrough() {
        return completeThrough;
    }

    /** The earliest time every buffer has passed. */
    private long slowest() {
        long min = Long.MAX_VALUE;
        for (long p : passed) {
            min = Math.min(min, p);
        }
        return min;
    }

    /** Half of {@code maxHeld} or more is held: time to read only the buffers the others wait for. */
    public boolean crowded() {
        return held >= maxHeld / 2;
    }

    /**
     * Buffer {@code lane} has passed more than the slack beyond the slowest buffer: its events
     * read now would only be held until the slowest catches up, so they are better left in the
     * kernel while {@link #crowded()}.
     */
    public boolean isAhead(int lane) {
        long min = slowest();
        if (min == Long.MAX_VALUE) {
            return false;
        }
        return min == Long.MIN_VALUE ? passed[lane] != Long.MIN_VALUE : passed[lane] - min > slackNanos;
    }

    /** Releases everything held, oldest first: when no buffer will deliver more. */
    public void releaseAll(Consumer<CaptureEvent> out) {
        releaseUpTo(Long.MAX_VALUE, out);
    }

    private void releaseUpTo(long limit, Consumer<CaptureEvent> out) {
        for (CaptureEvent e = pollOldest(limit); e != null; e = pollOldest(limit)) {
            release(e, out);
        }
    }

    /** Removes the oldest held event if it is stamped at or before {@code limit}; else null. */
    private CaptureEvent pollOldest(long limit) {
        int best = -1;
        long bestTime = Long.MAX_VALUE; // also what an empty lane holds, so empty lanes never win
        // A linear scan: lanes are CPUs, and an array of longs is scanned faster than a heap is kept.
        for (int i = 0; i < oldest.length; i++) {
            if (oldest[i] < bestTime) {
                best = i;
                bestTime = oldest[i];
            }
        }
        if (best < 0 || bestTime > limit) {
            return null;
        }
        SortedEventQueue q = lanes[best];
        CaptureEvent e = q.poll();
        oldest[best] = q.isEmpty() ? Long.MAX_VALUE : q.oldestTime();
        held--;
        return e;
    }

    private void release(CaptureEvent e, Consumer<CaptureEvent> out) {
        lastReleased = Math.max(lastReleased, e.monotonicNanos());
        out.accept(e);
    }

    /** Events held now. */
    public int held() {
        return held;
    }

    /** Events that arrived after a later event had been released. */
    public long lateEvents() {
        return lateEvents;
    }
}

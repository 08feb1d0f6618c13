package io.netcap.capture.session;

import io.netcap.capture.program.CaptureEvent;
import java.util.function.Consumer;

/**
 * Puts the events of one BPF ring buffer, shared by all CPUs, back in timestamp order. An event
 * is held until it is older than {@code windowNanos} behind the clock, so a slower CPU's earlier
 * packet still lands before it; the queue is also bounded in size, after which the oldest is
 * released early. In one ring buffer the disorder is only the gap between taking a timestamp and
 * reserving the record (microseconds), so a window of milliseconds keeps output time monotonic;
 * an event that still arrives after a later one was released keeps its true timestamp, is
 * released at once and is counted in {@link #lateEvents()}. (Per-CPU perf buffers are merged by
 * {@link PerCpuMerger} instead: each of them can lag the others by far more than a window.)
 */
public final class EventReorderer {
    private final long windowNanos;
    private final int maxHeld;
    private final SortedEventQueue queue = new SortedEventQueue();
    private long lastReleased = Long.MIN_VALUE;
    private long completeThrough = Long.MIN_VALUE;
    private long lateEvents;

    public EventReorderer(long windowNanos, int maxHeld) {
        this.windowNanos = windowNanos;
        this.maxHeld = maxHeld;
    }

    public void add(CaptureEvent e, Consumer<CaptureEvent> out) {
        if (e.monotonicNanos() < lastReleased) {
            lateEvents++;
        }
        queue.add(e);
        while (queue.size() > maxHeld) {
            release(queue.poll(), out);
        }
    }

    /** Releases everything older than the window behind {@code nowNanos} (CLOCK_MONOTONIC). */
    public void releaseUpTo(long nowNanos, Consumer<CaptureEvent> out) {
        long limit = nowNanos - windowNanos;
        completeThrough = Math.max(completeThrough, limit);
        while (!queue.isEmpty() && queue.oldestTime() <= limit) {
            release(queue.poll(), out);
        }
    }

    public void releaseAll(Consumer<CaptureEvent> out) {
        while (!queue.isEmpty()) {
            release(queue.poll(), out);
        }
    }

    private void release(CaptureEvent e, Consumer<CaptureEvent> out) {
        lastReleased = Math.max(lastReleased, e.monotonicNanos());
        out.accept(e);
    }

    /**
     * Every event stamped at or before this time (CLOCK_MONOTONIC) has been released, but for
     * late ones ({@link #lateEvents()}); Long.MIN_VALUE before the first release.
     */
    public long completeThrough() {
        return completeThrough;
    }

    public int held() {
        return queue.size();
    }

    /** Events that arrived after a later event had been released (the window was too short). */
    public long lateEvents() {
        return lateEvents;
    }
}

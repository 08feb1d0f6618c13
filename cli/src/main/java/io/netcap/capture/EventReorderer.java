package io.netcap.capture;

import io.netcap.bpf.CaptureEvent;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Puts events from different CPUs back in timestamp order. An event is held until it is older
 * than {@code windowNanos} behind the newest time known (the newest event or the clock), so a
 * slower CPU's earlier packet still lands before it; the queue is also bounded in size, after
 * which the oldest is released early. With one BPF ring buffer the disorder is only the gap
 * between taking a timestamp and committing the record (microseconds), so a window of
 * milliseconds keeps output time monotonic; an event that still arrives after a later one was
 * released keeps its true timestamp, is released at once and is counted in {@link #lateEvents()}.
 */
public final class EventReorderer {
    private final long windowNanos;
    private final int maxHeld;
    private final PriorityQueue<CaptureEvent> held =
            new PriorityQueue<>((a, b) -> Long.compare(a.monotonicNanos(), b.monotonicNanos()));
    private long lastReleased = Long.MIN_VALUE;
    private long lateEvents;

    public EventReorderer(long windowNanos, int maxHeld) {
        this.windowNanos = windowNanos;
        this.maxHeld = maxHeld;
    }

    public void add(CaptureEvent e, Consumer<CaptureEvent> out) {
        if (e.monotonicNanos() < lastReleased) {
            lateEvents++;
        }
        held.add(e);
        while (held.size() > maxHeld) {
            release(held.poll(), out);
        }
    }

    /** Releases everything older than the window behind {@code nowNanos} (CLOCK_MONOTONIC). */
    public void releaseUpTo(long nowNanos, Consumer<CaptureEvent> out) {
        long limit = nowNanos - windowNanos;
        while (!held.isEmpty() && held.peek().monotonicNanos() <= limit) {
            release(held.poll(), out);
        }
    }

    public void releaseAll(Consumer<CaptureEvent> out) {
        while (!held.isEmpty()) {
            release(held.poll(), out);
        }
    }

    private void release(CaptureEvent e, Consumer<CaptureEvent> out) {
        lastReleased = Math.max(lastReleased, e.monotonicNanos());
        out.accept(e);
    }

    public int held() {
        return held.size();
    }

    /** Events that arrived after a later event had been released (the window was too short). */
    public long lateEvents() {
        return lateEvents;
    }
}

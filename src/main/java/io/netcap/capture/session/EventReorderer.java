package io.netcap.capture.session;

import io.netcap.capture.program.CaptureEvent;
import java.util.function.Consumer;

/**
 * Puts events from different CPUs back in timestamp order. An event is held until it is older
 * than {@code windowNanos} behind the newest time known (the newest event or the clock), so a
 * slower CPU's earlier packet still lands before it; the queue is also bounded in size, after
 * which the oldest is released early. With one BPF ring buffer the disorder is only the gap
 * between taking a timestamp and committing the record (microseconds), so a window of
 * milliseconds keeps output time monotonic; an event that still arrives after a later one was
 * released keeps its true timestamp, is released at once and is counted in {@link #lateEvents()}.
 *
 * <p>Because the input is almost sorted, events are kept in a sorted circular array: an event
 * is placed by walking back from the newest, which is one comparison for an in-order event. A
 * priority queue paid a logarithmic sift on every add and release, and showed as the largest
 * user-space cost of a capture under load.
 */
public final class EventReorderer {
    private final long windowNanos;
    private final int maxHeld;
    /** held events in time order: ring[(head + i) % ring.length] for i < size */
    private CaptureEvent[] ring = new CaptureEvent[1024];
    private int head;
    private int size;
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
        insert(e);
        while (size > maxHeld) {
            release(poll(), out);
        }
    }

    private void insert(CaptureEvent e) {
        if (size == ring.length) {
            CaptureEvent[] bigger = new CaptureEvent[ring.length * 2];
            for (int i = 0; i < size; i++) {
                bigger[i] = ring[(head + i) % ring.length];
            }
            ring = bigger;
            head = 0;
        }
        int i = size;
        // walk back past newer events; for events arriving in order this loop does not run
        while (i > 0 && at(i - 1).monotonicNanos() > e.monotonicNanos()) {
            ring[(head + i) % ring.length] = at(i - 1);
            i--;
        }
        ring[(head + i) % ring.length] = e;
        size++;
    }

    private CaptureEvent at(int i) {
        return ring[(head + i) % ring.length];
    }

    private CaptureEvent poll() {
        CaptureEvent e = ring[head];
        ring[head] = null;
        head = (head + 1) % ring.length;
        size--;
        return e;
    }

    /** Releases everything older than the window behind {@code nowNanos} (CLOCK_MONOTONIC). */
    public void releaseUpTo(long nowNanos, Consumer<CaptureEvent> out) {
        long limit = nowNanos - windowNanos;
        while (size > 0 && ring[head].monotonicNanos() <= limit) {
            release(poll(), out);
        }
    }

    public void releaseAll(Consumer<CaptureEvent> out) {
        while (size > 0) {
            release(poll(), out);
        }
    }

    private void release(CaptureEvent e, Consumer<CaptureEvent> out) {
        lastReleased = Math.max(lastReleased, e.monotonicNanos());
        out.accept(e);
    }

    public int held() {
        return size;
    }

    /** Events that arrived after a later event had been released (the window was too short). */
    public long lateEvents() {
        return lateEvents;
    }
}

package io.netcap.capture.session;

import io.netcap.capture.program.CaptureEvent;

/**
 * Events kept sorted by timestamp, for input that is almost sorted already: a sorted circular
 * array where an event is placed by walking back from the newest, which is one comparison for an
 * event that arrives in order. A priority queue paid a logarithmic sift on every add and removal,
 * and showed as the largest user-space cost of a capture under load. Equal timestamps keep their
 * arrival order.
 */
final class SortedEventQueue {
    /** events in time order: ring[(head + i) % ring.length] for i < size */
    private CaptureEvent[] ring = new CaptureEvent[1024];
    private int head;
    private int size;

    void add(CaptureEvent e) {
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

    /** The oldest event's timestamp; only when not {@link #isEmpty()}. */
    long oldestTime() {
        return ring[head].monotonicNanos();
    }

    /** Removes and returns the oldest event; only when not {@link #isEmpty()}. */
    CaptureEvent poll() {
        CaptureEvent e = ring[head];
        ring[head] = null;
        head = (head + 1) % ring.length;
        size--;
        return e;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }
}

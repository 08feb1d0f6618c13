package io.netcap.capture.session;

import java.time.Instant;

/**
 * Converts the kernel's CLOCK_MONOTONIC timestamps (bpf_ktime_get_ns) to wall-clock time.
 * On Linux System.nanoTime() reads the same clock, so one offset, measured at start-up with
 * the tightest bracketing of several reads, converts every event.
 */
public final class WallClock {
    private final long offsetNanos;

    private WallClock(long offsetNanos) {
        this.offsetNanos = offsetNanos;
    }

    public static WallClock calibrate() {
        long bestGap = Long.MAX_VALUE;
        long offset = 0;
        for (int i = 0; i < 16; i++) {
            long m0 = System.nanoTime();
            Instant now = Instant.now();
            long m1 = System.nanoTime();
            if (m1 - m0 < bestGap) {
                bestGap = m1 - m0;
                long wall = now.getEpochSecond() * 1_000_000_000L + now.getNano();
                offset = wall - (m0 + (m1 - m0) / 2);
            }
        }
        return new WallClock(offset);
    }

    public long toEpochNanos(long monotonicNanos) {
        return monotonicNanos + offsetNanos;
    }
}

package io.netcap.capture.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PerfEventStreamTest {
    @Test
    void buffersArePowersOfTwoPagesWithinTheTotal() {
        assertEquals(4096, PerfEventStream.pagesPerCpu(32L << 20, 2), "32 MiB over 2 CPUs: 16 MiB each");
        assertEquals(2048, PerfEventStream.pagesPerCpu(32L << 20, 3), "rounded down, never over the total");
        assertEquals(1, PerfEventStream.pagesPerCpu(1L << 20, 4096), "at least one page each");
        assertEquals(256, PerfEventStream.pagesPerCpu(1L << 20, 0), "a CPU count of 0 counts as 1");
    }
}

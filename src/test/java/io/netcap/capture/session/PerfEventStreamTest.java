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

    @Test
    void eachPollReadsABoundedShareOfEveryBuffer() {
        assertEquals(PerfEventStream.RECORDS_PER_POLL / 2, PerfEventStream.recordsPerBuffer(2));
        assertEquals(PerfEventStream.RECORDS_PER_POLL, PerfEventStream.recordsPerBuffer(1));
        assertEquals(256, PerfEventStream.recordsPerBuffer(1024), "a few hundred each even on many CPUs");
    }
}

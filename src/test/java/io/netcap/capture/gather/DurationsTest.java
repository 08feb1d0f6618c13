package io.netcap.capture.gather;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void eachRangeInItsUnit() {
        assertEquals("0 ns", Durations.delay(0));
        assertEquals("999 ns", Durations.delay(999));
        assertEquals("1.000 us", Durations.delay(1_000));
        assertEquals("12.346 us", Durations.delay(12_346));
        assertEquals("200.114 ms", Durations.delay(200_113_900));
        assertEquals("999.999 ms", Durations.delay(999_999_499));
        assertEquals("1.000000 s", Durations.delay(999_999_999)); // not "1000.000 ms"
        assertEquals("1.500000 s", Durations.delay(1_500_000_000));
        assertEquals("-2.500 us", Durations.delay(-2_500));
    }

    @Test
    void timeoutsAsGiven() {
        assertEquals("2 s", Durations.seconds(2_000_000_000));
        assertEquals("0.5 s", Durations.seconds(500_000_000));
        assertEquals("0.000001 s", Durations.seconds(1_000));
    }
}

package io.netcap.capture.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netcap.capture.program.CaptureEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventReordererTest {
    private static CaptureEvent at(long ts) {
        return new CaptureEvent(ts, 0, 0, 0, 0, 0, -1, 0, 0, 1, 0, "", 0, new byte[0]);
    }

    private static List<Long> times(List<CaptureEvent> events) {
        return events.stream().map(CaptureEvent::monotonicNanos).toList();
    }

    @Test
    void holdsEventsForTheWindowAndReleasesInOrder() {
        EventReorderer r = new EventReorderer(100, 1000);
        List<CaptureEvent> out = new ArrayList<>();
        r.add(at(1000), out::add);
        r.add(at(990), out::add);
        r.add(at(1050), out::add);
        r.releaseUpTo(1095, out::add); // limit 995: only 990
        assertEquals(List.of(990L), times(out));
        r.releaseUpTo(1200, out::add);
        assertEquals(List.of(990L, 1000L, 1050L), times(out));
        assertEquals(0, r.held());
        assertEquals(0, r.lateEvents());
    }

    @Test
    void boundsWhatItHoldsAndCountsLateEvents() {
        EventReorderer r = new EventReorderer(1_000_000, 2);
        List<CaptureEvent> out = new ArrayList<>();
        r.add(at(30), out::add);
        r.add(at(10), out::add);
        r.add(at(20), out::add); // over the bound: the oldest (10) goes out
        assertEquals(List.of(10L), times(out));
        r.add(at(5), out::add); // older than something already released
        assertEquals(1, r.lateEvents());
        r.releaseAll(out::add);
        assertEquals(List.of(10L, 5L, 20L, 30L), times(out));
    }

    @Test
    void sortsAnyShuffleOfManyEventsAcrossGrowth() {
        java.util.Random random = new java.util.Random(42);
        EventReorderer r = new EventReorderer(1_000_000_000L, 1_000_000);
        List<CaptureEvent> out = new ArrayList<>();
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            // mostly in order, with local disorder as from several CPUs
            long ts = i * 100L + random.nextInt(350);
            expected.add(ts);
            r.add(at(ts), out::add);
            if (i % 700 == 699) {
                r.releaseUpTo(i * 100L - 400 + 1_000_000_000L, out::add);
            }
        }
        r.releaseAll(out::add);
        java.util.Collections.sort(expected);
        assertEquals(expected, times(out));
        assertEquals(0, r.lateEvents());
    }
}

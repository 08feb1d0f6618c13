package io.netcap.capture.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netcap.capture.program.CaptureEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The merge of per-CPU buffers, fed with hand-made streams in the order a reader would see them. */
class PerCpuMergerTest {
    private static final long SLACK = 10;

    private static CaptureEvent at(long ts, int cpu) {
        return new CaptureEvent(ts, 0, 0, 0, 0, 0, -1, cpu, 0, 1, 0, "", 0, new byte[0]);
    }

    private static List<Long> times(List<CaptureEvent> events) {
        return events.stream().map(CaptureEvent::monotonicNanos).toList();
    }

    @Test
    void aBufferReadWholeBeforeAnotherStillMergesInOrder() {
        // The failure of a fixed window: buffer 0 is read to its end, then buffer 1, whose events
        // are as old as buffer 0's, arrives a whole batch later.
        PerCpuMerger m = new PerCpuMerger(2, SLACK, 1000);
        List<CaptureEvent> out = new ArrayList<>();
        for (long t = 100; t <= 1000; t += 100) {
            m.add(0, at(t, 0), out::add);
        }
        m.caughtUp(0, 2000);
        m.release(out::add);
        assertEquals(List.of(), times(out), "buffer 1 has passed nothing yet: nothing may go out");
        for (long t = 150; t <= 950; t += 100) {
            m.add(1, at(t, 1), out::add);
        }
        m.release(out::add);
        // buffer 1 has passed 950: everything up to 940 (less the slack) goes out, merged
        assertEquals(List.of(100L, 150L, 200L, 250L, 300L, 350L, 400L, 450L, 500L, 550L, 600L, 650L, 700L, 750L,
                800L, 850L, 900L), times(out));
        m.caughtUp(1, 2000);
        m.release(out::add);
        assertEquals(List.of(950L, 1000L), times(out).subList(17, 19));
        assertEquals(0, m.held());
        assertEquals(0, m.lateEvents());
    }

    @Test
    void anIdleBufferHoldsNothingBackOnceReadToItsEnd() {
        PerCpuMerger m = new PerCpuMerger(3, SLACK, 1000);
        List<CaptureEvent> out = new ArrayList<>();
        m.add(0, at(500, 0), out::add);
        m.caughtUp(0, 600);
        m.caughtUp(1, 600);
        m.release(out::add);
        assertEquals(List.of(), times(out), "buffer 2 was never read: it may still hold older events");
        m.caughtUp(2, 505);
        m.release(out::add);
        assertEquals(List.of(), times(out), "read at 505: an event stamped after 495 may still be on its way");
        m.caughtUp(2, 600);
        m.release(out::add);
        assertEquals(List.of(500L), times(out));
    }

    @Test
    void aBusyBufferHoldsBackTheOthersUntilItPassesTheirTime() {
        PerCpuMerger m = new PerCpuMerger(2, SLACK, 1000);
        List<CaptureEvent> out = new ArrayList<>();
        // buffer 1 is idle and read to its end at 10_000; buffer 0 is far behind, read a record at a time
        m.add(1, at(5500, 1), out::add);
        m.caughtUp(1, 10_000);
        for (long t = 1000; t <= 9000; t += 1000) {
            m.add(0, at(t, 0), out::add);
            m.release(out::add);
            long horizon = t - SLACK;
            assertTrue(out.stream().allMatch(e -> e.monotonicNanos() <= horizon), "only what buffer 0 has passed");
        }
        assertEquals(List.of(1000L, 2000L, 3000L, 4000L, 5000L, 5500L, 6000L, 7000L, 8000L), times(out));
        assertEquals(1, m.held(), "9000 waits for buffer 0 to pass it");
        m.caughtUp(0, 10_000);
        m.release(out::add);
        assertEquals(9000L, out.get(out.size() - 1).monotonicNanos());
        assertEquals(0, m.lateEvents());
    }

    @Test
    void aSmallDisorderWithinOneBufferIsSortedWithinTheSlack() {
        // A program interrupted on its CPU by another commits after it, with an earlier timestamp.
        PerCpuMerger m = new PerCpuMerger(1, SLACK, 1000);
        List<CaptureEvent> out = new ArrayList<>();
        m.add(0, at(100, 0), out::add);
        m.add(0, at(107, 0), out::add);
        m.release(out::add);
        m.add(0, at(103, 0), out::add);
        m.caughtUp(0, 200);
        m.release(out::add);
        assertEquals(List.of(100L, 103L, 107L), times(out));
        assertEquals(0, m.lateEvents());
    }

    @Test
    void pastTheBoundTheOldestGoesEarlyAndWhatItOvertakesIsCountedLate() {
        PerCpuMerger m = new PerCpuMerger(2, SLACK, 3);
        List<CaptureEvent> out = new ArrayList<>();
        m.add(0, at(10, 0), out::add);
        m.add(0, at(20, 0), out::add);
        m.add(0, at(30, 0), out::add);
        m.add(0, at(40, 0), out::add); // four held: 10 goes out although buffer 1 was never read
        assertEquals(List.of(10L), times(out));
        m.add(1, at(5, 1), out::add); // older than one already out
        assertEquals(1, m.lateEvents());
        m.releaseAll(out::add);
        assertEquals(List.of(10L, 5L, 20L, 30L, 40L), times(out), "a late event is still written, with its own timestamp");
        assertEquals(0, m.held());
    }

    @Test
    void whenCrowdedOnlyTheBufferTheOthersWaitForIsToBeRead() {
        PerCpuMerger m = new PerCpuMerger(2, SLACK, 8);
        List<CaptureEvent> out = new ArrayList<>();
        assertFalse(m.isAhead(0), "nothing known of either");
        for (long t = 1000; t <= 1300; t += 100) {
            m.add(0, at(t, 0), out::add);
        }
        assertTrue(m.crowded(), "half the bound held");
        assertTrue(m.isAhead(0), "buffer 1 was never read: buffer 0 is ahead of it");
        assertFalse(m.isAhead(1));
        m.add(1, at(1005, 1), out::add);
        assertTrue(m.isAhead(0), "1300 is more than the slack past 1005");
        assertFalse(m.isAhead(1));
        m.add(1, at(1295, 1), out::add);
        assertFalse(m.isAhead(0), "within the slack of each other");
        m.release(out::add);
        assertEquals(List.of(1000L, 1005L, 1100L, 1200L), times(out));
        assertFalse(m.crowded());
        m.caughtUp(0, Long.MAX_VALUE);
        m.caughtUp(1, Long.MAX_VALUE);
        assertFalse(m.isAhead(0), "both done");
        m.release(out::add);
        assertEquals(List.of(1000L, 1005L, 1100L, 1200L, 1295L, 1300L), times(out), "all out once both are done");
        assertEquals(0, m.lateEvents());
    }

    @Test
    void manyBuffersReadInUnevenSlicesComeOutSorted() {
        Random random = new Random(7);
        int cpus = 4;
        // each CPU's stream in order, with rare small disorder as from nested programs
        List<List<Long>> streams = new ArrayList<>();
        List<Long> all = new ArrayList<>();
        for (int c = 0; c < cpus; c++) {
            List<Long> s = new ArrayList<>();
            long t = 1_000_000;
            for (int i = 0; i < 3000; i++) {
                t += 1 + random.nextInt(c == 0 ? 50 : 400); // CPU 0 is the busy one
                s.add(random.nextInt(20) == 0 ? t - random.nextInt(5) : t);
            }
            streams.add(s);
            all.addAll(s);
        }
        PerCpuMerger m = new PerCpuMerger(cpus, SLACK, 1_000_000);
        List<CaptureEvent> out = new ArrayList<>();
        int[] next = new int[cpus];
        long clock = 1_000_000;
        boolean left = true;
        while (left) {
            left = false;
            clock += 5_000;
            for (int c = 0; c < cpus; c++) {
                // read a random slice of what the CPU has written by now
                List<Long> s = streams.get(c);
                int budget = 1 + random.nextInt(60);
                while (budget-- > 0 && next[c] < s.size() && s.get(next[c]) <= clock) {
                    m.add(c, at(s.get(next[c]), c), out::add);
                    next[c]++;
                }
                if (next[c] == s.size() || s.get(next[c]) > clock) {
                    m.caughtUp(c, clock);
                }
                left |= next[c] < s.size();
            }
            m.release(out::add);
        }
        m.releaseAll(out::add);
        Collections.sort(all);
        assertEquals(all, times(out));
        assertEquals(0, m.lateEvents());
    }

    @Test
    void argumentsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new PerCpuMerger(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new PerCpuMerger(1, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> new PerCpuMerger(1, 1, 0));
    }
}

package io.netcap.capture.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netcap.capture.program.KernelAbi;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exit summary: every counter said, and the rare ones (unlocated, late) only when non-zero. */
class ExitSummaryTest {
    private static String print(long captured, KernelAbi.Counters c, long late) {
        return print(captured, c, late, 0);
    }

    private static String print(long captured, KernelAbi.Counters c, long late, long notWritten) {
        return print(captured, c, late, notWritten, 0);
    }

    private static String print(long captured, KernelAbi.Counters c, long late, long notWritten, long truncated) {
        StringWriter text = new StringWriter();
        ExitSummary.print(new PrintWriter(text), captured, c, late, notWritten, truncated);
        return text.toString();
    }

    @Test
    void saysWhatWasCapturedMatchedAndLost() {
        String s = print(1, new KernelAbi.Counters(10, 1, 0, 0, 0), 0);
        assertEquals("1 packet captured\n1 packet matched by the filter in the kernel (of 10 seen at the hooks)\n"
                + "0 packets lost between kernel and user space\n", s);
        String lost = print(5, new KernelAbi.Counters(100, 7, 2, 3, 0), 0);
        assertTrue(lost.contains("2 packets lost between kernel and user space (try a larger --ring-size)"), lost);
        assertTrue(lost.contains("3 packets whose data could not be located or read"), lost);
    }

    @Test
    void packetsReadInPartAreSaid() {
        String s = print(3, new KernelAbi.Counters(9, 3, 0, 0, 5), 0, 0, 2);
        assertTrue(s.contains("5 packets seen whose bytes the hook could not all read"), s);
        assertTrue(s.contains("2 packets written cut short (marked truncated)"), s);
        assertFalse(print(3, new KernelAbi.Counters(9, 3, 0, 0, 0), 0).contains("truncated"));
    }

    @Test
    void mbufsBeyondTheBurstBoundAreSaid() {
        String s = print(3, new KernelAbi.Counters(300, 3, 0, 0, 0, 44), 0);
        assertTrue(s.contains("44 mbufs not read: calls passed arrays of more than 256 mbufs"), s);
        assertFalse(print(3, new KernelAbi.Counters(9, 3, 0, 0, 0), 0).contains("not read"));
    }

    @Test
    void lateEventsFromTheReordererAreCountedAndSaid() {
        RecordReorderer r = new RecordReorderer(1_000, 100);
        List<Integer> out = new ArrayList<>();
        RecordReorderer.RecordHandler written = (buffer, offset, size) -> out.add(size);
        ByteBuffer record = ByteBuffer.allocate(16);
        r.add(record, 16, 5_000, written);
        r.releaseUpTo(10_000, written);
        r.add(record, 16, 4_000, written); // older than one already written
        r.releaseAll(written);
        assertEquals(1, r.lateEvents());
        assertEquals(2, out.size(), "a late event is still written, with its own timestamp");
        String s = print(2, new KernelAbi.Counters(2, 2, 0, 0, 0), r.lateEvents());
        assertTrue(s.contains("1 packet out of time order"), s);
        assertFalse(print(2, new KernelAbi.Counters(2, 2, 0, 0, 0), 0).contains("time order"));
    }

    @Test
    void packetsNotWrittenAfterTheReaderOfStdoutLeftAreSaid() {
        String s = print(3, new KernelAbi.Counters(9, 5, 0, 0, 0), 0, 2);
        assertTrue(s.endsWith("2 packets not written: the reader of stdout had gone\n"), s);
        assertFalse(print(3, new KernelAbi.Counters(9, 3, 0, 0, 0), 0, 0).contains("not written"));
    }
}

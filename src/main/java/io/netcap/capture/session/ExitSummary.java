package io.netcap.capture.session;

import io.netcap.capture.Plural;
import io.netcap.capture.program.KernelAbi;
import java.io.PrintWriter;

/**
 * The lines printed at exit, in the manner of tcpdump's: what reached the output, what the
 * kernel matched, and what was lost or bent on the way (never silently, as the original tool
 * did): lost between kernel and user space, packets whose data could not be found, packets
 * released out of time order, packets the hook could read only in part, packets not written
 * because the reader of stdout had gone.
 */
final class ExitSummary {
    private ExitSummary() {
    }

    /**
     * @param captured   packets handed to the output
     * @param notWritten packets captured after the reader of stdout went away, or held in a
     *                   buffer whose write found it gone
     */
    /** @param truncatedWritten of the packets captured, those written cut short (marked truncated) */
    static void print(PrintWriter err, long captured, KernelAbi.Counters c, long lateEvents, long notWritten,
                      long truncatedWritten) {
        err.println(Plural.of(captured, "packet") + " captured");
        err.println(Plural.of(c.matched(), "packet") + " matched by the filter in the kernel (of " + c.seen()
                + " seen at the hooks)");
        err.println(Plural.of(c.lost(), "packet") + " lost between kernel and user space"
                + (c.lost() > 0 ? " (try a larger --ring-size)" : ""));
        if (c.unlocated() > 0) {
            err.println(Plural.of(c.unlocated(), "packet") + " whose data could not be located or read");
        }
        if (c.partial() > 0) {
            err.println(Plural.of(c.partial(), "packet") + " seen whose bytes the hook could not all read: the filter saw"
                    + " only their first part");
        }
        if (c.skipped() > 0) {
            err.println(Plural.of(c.skipped(), "mbuf") + " not read: calls passed arrays of more than "
                    + KernelAbi.MAX_BURST + " mbufs, and netcap reads the first " + KernelAbi.MAX_BURST + " of each");
        }
        if (truncatedWritten > 0) {
            err.println(Plural.of(truncatedWritten, "packet") + " written cut short (marked truncated): bytes the hook could"
                    + " not read are missing");
        }
        if (lateEvents > 0) {
            err.println(Plural.of(lateEvents, "packet") + " out of time order: arrived after a later one was already"
                    + " written (kept with their own timestamps)");
        }
        if (notWritten > 0) {
            err.println(Plural.of(notWritten, "packet") + " not written: the reader of stdout had gone");
        }
        err.flush();
    }
}

package io.netcap.capture;

import io.netcap.bpf.BpfMap;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The lines printed at exit, in the manner of tcpdump's: what reached the output, what the
 * kernel matched, and what was lost on the way (never silently, as the original tool did).
 */
final class Summary {
    /** struct netcap_counters: seen, matched, lost, unlocated (u64 each), per CPU. */
    private static final int COUNTERS_SIZE = 32;

    private Summary() {
    }

    record Totals(long seen, long matched, long lost, long unlocated) {
    }

    static Totals read(BpfMap stats, int hookCount) {
        int cpus = BpfMap.possibleCpus();
        byte[] key = new byte[4];
        byte[] value = new byte[COUNTERS_SIZE * cpus];
        long seen = 0, matched = 0, lost = 0, unlocated = 0;
        for (int hook = 0; hook < hookCount; hook++) {
            ByteBuffer.wrap(key).order(ByteOrder.nativeOrder()).putInt(0, hook);
            if (!stats.lookup(key, value)) {
                continue;
            }
            ByteBuffer v = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
            for (int cpu = 0; cpu < cpus; cpu++) {
                int base = cpu * COUNTERS_SIZE;
                seen += v.getLong(base);
                matched += v.getLong(base + 8);
                lost += v.getLong(base + 16);
                unlocated += v.getLong(base + 24);
            }
        }
        return new Totals(seen, matched, lost, unlocated);
    }

    static void print(PrintWriter err, long captured, BpfMap stats, int hookCount) {
        Totals t = read(stats, hookCount);
        err.println(captured + " packet" + (captured == 1 ? "" : "s") + " captured");
        err.println(t.matched() + " packet" + (t.matched() == 1 ? "" : "s") + " matched by the filter in the kernel (of "
                + t.seen() + " seen at the hooks)");
        err.println(t.lost() + " packet" + (t.lost() == 1 ? "" : "s") + " lost between kernel and user space"
                + (t.lost() > 0 ? " (try a larger --ring-size)" : ""));
        if (t.unlocated() > 0) {
            err.println(t.unlocated() + " skb" + (t.unlocated() == 1 ? "" : "s") + " whose packet data could not be located");
        }
        err.flush();
    }
}

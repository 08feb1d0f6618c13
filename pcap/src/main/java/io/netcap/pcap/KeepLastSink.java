package io.netcap.pcap;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayDeque;

/**
 * --write-file-rotate N: keeps the last N packets in memory (copies: the loop's buffers are
 * reused) and writes them to the file when the capture ends, whatever ends it (Ctrl-C, SIGTERM,
 * -c, an error after the capture started): the capture loop closes its sink on every path.
 * The file itself is created, with its header, when the sink opens, so an unwritable path is
 * reported before the capture starts. Memory: up to N times the capture size, and never more
 * than half the JVM's heap: past that the oldest packets go, said once as it happens and again at
 * the end. N × -s can be far above the heap (1,000,000 × 1514 bytes against a quarter of a 2 GB
 * machine's memory), and running out of heap lost every packet kept (fresh-user review).
 */
final class KeepLastSink implements PacketSink {
    private final PacketSink file;
    private final String fileName;
    private final int keep;
    private final PrintWriter err;
    private final ArrayDeque<CapturedPacket> last;
    private final long budgetBytes;
    private long heldBytes;
    private long seen;
    /** Whether the budget, not N, has decided how many packets are kept. */
    private boolean memoryBound;
    private boolean closed;

    /**
     * What a kept packet costs beyond its bytes: the record and its array's headers and fields, and
     * its slot in the deque (HotSpot, 64-bit, compressed references; rounded up).
     */
    static final int PACKET_OVERHEAD_BYTES = 160;

    /**
     * @param file     where the kept packets go at the end (already open, header written)
     * @param fileName what the closing message calls it
     * @param keep     how many packets to keep, at least 1
     * @param err      where the closing message goes
     */
    KeepLastSink(PacketSink file, String fileName, int keep, PrintWriter err) {
        this(file, fileName, keep, err, Runtime.getRuntime().maxMemory() / 2);
    }

    /** As above, keeping at most {@code budgetBytes} of packets (bytes and {@link #PACKET_OVERHEAD_BYTES} each). */
    KeepLastSink(PacketSink file, String fileName, int keep, PrintWriter err, long budgetBytes) {
        if (keep < 1) {
            throw new IllegalArgumentException("--write-file-rotate: at least 1 packet, not " + keep);
        }
        this.file = file;
        this.fileName = fileName;
        this.keep = keep;
        this.err = err;
        this.last = new ArrayDeque<>(Math.min(keep, 4096));
        this.budgetBytes = budgetBytes;
    }

    @Override
    public void write(CapturedPacket packet) throws IOException {
        if (closed) {
            throw new IOException("the writer of " + fileName + " is closed");
        }
        if (last.size() == keep) {
            heldBytes -= cost(last.removeFirst());
        }
        CapturedPacket copy = packet.copy();
        last.addLast(copy);
        heldBytes += cost(copy);
        seen++;
        while (heldBytes > budgetBytes && last.size() > 1) {
            heldBytes -= cost(last.removeFirst());
            if (!memoryBound) {
                memoryBound = true;
                err.println("netcap: --write-file-rotate " + keep + ": half the JVM's heap (" + budgetBytes / (1 << 20)
                        + " MiB) holds only the last " + last.size() + " packets of this size; older ones are let go"
                        + " (more heap: JAVA_TOOL_OPTIONS=-Xmx..., or a smaller N or -s)");
                err.flush();
            }
        }
    }

    private static long cost(CapturedPacket p) {
        return (long) p.length() + PACKET_OVERHEAD_BYTES;
    }

    /** Nothing goes out before the end; the file's header went out when it was opened. */
    @Override
    public void flush() {
    }

    /** Writes the kept packets, oldest first, and closes the file, saying how many of how many it holds. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        int written = last.size();
        try {
            while (!last.isEmpty()) {
                file.write(last.removeFirst());
            }
        } catch (IOException e) {
            // the file's own message counts what its failed write lost; the rest never got there
            int rest = last.size();
            last.clear();
            throw rest == 0 ? e : new IOException(e.getMessage() + "; " + rest + " more of the last " + keep
                    + " kept packets not written", e);
        } finally {
            file.close();
        }
        err.println("netcap: --write-file-rotate " + keep + ": wrote the last " + written + " of "
                + seen + " packet" + (seen == 1 ? "" : "s") + " to " + fileName
                + (memoryBound ? " (all that half the JVM's heap held)" : ""));
        err.flush();
    }
}

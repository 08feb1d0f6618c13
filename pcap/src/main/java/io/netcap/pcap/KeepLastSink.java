package io.netcap.pcap;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayDeque;

/**
 * --write-file-rotate N: keeps the last N packets in memory (copies: the loop's buffers are
 * reused) and writes them to the file when the capture ends, whatever ends it (Ctrl-C, SIGTERM,
 * -c, an error after the capture started): the capture loop closes its sink on every path.
 * The file itself is created, with its header, when the sink opens, so an unwritable path is
 * reported before the capture starts. Memory: up to N times the capture size.
 */
final class KeepLastSink implements PacketSink {
    private final PacketSink file;
    private final String fileName;
    private final int keep;
    private final PrintWriter err;
    private final ArrayDeque<CapturedPacket> last;
    private long seen;
    private boolean closed;

    /**
     * @param file     where the kept packets go at the end (already open, header written)
     * @param fileName what the closing message calls it
     * @param keep     how many packets to keep, at least 1
     * @param err      where the closing message goes
     */
    KeepLastSink(PacketSink file, String fileName, int keep, PrintWriter err) {
        if (keep < 1) {
            throw new IllegalArgumentException("--write-file-rotate: at least 1 packet, not " + keep);
        }
        this.file = file;
        this.fileName = fileName;
        this.keep = keep;
        this.err = err;
        this.last = new ArrayDeque<>(Math.min(keep, 4096));
    }

    @Override
    public void write(CapturedPacket packet) throws IOException {
        if (closed) {
            throw new IOException("the writer of " + fileName + " is closed");
        }
        if (last.size() == keep) {
            last.removeFirst();
        }
        last.addLast(packet.copy());
        seen++;
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
        err.println("netcap: --write-file-rotate " + keep + ": wrote the last " + Math.min(seen, keep) + " of "
                + seen + " packet" + (seen == 1 ? "" : "s") + " to " + fileName);
        err.flush();
    }
}

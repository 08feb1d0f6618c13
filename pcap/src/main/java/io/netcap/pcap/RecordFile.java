package io.netcap.pcap;

import java.io.IOException;

/**
 * What the pcap and pcapng writers share: a {@link RecordOutput} written in whole records, a
 * count of the packets written, and closing once.
 */
abstract class RecordFile implements PacketFile {
    protected final RecordOutput out;
    private final String format;
    private long packetsWritten;
    private boolean closed;

    /** @param format "pcap" or "pcapng", for the message when written after close */
    RecordFile(RecordOutput out, String format) {
        this.out = out;
        this.format = format;
    }

    /** Counts one packet record written (or buffered). */
    protected final void packetWritten() {
        packetsWritten++;
    }

    /** @throws IOException once closed */
    protected final void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException(format + " writer is closed");
        }
    }

    @Override
    public long buffered() {
        return out.packetsBuffered();
    }

    /** Number of packet records written (or buffered) so far. */
    @Override
    public long packetsWritten() {
        return packetsWritten;
    }

    @Override
    public long size() {
        return out.size();
    }

    @Override
    public String name() {
        return out.target();
    }

    @Override
    public void flush() throws IOException {
        ensureOpen();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        out.close();
    }
}

package io.netcap.pcap;

import java.io.IOException;

/**
 * Where the capture loop hands packets: a pcap file, JSON lines, or tcpdump; the interface that
 * later outputs (pcapng, rotation, gather and extension output) implement.
 * The loop calls {@link #write} for every packet of a poll batch and {@link #flush} once per
 * batch, so implementations buffer and must not flush per packet.
 */
public interface PacketSink extends AutoCloseable {

    /** Takes one packet; its bytes may be a reused buffer, so copy them if kept. */
    void write(CapturedPacket packet) throws IOException;

    /** Pushes everything written so far to its destination. */
    void flush() throws IOException;

    /**
     * Packets taken by {@link #write} whose bytes have not all left this sink's own buffer: after
     * a write or flush failed, the ones that failure lost. 0 for sinks that keep no such buffer.
     */
    default long buffered() {
        return 0;
    }

    /** Flushes and releases the destination; calling it again does nothing. */
    @Override
    void close() throws IOException;
}

package io.netcap.pcap;

import java.io.IOException;

/**
 * Where the capture loop hands packets: a pcap or pcapng file (or a series of them), JSON lines,
 * tcpdump or the built-in display; the interface that later outputs implement.
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

    /**
     * Whether this sink takes no more packets, so that capturing on is pointless: tcpdump exited,
     * or -W with --rotate-seconds made its last file. The capture loop asks after each batch and then stops.
     */
    default boolean finished() {
        return false;
    }

    /** Flushes and releases the destination; calling it again does nothing. */
    @Override
    void close() throws IOException;
}

package io.netcap.pcap;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Keeps only the last {@code capacity} packets in memory and writes them, oldest first, as a
 * pcap when closed (netcap's {@code --write-file-rotate}): a flight recorder for long captures
 * where only what happened just before stopping matters.
 *
 * <p>The destination is opened by the constructor so that an unwritable path fails at start-up
 * rather than after hours of capturing. Each slot keeps its byte array and reuses it for later
 * packets that fit, so a steady capture stops allocating once the ring has warmed up.
 * {@link #flush()} does nothing: nothing is written before {@link #close()}.
 */
public final class RotatingPcapWriter implements PacketSink {
    private final OutputStream out;
    private final Slot[] ring;
    private long packetsSeen;
    private long packetsWritten;
    private boolean closed;

    /** A packet whose bytes were copied out of the capture buffer into a reusable array. */
    private static final class Slot {
        long timestampNanos;
        int linkType;
        int wireLength;
        byte[] bytes = new byte[0];
        int length;

        void fill(CapturedPacket p) {
            if (bytes.length < p.length()) {
                bytes = new byte[Math.max(p.length(), 128)];
            }
            System.arraycopy(p.data(), p.offset(), bytes, 0, p.length());
            length = p.length();
            timestampNanos = p.timestampNanos();
            linkType = p.linkType();
            wireLength = p.wireLength();
        }

        CapturedPacket toPacket() {
            return CapturedPacket.of(timestampNanos, linkType, wireLength, bytes, 0, length);
        }
    }

    /** Writes the last {@code capacity} packets to {@code out} (closed by {@link #close()}). */
    public RotatingPcapWriter(OutputStream out, int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("rotate capacity must be positive, got " + capacity);
        }
        this.out = out;
        this.ring = new Slot[capacity];
    }

    /** Opens {@code path} now (same errors as {@link PcapWriter#open}); writes it at close. */
    public static RotatingPcapWriter open(Path path, int capacity) throws IOException {
        if (capacity <= 0) {
            throw new IllegalArgumentException("rotate capacity must be positive, got " + capacity);
        }
        return new RotatingPcapWriter(PcapWriter.openForWriting(path), capacity);
    }

    @Override
    public void write(CapturedPacket p) throws IOException {
        if (closed) {
            throw new IOException("pcap writer is closed");
        }
        if (!LinkType.isRawIp(p.linkType()) && p.linkType() != LinkType.ETHERNET) {
            // Same check as PcapWriter, made now so the error is not deferred to close().
            throw new IllegalArgumentException("cannot write link type " + p.linkType()
                    + " into an Ethernet pcap (only 1 Ethernet and 101/228/229 raw IP)");
        }
        int index = (int) (packetsSeen % ring.length);
        Slot slot = ring[index];
        if (slot == null) {
            slot = new Slot();
            ring[index] = slot;
        }
        slot.fill(p);
        packetsSeen++;
    }

    /** Nothing to do: the packets stay in memory until {@link #close()}. */
    @Override
    public void flush() {
    }

    /** Packets handed to {@link #write} so far, including those already rotated out. */
    public long packetsSeen() {
        return packetsSeen;
    }

    /** Packets that went into the file: 0 until closed, then min(seen, capacity). */
    public long packetsWritten() {
        return packetsWritten;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (PcapWriter writer = new PcapWriter(out)) {
            int kept = (int) Math.min(packetsSeen, ring.length);
            long first = packetsSeen - kept;
            for (long i = first; i < packetsSeen; i++) {
                writer.write(ring[(int) (i % ring.length)].toPacket());
            }
            packetsWritten = writer.packetsWritten();
        } finally {
            Arrays.fill(ring, null);
        }
    }
}

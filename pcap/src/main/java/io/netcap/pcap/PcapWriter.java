package io.netcap.pcap;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Streams packets as a classic pcap file: nanosecond magic 0xa1b23c4d, version 2.4, snaplen
 * 65535, link type Ethernet, little-endian (the reader detects the order from the magic).
 *
 * <p>Raw-IP packets get a synthesised Ethernet header ({@link SyntheticEthernet}) so that one
 * file can hold packets from L2 and L3 hooks; their caplen and len grow by 14. Packets longer
 * than the snaplen are cut to it while len keeps the wire length, as libpcap itself does.
 *
 * <p>Output goes through a 64 KiB buffer that reaches the stream only when it fills up, on
 * {@link #flush()} or on {@link #close()}; the capture loop flushes once per poll batch.
 * Not thread-safe: one capture loop owns a writer.
 */
public final class PcapWriter implements PacketSink {
    static final int BUFFER_SIZE = 64 * 1024;

    private final OutputStream out;
    private final byte[] buf = new byte[BUFFER_SIZE];
    private int pos;
    private long packetsWritten;
    /** Packets with bytes still in buf: what a failing drain loses. */
    private int buffered;
    private boolean closed;

    /** Writes to {@code out}, which this writer closes on {@link #close()}. */
    public PcapWriter(OutputStream out) {
        this.out = Objects.requireNonNull(out, "out");
        putInt(PcapFormat.MAGIC_NANOS);
        putShort(PcapFormat.VERSION_MAJOR);
        putShort(PcapFormat.VERSION_MINOR);
        putInt(0); // thiszone: timestamps are UTC
        putInt(0); // sigfigs: always 0 in practice
        putInt(PcapFormat.SNAPLEN);
        putInt(LinkType.ETHERNET);
    }

    /**
     * Creates (or truncates) {@code path} and writes to it.
     *
     * @throws IOException with a one-line message such as
     *                     {@code cannot write /nonexistent/x.pcap: No such file or directory}
     */
    public static PcapWriter open(Path path) throws IOException {
        return new PcapWriter(openForWriting(path));
    }

    /** Opens {@code path} for writing, turning NIO's terse exceptions into one readable line. */
    static OutputStream openForWriting(Path path) throws IOException {
        try {
            return Files.newOutputStream(path);
        } catch (NoSuchFileException e) {
            throw new IOException("cannot write " + path + ": No such file or directory", e);
        } catch (AccessDeniedException e) {
            throw new IOException("cannot write " + path + ": Permission denied", e);
        } catch (FileSystemException e) {
            String reason = e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
            throw new IOException("cannot write " + path + ": " + reason, e);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            throw new IOException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void write(CapturedPacket p) throws IOException {
        ensureOpen();
        int header;
        int etherType = 0;
        if (p.linkType() == LinkType.ETHERNET) {
            header = 0;
        } else if (LinkType.isRawIp(p.linkType())) {
            header = PcapFormat.ETHERNET_HEADER_LENGTH;
            etherType = SyntheticEthernet.etherTypeFor(p.linkType(), p.data(), p.offset(), p.length());
        } else {
            throw new IllegalArgumentException("cannot write link type " + p.linkType()
                    + " into an Ethernet pcap (only 1 Ethernet and 101/228/229 raw IP)");
        }
        int capLen = Math.min(p.length() + header, PcapFormat.SNAPLEN);
        int origLen = (int) Math.min((long) p.wireLength() + header, 0xffffffffL);
        int dataLen = capLen - header;

        ensureRoom(PcapFormat.RECORD_HEADER_LENGTH + header);
        long ts = p.timestampNanos();
        putInt((int) Math.floorDiv(ts, 1_000_000_000L));
        putInt((int) Math.floorMod(ts, 1_000_000_000L));
        putInt(capLen);
        putInt(origLen);
        if (header != 0) {
            SyntheticEthernet.writeHeader(buf, pos, etherType);
            pos += header;
        }
        putBytes(p.data(), p.offset(), dataLen);
        packetsWritten++;
        if (pos > 0) {
            buffered++; // its last bytes are the last ones in buf
        }
    }

    @Override
    public long buffered() {
        return buffered;
    }

    /** Number of packet records written (or buffered) so far. */
    public long packetsWritten() {
        return packetsWritten;
    }

    @Override
    public void flush() throws IOException {
        ensureOpen();
        drain();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (OutputStream toClose = out) {
            drain();
            toClose.flush();
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("pcap writer is closed");
        }
    }

    private void drain() throws IOException {
        if (pos > 0) {
            int n = pos;
            pos = 0; // a failed write must not make the next flush repeat half a buffer
            out.write(buf, 0, n);
        }
        buffered = 0;
    }

    private void ensureRoom(int n) throws IOException {
        if (buf.length - pos < n) {
            drain();
        }
    }

    private void putBytes(byte[] src, int off, int len) throws IOException {
        if (len <= buf.length - pos) {
            System.arraycopy(src, off, buf, pos, len);
            pos += len;
        } else {
            // Too big for what is left: send the buffer, then the bytes without copying them.
            drain();
            if (len < buf.length / 2) {
                System.arraycopy(src, off, buf, 0, len);
                pos = len;
            } else {
                out.write(src, off, len);
            }
        }
    }

    private void putInt(int v) {
        buf[pos] = (byte) v;
        buf[pos + 1] = (byte) (v >>> 8);
        buf[pos + 2] = (byte) (v >>> 16);
        buf[pos + 3] = (byte) (v >>> 24);
        pos += 4;
    }

    private void putShort(int v) {
        buf[pos] = (byte) v;
        buf[pos + 1] = (byte) (v >>> 8);
        pos += 2;
    }
}

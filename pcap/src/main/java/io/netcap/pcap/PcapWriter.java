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
 * Streams packets as a classic pcap file: nanosecond magic 0xa1b23c4d, version 2.4, the snap
 * length given (the -s value, as tcpdump writes it; 65535 unless said), link type Ethernet,
 * little-endian (the reader detects the order from the magic).
 *
 * <p>Raw-IP packets get a synthesised Ethernet header ({@link SyntheticEthernet}) so that one
 * file can hold packets from L2 and L3 hooks; their caplen and len grow by 14. Records longer
 * than the snap length, that header included (as tcpdump -i any counts its cooked header), are
 * cut to it while len keeps the wire length, as libpcap itself does: a reader would cut them
 * anyway, silently.
 *
 * <p>Output goes through a 64 KiB buffer that reaches the stream only when it fills up, on
 * {@link #flush()} or on {@link #close()}; the capture loop flushes once per poll batch.
 * Not thread-safe: one capture loop owns a writer.
 */
public final class PcapWriter implements PacketSink {
    static final int BUFFER_SIZE = 64 * 1024;
    /** The largest snap length netcap writes, and what it declares when not told otherwise. */
    public static final int MAX_SNAP_LENGTH = PcapFormat.SNAPLEN;

    private final OutputStream out;
    private final int snapLength;
    /** What messages call the destination: the file's path, or "the output". */
    private String target = "the output";
    private final byte[] buf = new byte[BUFFER_SIZE];
    private int pos;
    private long packetsWritten;
    /** Packets with bytes still in buf: what a failing drain loses. */
    private int buffered;
    private boolean closed;

    /** Writes to {@code out}, which this writer closes on {@link #close()}, with the largest snap length. */
    public PcapWriter(OutputStream out) {
        this(out, MAX_SNAP_LENGTH);
    }

    /**
     * Writes to {@code out}, which this writer closes on {@link #close()}.
     *
     * @param snapLength the file's snap length in bytes, 1..{@value #MAX_SNAP_LENGTH}: no record is longer
     * @throws IllegalArgumentException if snapLength is out of range
     */
    public PcapWriter(OutputStream out, int snapLength) {
        this.out = Objects.requireNonNull(out, "out");
        if (snapLength < 1 || snapLength > MAX_SNAP_LENGTH) {
            throw new IllegalArgumentException("pcap snap length must be 1.." + MAX_SNAP_LENGTH + ", not " + snapLength);
        }
        this.snapLength = snapLength;
        putInt(PcapFormat.MAGIC_NANOS);
        putShort(PcapFormat.VERSION_MAJOR);
        putShort(PcapFormat.VERSION_MINOR);
        putInt(0); // thiszone: timestamps are UTC
        putInt(0); // sigfigs: always 0 in practice
        putInt(snapLength);
        putInt(LinkType.ETHERNET);
    }

    /**
     * Creates (or truncates) {@code path} and writes to it with this snap length (see
     * {@link #PcapWriter(OutputStream, int)}).
     *
     * @throws IOException with a one-line message such as
     *                     {@code cannot write /nonexistent/x.pcap: No such file or directory}
     */
    public static PcapWriter open(Path path, int snapLength) throws IOException {
        if (snapLength < 1 || snapLength > MAX_SNAP_LENGTH) { // before the file is created or truncated
            throw new IllegalArgumentException("pcap snap length must be 1.." + MAX_SNAP_LENGTH + ", not " + snapLength);
        }
        PcapWriter w = new PcapWriter(openForWriting(path), snapLength);
        w.target = path.toString();
        try {
            // the file header goes out now: a path that opens but cannot be written (/proc/version,
            // a full disk) is reported before any hook is attached, not at the first flush
            w.flush();
        } catch (IOException e) {
            try {
                w.out.close();
            } catch (IOException ignored) {
                // the write already failed; that is the error to report
            }
            throw e;
        }
        return w;
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
        int capLen = Math.min(p.length() + header, snapLength);
        int origLen = (int) Math.min((long) p.wireLength() + header, 0xffffffffL);
        int headerLen = Math.min(header, capLen); // -s below 14 cuts even the synthesised header
        int dataLen = capLen - headerLen;

        ensureRoom(PcapFormat.RECORD_HEADER_LENGTH + header);
        long ts = p.timestampNanos();
        putInt((int) Math.floorDiv(ts, 1_000_000_000L));
        putInt((int) Math.floorMod(ts, 1_000_000_000L));
        putInt(capLen);
        putInt(origLen);
        if (header != 0) {
            SyntheticEthernet.writeHeader(buf, pos, etherType);
            pos += headerLen; // the rest of it, if cut, is overwritten by what follows
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
            try {
                out.write(buf, 0, n);
            } catch (IOException e) {
                throw new IOException("cannot write " + target + ": " + e.getMessage(), e);
            }
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

package io.netcap.pcap;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

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
 * <p>Output goes through a 64 KiB buffer ({@link RecordOutput}) that reaches the stream only in
 * whole records, when it fills up, on {@link #flush()} or on {@link #close()}; the capture loop
 * flushes once per poll batch. A file whose write fails (a full disk) is cut back to its last
 * whole record, so it stays valid. Not thread-safe: one capture loop owns a writer.
 */
public final class PcapWriter extends RecordFile {
    static final int BUFFER_SIZE = RecordOutput.BUFFER_SIZE;
    /** The largest snap length netcap writes, and what it declares when not told otherwise. */
    public static final int MAX_SNAP_LENGTH = PcapFormat.SNAPLEN;

    private final int snapLength;

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
        this(RecordOutput.of(out), checkSnapLength(snapLength));
    }

    private PcapWriter(RecordOutput out, int snapLength) {
        super(out, "pcap");
        this.snapLength = snapLength;
        try {
            out.begin(PcapFormat.FILE_HEADER_LENGTH);
        } catch (IOException e) {
            throw new IllegalStateException("a new buffer has room for the file header", e);
        }
        out.putInt(PcapFormat.MAGIC_NANOS);
        out.putShort(PcapFormat.VERSION_MAJOR);
        out.putShort(PcapFormat.VERSION_MINOR);
        out.putInt(0); // thiszone: timestamps are UTC
        out.putInt(0); // sigfigs: always 0 in practice
        out.putInt(snapLength);
        out.putInt(LinkType.ETHERNET);
        out.end(false);
    }

    /** Writes to {@code out} (a file, a stream, or a test's destination). */
    static PcapWriter over(RecordOutput out, int snapLength) {
        return new PcapWriter(out, checkSnapLength(snapLength));
    }

    private static int checkSnapLength(int snapLength) {
        if (snapLength < 1 || snapLength > MAX_SNAP_LENGTH) {
            throw new IllegalArgumentException("pcap snap length must be 1.." + MAX_SNAP_LENGTH + ", not " + snapLength);
        }
        return snapLength;
    }

    /**
     * Creates (or truncates) {@code path} and writes to it with this snap length (see
     * {@link #PcapWriter(OutputStream, int)}).
     *
     * @throws IOException with a one-line message such as
     *                     {@code cannot write /nonexistent/x.pcap: No such file or directory}
     */
    public static PcapWriter open(Path path, int snapLength) throws IOException {
        checkSnapLength(snapLength); // before the file is created or truncated
        PcapWriter w = new PcapWriter(RecordOutput.create(path), snapLength);
        flushHeader(w.out);
        return w;
    }

    /**
     * The file header goes out at once: a path that opens but cannot be written (/proc/version,
     * a full disk) is reported before any hook is attached, not at the first flush.
     */
    static void flushHeader(RecordOutput out) throws IOException {
        try {
            out.flush();
        } catch (IOException e) {
            try {
                out.close();
            } catch (IOException ignored) {
                // the write already failed; that is the error to report
            }
            throw e;
        }
    }

    @Override
    public void write(CapturedPacket p) throws IOException {
        write(p.timestampNanos(), p.linkType(), p.wireLength(), p.data(), p.offset(), p.length());
    }

    /**
     * Writes one packet given by its parts, as {@link #write(CapturedPacket)} does: for a reader
     * that has the bytes in a buffer of its own and no packet object (a capture writing only a
     * pcap file).
     *
     * @param timestampNanos nanoseconds since the epoch
     * @param linkType       LINKTYPE_ETHERNET, or one of the raw IP types (a header is made up)
     * @param wireLength     the packet's length on the wire, from its first byte in {@code data}
     * @param data           holds the captured bytes at {@code offset}, {@code length} of them
     * @throws IllegalArgumentException another link type
     */
    public void write(long timestampNanos, int linkType, int wireLength, byte[] data, int offset, int length)
            throws IOException {
        ensureOpen();
        int header;
        int etherType = 0;
        if (linkType == LinkType.ETHERNET) {
            header = 0;
        } else if (LinkType.isRawIp(linkType)) {
            header = PcapFormat.ETHERNET_HEADER_LENGTH;
            etherType = SyntheticEthernet.etherTypeFor(linkType, data, offset, length);
        } else {
            throw new IllegalArgumentException("cannot write link type " + linkType
                    + " into an Ethernet pcap (only 1 Ethernet and 101/228/229 raw IP)");
        }
        int capLen = Math.min(length + header, snapLength);
        int origLen = (int) Math.min((long) wireLength + header, 0xffffffffL);
        int headerLen = Math.min(header, capLen); // -s below 14 cuts even the synthesised header
        int dataLen = capLen - headerLen;

        out.begin(PcapFormat.RECORD_HEADER_LENGTH + capLen);
        out.putInt((int) Math.floorDiv(timestampNanos, 1_000_000_000L));
        out.putInt((int) Math.floorMod(timestampNanos, 1_000_000_000L));
        out.putInt(capLen);
        out.putInt(origLen);
        if (headerLen != 0) {
            out.putSyntheticEthernet(etherType, headerLen);
        }
        out.putBytes(data, offset, dataLen);
        out.end(true);
        packetWritten();
    }
}

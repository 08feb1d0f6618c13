package io.netcap.pcap;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;

/**
 * The bytes of a capture file (pcap or pcapng) on their way out: a little-endian buffer that
 * reaches its destination only in whole records (a pcap packet record, a pcapng block), when it
 * is full, on {@link #flush()} and on {@link #close()}.
 *
 * <p>Why whole records: when a write to a file fails part-way (ENOSPC on a full disk), the file
 * is cut back to the end of the last record that reached it, so it stays a complete, valid
 * capture file of everything before. A pipe cannot be cut back; what reached it stays.
 * After a failure every later write fails with the same error: the caller stops there.
 *
 * <p>Not thread-safe: one capture loop owns it.
 */
final class RecordOutput {
    /** Initial buffer size; it grows once if a single record is larger. */
    static final int BUFFER_SIZE = 64 * 1024;

    /** Where the bytes go: a file (which can be cut back) or a stream. */
    interface Destination {
        void write(byte[] b, int off, int len) throws IOException;

        void flush() throws IOException;

        /** Cuts the destination back to {@code size} bytes; false if it cannot (a pipe). */
        boolean cutBack(long size);

        void close() throws IOException;
    }

    private final Destination destination;
    /** What messages call the destination: a file's path, or "the output". */
    private final String target;
    private byte[] buf = new byte[BUFFER_SIZE];
    private int pos;
    /** Bytes (whole records) that reached the destination. */
    private long committed;
    /** Packet records in buf: what a failing write loses. */
    private int packetsBuffered;
    /** Packet records that reached the destination. */
    private long packetsCommitted;
    private int recordEnd = -1;
    private IOException failure;
    private boolean closed;

    RecordOutput(Destination destination, String target) {
        this.destination = Objects.requireNonNull(destination, "destination");
        this.target = Objects.requireNonNull(target, "target");
    }

    /** Writes to a stream (a pipe, stdout), which {@link #close()} closes. */
    static RecordOutput of(OutputStream out) {
        Objects.requireNonNull(out, "out");
        return new RecordOutput(new Destination() {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public boolean cutBack(long size) {
                return false;
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        }, "the output");
    }

    /**
     * Creates (or truncates) {@code path}.
     *
     * @throws IOException with a one-line message such as
     *                     {@code cannot write /nonexistent/x.pcap: No such file or directory}
     */
    static RecordOutput create(Path path) throws IOException {
        FileChannel channel = openForWriting(path);
        return new RecordOutput(new Destination() {
            /**
             * A view of the array last written from (RecordOutput's buffer, the same array every
             * time but when it grows): a view per write was the only allocation of a capture
             * writing a file, 28 kB/s at 440k packets/s, which filled the young generation and
             * the resident memory with it for an hour before the first collection.
             */
            private ByteBuffer view = ByteBuffer.allocate(0);

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (view.array() != b) {
                    view = ByteBuffer.wrap(b);
                }
                view.limit(off + len).position(off);
                while (view.hasRemaining()) {
                    channel.write(view);
                }
            }

            @Override
            public void flush() {
                // FileChannel writes go straight to the kernel
            }

            @Override
            public boolean cutBack(long size) {
                try {
                    channel.truncate(size);
                    channel.position(size);
                    return true;
                } catch (IOException e) {
                    return false;
                }
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        }, path.toString());
    }

    /** Opens {@code path} for writing, turning NIO's terse exceptions into one readable line. */
    static FileChannel openForWriting(Path path) throws IOException {
        try {
            return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
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

    /** The name messages use for the destination. */
    String target() {
        return target;
    }

    /**
     * Starts a record of exactly {@code length} bytes: the buffered records go out first if it
     * does not fit. The caller then puts exactly that many bytes and calls {@link #end}.
     */
    void begin(int length) throws IOException {
        ensureUsable();
        if (buf.length - pos < length) {
            drain();
            if (buf.length < length) {
                buf = new byte[Math.max(length, buf.length * 2)];
            }
        }
        recordEnd = pos + length;
    }

    /** Ends the record begun last; {@code packet} says whether it was a packet (counted), not a header. */
    void end(boolean packet) {
        if (pos != recordEnd) {
            throw new IllegalStateException("record of " + (recordEnd - pos) + " bytes too few or many");
        }
        recordEnd = -1;
        if (packet) {
            packetsBuffered++;
        }
    }

    void putInt(int v) {
        buf[pos] = (byte) v;
        buf[pos + 1] = (byte) (v >>> 8);
        buf[pos + 2] = (byte) (v >>> 16);
        buf[pos + 3] = (byte) (v >>> 24);
        pos += 4;
    }

    void putShort(int v) {
        buf[pos] = (byte) v;
        buf[pos + 1] = (byte) (v >>> 8);
        pos += 2;
    }

    void putBytes(byte[] src, int off, int len) {
        System.arraycopy(src, off, buf, pos, len);
        pos += len;
    }

    /**
     * The first {@code length} (at most 14) bytes of netcap's made-up Ethernet header for raw-IP
     * packets: zero MAC addresses, then the ethertype ({@link SyntheticEthernet}).
     */
    void putSyntheticEthernet(int etherType, int length) {
        int n = Math.min(length, PcapFormat.ETHERNET_HEADER_LENGTH);
        Arrays.fill(buf, pos, pos + Math.min(n, 12), (byte) 0);
        if (n > 12) {
            buf[pos + 12] = (byte) (etherType >>> 8);
        }
        if (n > 13) {
            buf[pos + 13] = (byte) etherType;
        }
        pos += n;
    }

    /** Zero bytes up to the next multiple of 4 of {@code length} (pcapng's padding). */
    void pad(int length) {
        int padding = (4 - (length & 3)) & 3;
        Arrays.fill(buf, pos, pos + padding, (byte) 0);
        pos += padding;
    }

    /** Leaves {@code n} bytes for the caller to fill through {@link #array()} at {@link #position()}. */
    void skip(int n) {
        pos += n;
    }

    byte[] array() {
        return buf;
    }

    int position() {
        return pos;
    }

    /** Bytes of the file so far, buffered ones included (what tcpdump's -C measures, as ftell does). */
    long size() {
        return committed + pos;
    }

    /** Packet records taken whose bytes have not all reached the destination. */
    long packetsBuffered() {
        return packetsBuffered;
    }

    /** Packet records that reached the destination. */
    long packetsCommitted() {
        return packetsCommitted;
    }

    void flush() throws IOException {
        ensureUsable();
        drain();
        try {
            destination.flush();
        } catch (IOException e) {
            throw fail(e);
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** Sends what is buffered and closes the destination; a second call does nothing. */
    void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (failure == null) {
                drain();
                destination.flush();
            }
        } finally {
            destination.close();
        }
    }

    private void ensureUsable() throws IOException {
        if (closed) {
            throw new IOException("the writer of " + target + " is closed");
        }
        if (failure != null) {
            throw new IOException(failure.getMessage(), failure);
        }
    }

    private void drain() throws IOException {
        if (pos == 0) {
            return;
        }
        int n = pos;
        pos = 0; // a failed write must not make the next flush repeat half a buffer
        try {
            destination.write(buf, 0, n);
        } catch (IOException e) {
            throw fail(e);
        }
        committed += n;
        packetsCommitted += packetsBuffered;
        packetsBuffered = 0;
    }

    /**
     * A write failed: cut a file back to its last whole record and word the failure once, for
     * the user, with what the file still holds.
     */
    private IOException fail(IOException cause) {
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        String message = "cannot write " + target + ": " + reason;
        // nothing written yet (the header's write failed): there is no "complete with 0 packets" to tell
        if (destination.cutBack(committed) && (packetsCommitted > 0 || packetsBuffered > 0)) {
            message += "; stopped, and " + target + " is complete with the " + packetsCommitted
                    + " packet" + (packetsCommitted == 1 ? "" : "s") + " written before";
            if (packetsBuffered > 0) {
                message += " (" + packetsBuffered + " after them lost)";
            }
        }
        failure = new IOException(message, cause);
        return failure;
    }
}

package io.netcap.pcap;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a whole classic pcap file into memory, for tests and small tools that compare
 * captures byte for byte. Accepts microsecond (0xa1b2c3d4) and nanosecond (0xa1b23c4d)
 * magics in either byte order; rejects pcapng and damaged files with an {@link IOException}
 * that says what is wrong and where.
 */
public final class PcapReader {
    /** Refuse absurd record lengths instead of allocating them (libpcap's own upper bound). */
    private static final int MAX_RECORD_LENGTH = 256 * 1024 * 1024;

    private PcapReader() {
    }

    public static List<PcapRecord> read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    public static List<PcapRecord> read(InputStream input) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(input));
        byte[] fileHeader = new byte[PcapFormat.FILE_HEADER_LENGTH];
        readFully(in, fileHeader, "file header", 0);
        ByteBuffer header = ByteBuffer.wrap(fileHeader).order(ByteOrder.LITTLE_ENDIAN);
        int magic = header.getInt(0);
        if (magic == PcapFormat.PCAPNG_BLOCK_TYPE) {
            throw new IOException("pcapng files are not supported, only classic pcap");
        }
        if (Integer.reverseBytes(magic) == PcapFormat.MAGIC_MICROS
                || Integer.reverseBytes(magic) == PcapFormat.MAGIC_NANOS) {
            header.order(ByteOrder.BIG_ENDIAN);
            magic = Integer.reverseBytes(magic);
        }
        boolean nanos;
        if (magic == PcapFormat.MAGIC_NANOS) {
            nanos = true;
        } else if (magic == PcapFormat.MAGIC_MICROS) {
            nanos = false;
        } else {
            throw new IOException(String.format("not a pcap file (magic 0x%08x)", magic));
        }
        int linkType = header.getInt(20) & 0x0fffffff; // upper bits may carry FCS information
        ByteOrder order = header.order();

        List<PcapRecord> records = new ArrayList<>();
        byte[] recordHeader = new byte[PcapFormat.RECORD_HEADER_LENGTH];
        long offset = PcapFormat.FILE_HEADER_LENGTH;
        while (true) {
            int n = in.readNBytes(recordHeader, 0, recordHeader.length);
            if (n == 0) {
                return records;
            }
            if (n < recordHeader.length) {
                throw new IOException("truncated record header at offset " + offset);
            }
            ByteBuffer rh = ByteBuffer.wrap(recordHeader).order(order);
            long seconds = rh.getInt(0) & 0xffffffffL;
            long fraction = rh.getInt(4) & 0xffffffffL;
            int capLen = rh.getInt(8);
            int origLen = rh.getInt(12);
            if (capLen < 0 || capLen > MAX_RECORD_LENGTH) {
                throw new IOException("bad caplen " + Integer.toUnsignedString(capLen)
                        + " in record at offset " + offset);
            }
            byte[] data = new byte[capLen];
            readFully(in, data, "record data", offset);
            long ts = seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1000L);
            records.add(new PcapRecord(ts, capLen, origLen, data, linkType));
            offset += PcapFormat.RECORD_HEADER_LENGTH + capLen;
        }
    }

    private static void readFully(DataInputStream in, byte[] b, String what, long offset)
            throws IOException {
        try {
            in.readFully(b);
        } catch (EOFException e) {
            throw new IOException("truncated " + what + " at offset " + offset, e);
        }
    }
}

package io.netcap.bpf.btf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The fixed header at the start of every BTF blob ({@code struct btf_header}).
 *
 * <p>Section offsets are relative to the end of the header, which is {@code headerLength} bytes
 * long: newer kernels may append fields, so the reader must trust hdr_len rather than assume 24.
 */
record BtfHeader(ByteOrder order, int version, int flags, int headerLength,
                 int typeOffset, int typeLength, int stringOffset, int stringLength) {

    static final int MAGIC = 0xEB9F;
    static final int SUPPORTED_VERSION = 1;
    /** magic(2) version(1) flags(1) hdr_len, type_off, type_len, str_off, str_len (4 each). */
    static final int MINIMUM_LENGTH = 24;

    /**
     * Reads and checks the header. The byte order is not assumed: the magic is written in the
     * producer's native order, so reading it both ways tells us how the rest was written.
     */
    static BtfHeader read(ByteBuffer blob, String source) throws BtfException {
        if (blob.remaining() < MINIMUM_LENGTH) {
            throw new BtfException(source, "truncated: " + blob.remaining()
                    + " bytes is shorter than the " + MINIMUM_LENGTH + "-byte BTF header");
        }
        ByteOrder order = detectOrder(blob, source);
        ByteBuffer in = blob.duplicate().order(order);
        int version = Byte.toUnsignedInt(in.get(2));
        int flags = Byte.toUnsignedInt(in.get(3));
        if (version != SUPPORTED_VERSION) {
            throw new BtfException(source, "unsupported BTF version " + version
                    + " (only " + SUPPORTED_VERSION + " is known)");
        }
        long headerLength = Integer.toUnsignedLong(in.getInt(4));
        if (headerLength < MINIMUM_LENGTH || headerLength > blob.remaining()) {
            throw new BtfException(source, "bad header length " + headerLength
                    + " (blob is " + blob.remaining() + " bytes)");
        }
        long typeOffset = Integer.toUnsignedLong(in.getInt(8));
        long typeLength = Integer.toUnsignedLong(in.getInt(12));
        long stringOffset = Integer.toUnsignedLong(in.getInt(16));
        long stringLength = Integer.toUnsignedLong(in.getInt(20));
        long available = blob.remaining() - headerLength;
        checkSection(source, "type", typeOffset, typeLength, available);
        checkSection(source, "string", stringOffset, stringLength, available);
        return new BtfHeader(order, version, flags, (int) headerLength,
                (int) typeOffset, (int) typeLength, (int) stringOffset, (int) stringLength);
    }

    private static ByteOrder detectOrder(ByteBuffer blob, String source) throws BtfException {
        int little = Short.toUnsignedInt(blob.duplicate().order(ByteOrder.LITTLE_ENDIAN).getShort(0));
        if (little == MAGIC) {
            return ByteOrder.LITTLE_ENDIAN;
        }
        int big = Short.toUnsignedInt(blob.duplicate().order(ByteOrder.BIG_ENDIAN).getShort(0));
        if (big == MAGIC) {
            return ByteOrder.BIG_ENDIAN;
        }
        throw new BtfException(source, String.format(
                "bad magic 0x%04x, expected 0x%04x: not a BTF blob", little, MAGIC));
    }

    private static void checkSection(String source, String name, long offset, long length, long available)
            throws BtfException {
        if (offset + length > available) {
            throw new BtfException(source, "truncated: " + name + " section [" + offset + ", "
                    + (offset + length) + ") ends past the " + available + " bytes after the header");
        }
    }
}

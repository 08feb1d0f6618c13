package io.netcap.capture.program;

import static io.netcap.capture.program.KernelAbi.DEVNAME_LEN;
import static io.netcap.capture.program.KernelAbi.EVENT_SIZE;
import static io.netcap.capture.program.KernelAbi.EV_CAP_LEN;
import static io.netcap.capture.program.KernelAbi.EV_CPU;
import static io.netcap.capture.program.KernelAbi.EV_DEV;
import static io.netcap.capture.program.KernelAbi.EV_EXT_LEN;
import static io.netcap.capture.program.KernelAbi.EV_FLAGS;
import static io.netcap.capture.program.KernelAbi.EV_HOOK;
import static io.netcap.capture.program.KernelAbi.EV_IFINDEX;
import static io.netcap.capture.program.KernelAbi.EV_LINK_TYPE;
import static io.netcap.capture.program.KernelAbi.EV_NETNS;
import static io.netcap.capture.program.KernelAbi.EV_PID;
import static io.netcap.capture.program.KernelAbi.EV_REASON;
import static io.netcap.capture.program.KernelAbi.EV_SKB;
import static io.netcap.capture.program.KernelAbi.EV_STACK_ID;
import static io.netcap.capture.program.KernelAbi.EV_TS_NS;
import static io.netcap.capture.program.KernelAbi.EV_WIRE_LEN;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Decodes event records ({@code struct netcap_event}, netcap_event.h, then the ext_len bytes of
 * the --ext-action's struct, then the cap_len bytes of the packet) for one reader. It remembers
 * the device names it has decoded, so that a packet does not cost a new String for a name the
 * last one had too: at 400k packets/s the name was a fifth of the reader's allocation, measured
 * with JFR. Not thread-safe: one per event stream.
 */
public final class EventDecoder {
    private static final byte[] NO_EXT = new byte[0];
    /** Names remembered, by a hash of their 16 bytes; a capture sees a few devices. */
    private static final int NAME_SLOTS = 64;

    private final long[] nameWords = new long[2 * NAME_SLOTS];
    private final String[] names = new String[NAME_SLOTS];

    /**
     * Decodes one record of {@code size} bytes at the buffer's position, in host byte order
     * whatever the buffer's order. The packet and ext bytes are copied: the buffer may be reused.
     *
     * @throws IllegalArgumentException a record shorter than its header or than the bytes it claims
     */
    public CaptureEvent decode(ByteBuffer record, int size) {
        ByteBuffer b = record.order() == ByteOrder.nativeOrder() ? record
                : record.duplicate().order(ByteOrder.nativeOrder());
        int base = record.position();
        if (size < EVENT_SIZE) {
            throw new IllegalArgumentException("short event record: " + size + " bytes");
        }
        int capLen = b.getInt(base + EV_CAP_LEN);
        int extLen = b.getInt(base + EV_EXT_LEN);
        if (!whole(b, base, size)) {
            throw new IllegalArgumentException("event record claims " + Integer.toUnsignedLong(extLen) + " + "
                    + Integer.toUnsignedLong(capLen) + " bytes but has " + (size - EVENT_SIZE));
        }
        byte[] ext = NO_EXT;
        if (extLen > 0) {
            ext = new byte[extLen];
            b.get(base + EVENT_SIZE, ext);
        }
        byte[] data = new byte[capLen];
        b.get(base + EVENT_SIZE + extLen, data);
        return new CaptureEvent(
                b.getLong(base + EV_TS_NS),
                b.getLong(base + EV_SKB),
                b.getInt(base + EV_HOOK),
                b.getInt(base + EV_WIRE_LEN),
                b.getInt(base + EV_IFINDEX),
                Integer.toUnsignedLong(b.getInt(base + EV_NETNS)),
                b.getInt(base + EV_STACK_ID),
                b.getInt(base + EV_CPU),
                b.getInt(base + EV_REASON),
                Short.toUnsignedInt(b.getShort(base + EV_LINK_TYPE)),
                Short.toUnsignedInt(b.getShort(base + EV_FLAGS)),
                deviceName(b, base + EV_DEV),
                b.getInt(base + EV_PID),
                data,
                ext);
    }

    // Single fields of the record whose header starts at {@code at} (host byte order), for a
    // reader that writes a packet without decoding all of it (the pcap file's fast path).

    /** bpf_ktime_get_ns() at capture (CLOCK_MONOTONIC, ns). */
    public static long time(ByteBuffer b, int at) {
        return b.getLong(at + EV_TS_NS);
    }

    /** The packet's length from its first captured byte (bytes). */
    public static int wireLength(ByteBuffer b, int at) {
        return b.getInt(at + EV_WIRE_LEN);
    }

    /** The bytes of the packet in the record (cap_len). */
    public static int capturedLength(ByteBuffer b, int at) {
        return b.getInt(at + EV_CAP_LEN);
    }

    /** Where the packet's bytes start in the record: after the header and the --ext-action's struct. */
    public static int dataOffset(ByteBuffer b, int at) {
        return at + EVENT_SIZE + b.getInt(at + EV_EXT_LEN);
    }

    /** The pcap LINKTYPE_* of the packet's bytes. */
    public static int linkType(ByteBuffer b, int at) {
        return Short.toUnsignedInt(b.getShort(at + EV_LINK_TYPE));
    }

    /** Whether the kernel could not read every byte up to -s (KernelAbi.FLAG_TRUNCATED). */
    public static boolean truncated(ByteBuffer b, int at) {
        return (b.getShort(at + EV_FLAGS) & KernelAbi.FLAG_TRUNCATED) != 0;
    }

    /**
     * Whether the record is whole: at least a header, and the ext and packet bytes it claims,
     * within {@code size}. A record that is not is decoded, which says what is wrong.
     */
    public static boolean whole(ByteBuffer b, int at, int size) {
        if (size < EVENT_SIZE) {
            return false;
        }
        int capLen = b.getInt(at + EV_CAP_LEN);
        int extLen = b.getInt(at + EV_EXT_LEN);
        return capLen >= 0 && extLen >= 0 && (long) capLen + extLen <= size - EVENT_SIZE;
    }

    /** The NUL-padded 16-byte name at {@code offset}, as the String decoded last time for the same bytes. */
    private String deviceName(ByteBuffer b, int offset) {
        long w0 = b.getLong(offset);
        long w1 = b.getLong(offset + 8);
        long h = (w0 ^ (w1 * 0x9E3779B97F4A7C15L)) * 0x9E3779B97F4A7C15L;
        int slot = (int) (h >>> 58); // top 6 bits: 0..63
        String known = names[slot];
        if (known != null && nameWords[2 * slot] == w0 && nameWords[2 * slot + 1] == w1) {
            return known;
        }
        String name = KernelAbi.cString(b, offset, DEVNAME_LEN);
        names[slot] = name;
        nameWords[2 * slot] = w0;
        nameWords[2 * slot + 1] = w1;
        return name;
    }
}

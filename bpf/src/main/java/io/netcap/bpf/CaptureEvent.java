package io.netcap.bpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One packet as the kernel sent it: the fields of {@code struct netcap_event} (netcap_event.h,
 * whose _Static_asserts pin the offsets used here) and a copy of the captured bytes.
 *
 * @param monotonicNanos bpf_ktime_get_ns() at capture (CLOCK_MONOTONIC)
 * @param stackId        id in the stack map, or {@link #NO_STACK}
 */
public record CaptureEvent(long monotonicNanos, long skb, int hook, int wireLength, int ifindex,
                           long netnsInode, int stackId, int cpu, int reason, int linkType,
                           String device, byte[] data) {
    public static final int HEADER_SIZE = 72;
    public static final int NO_STACK = -1;
    public static final int LINKTYPE_ETHERNET = 1;
    public static final int LINKTYPE_RAW = 101;

    /** Decodes a record of {@code size} bytes at the buffer's position (host byte order). */
    public static CaptureEvent decode(ByteBuffer record, int size) {
        ByteBuffer b = record.duplicate().order(ByteOrder.nativeOrder());
        int base = b.position();
        if (size < HEADER_SIZE) {
            throw new IllegalArgumentException("short event record: " + size + " bytes");
        }
        int capLen = b.getInt(base + 24);
        if (capLen < 0 || capLen > size - HEADER_SIZE) {
            throw new IllegalArgumentException("event record claims " + capLen + " bytes but has " + (size - HEADER_SIZE));
        }
        byte[] name = new byte[16];
        b.get(base + 56, name);
        int nameLen = 0;
        while (nameLen < name.length && name[nameLen] != 0) {
            nameLen++;
        }
        byte[] data = new byte[capLen];
        b.get(base + HEADER_SIZE, data);
        return new CaptureEvent(
                b.getLong(base),
                b.getLong(base + 8),
                b.getInt(base + 16),
                b.getInt(base + 20),
                b.getInt(base + 28),
                Integer.toUnsignedLong(b.getInt(base + 32)),
                b.getInt(base + 36),
                b.getInt(base + 40),
                b.getInt(base + 44),
                Short.toUnsignedInt(b.getShort(base + 48)),
                new String(name, 0, nameLen, StandardCharsets.UTF_8),
                data);
    }

    public int capturedLength() {
        return data.length;
    }
}

package io.netcap.pcap;

import java.util.List;
import java.util.Objects;

/**
 * One packet captured in the kernel, as handed from the capture loop to writers and displays.
 *
 * <p>The captured bytes are {@code data[offset, offset + length)}; the array may be a reused
 * buffer, so consumers that keep a packet beyond the call they received it in must copy the
 * bytes (see {@link #copy()}). Nothing here copies on construction: one record per packet is
 * the only allocation.
 *
 * <p>Only {@code timestampNanos}, {@code linkType}, {@code wireLength} and the bytes are
 * written to pcap. The rest is netcap's own metadata for display and JSON output:
 * {@code hook} (the kernel function or tracepoint the packet was seen at), {@code ifindex} and
 * {@code device}, {@code netnsInode}, {@code skbAddress}, {@code cpu} and {@code stack}
 * (symbolised kernel frames, outermost last; empty when stacks were not requested),
 * {@code reasonLabel} and {@code reason} (why the kernel did what the hook reports, e.g.
 * {@code drop_reason} NETFILTER_DROP or {@code reset_reason} NO_SOCKET: the label names the
 * kind of reason, and is the reason's JSON field name). Absent metadata is {@code null},
 * {@code 0} ({@code ifindex}, {@code netnsInode}, {@code skbAddress}) or {@code -1} ({@code cpu}).
 *
 * @param timestampNanos wall-clock time, nanoseconds since the Unix epoch
 * @param linkType       pcap LINKTYPE of the bytes, see {@link LinkType}
 * @param wireLength     length of the packet on the wire; may exceed {@code length} when the
 *                       capture was truncated. Values below {@code length} are raised to it.
 * @param truncated      the kernel could not read every byte up to the snap length (bytes in
 *                       page fragments at a hook that reads only the linear part): the record is
 *                       shorter than -s asked for, not by choice
 * @param user           for a packet taken in a user process (netcap mbuf, netcap raw): which
 *                       process, DPDK port and buffer; null for a kernel sk_buff, whose device,
 *                       namespace and skb address are the fields above
 * @param notes          what else netcap learnt about the packet (--gather delays, extension
 *                       fields), shown under it in every output, in this order; empty for none
 */
public record CapturedPacket(
        long timestampNanos,
        int linkType,
        int wireLength,
        byte[] data,
        int offset,
        int length,
        String hook,
        int ifindex,
        String device,
        long netnsInode,
        long skbAddress,
        int cpu,
        List<String> stack,
        String direction,
        String reasonLabel,
        String reason,
        boolean truncated,
        UserOrigin user,
        List<PacketNote> notes) {

    /**
     * Where a user-space packet came from.
     *
     * @param pid          the process (tgid) the probe fired in
     * @param port         the mbuf's DPDK port, or -1 for a raw buffer
     * @param addressLabel what {@code address} is: "mbuf" (the rte_mbuf) or "buffer" (the data)
     * @param address      its address in the process
     */
    public record UserOrigin(int pid, int port, String addressLabel, long address) {
    }

    /** A kernel packet: no user-space origin, no notes. */
    public CapturedPacket(long timestampNanos, int linkType, int wireLength, byte[] data, int offset, int length,
                          String hook, int ifindex, String device, long netnsInode, long skbAddress, int cpu,
                          List<String> stack, String direction, String reasonLabel, String reason, boolean truncated) {
        this(timestampNanos, linkType, wireLength, data, offset, length, hook, ifindex, device, netnsInode, skbAddress,
                cpu, stack, direction, reasonLabel, reason, truncated, null, List.of());
    }

    public CapturedPacket {
        Objects.requireNonNull(data, "data");
        Objects.checkFromIndexSize(offset, length, data.length);
        if (wireLength < length) {
            wireLength = length;
        }
        stack = stack == null ? List.of() : stack;
        notes = notes == null ? List.of() : List.copyOf(notes);
        if ((reasonLabel == null) != (reason == null)) {
            throw new IllegalArgumentException("a reason needs its label, and a label its reason");
        }
    }

    /** A packet without metadata whose bytes are the whole array. */
    public static CapturedPacket of(long timestampNanos, int linkType, byte[] data) {
        return new CapturedPacket(timestampNanos, linkType, data.length, data, 0, data.length,
                null, 0, null, 0, 0, -1, List.of(), null, null, null, false);
    }

    /** A packet without metadata whose bytes are a slice of {@code data}. */
    public static CapturedPacket of(long timestampNanos, int linkType, int wireLength,
                                    byte[] data, int offset, int length) {
        return new CapturedPacket(timestampNanos, linkType, wireLength, data, offset, length,
                null, 0, null, 0, 0, -1, List.of(), null, null, null, false);
    }

    /** The byte at {@code index} of the captured slice, as an unsigned value. */
    public int byteAt(int index) {
        Objects.checkIndex(index, length);
        return data[offset + index] & 0xff;
    }

    /** A copy of the captured bytes (exactly {@code length} long). */
    public byte[] bytes() {
        byte[] copy = new byte[length];
        System.arraycopy(data, offset, copy, 0, length);
        return copy;
    }

    /** This packet with its bytes copied out of a possibly reused buffer. */
    public CapturedPacket copy() {
        return new CapturedPacket(timestampNanos, linkType, wireLength, bytes(), 0, length,
                hook, ifindex, device, netnsInode, skbAddress, cpu, stack, direction, reasonLabel, reason, truncated, user,
                notes);
    }

    /** This packet with {@code more} notes after its own. */
    public CapturedPacket withNotes(List<PacketNote> more) {
        List<PacketNote> all = new java.util.ArrayList<>(notes);
        all.addAll(more);
        return new CapturedPacket(timestampNanos, linkType, wireLength, data, offset, length,
                hook, ifindex, device, netnsInode, skbAddress, cpu, stack, direction, reasonLabel, reason, truncated, user,
                all);
    }

    /**
     * The lines a display prints under this packet: the reason its hook gave, where there is one
     * ({@code drop_reason NETFILTER_DROP} at kfree_skb: tcpdump's line cannot say it, and it is
     * what a drop hook is watched for), then {@link #extraLines}.
     */
    public List<String> displayLines(boolean colour) {
        List<String> extra = extraLines(colour);
        if (reason == null) {
            return extra;
        }
        List<String> lines = new java.util.ArrayList<>(extra.size() + 1);
        lines.add("\t" + reasonLabel + " " + reason);
        lines.addAll(extra);
        return lines;
    }

    /** The lines printed under this packet: its stack frames (indented), then each note's lines. */
    public List<String> extraLines(boolean colour) {
        if (stack.isEmpty() && notes.isEmpty()) {
            return List.of();
        }
        List<String> lines = new java.util.ArrayList<>();
        stack.forEach(frame -> lines.add("\t" + frame));
        for (PacketNote note : notes) {
            TextColor c = colour ? note.color() : null;
            note.lines().forEach(line -> lines.add(c == null ? line : c.paint(line)));
        }
        return lines;
    }
}

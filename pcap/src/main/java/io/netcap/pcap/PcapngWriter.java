package io.netcap.pcap;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Streams packets as a pcapng file, the format of the IETF draft "PCAP Next Generation (pcapng)
 * Capture File Format" (draft-ietf-opsawg-pcapng; section numbers below are its), little-endian.
 * pcap4j, the project's packet library, reads and writes only classic pcap, hence this writer.
 *
 * <ul>
 *   <li>One Section Header Block (4.1) with shb_hardware, shb_os and shb_userappl (netcap's
 *       version and command line) and an unspecified section length.</li>
 *   <li>One Interface Description Block (4.2) per (network namespace, device, link type) netcap
 *       has seen packets of, written just before the first such packet, named
 *       {@code DEVICE@netns:INODE} (if_name), with if_tsresol 9 (nanoseconds) and the -s snap
 *       length. Packets taken in a process (netcap mbuf/raw) get one per process and DPDK port:
 *       {@code port0@pid:4242}, or {@code buffer@pid:4243}. Every interface is Ethernet:
 *       raw-IP packets (L3 hooks, tunnel devices) get the same made-up Ethernet header as in a
 *       pcap file ({@link SyntheticEthernet}), and their interface (a block of its own) says so
 *       in its if_description. pcapng allows a link type per interface, but libpcap, and so
 *       tcpdump -r, stops at the first interface whose link type differs from the first one's
 *       ("an interface has a type 101 different from the type of the first interface"), and a
 *       file tcpdump cannot read is worse than a made-up header.</li>
 *   <li>One Enhanced Packet Block (4.3) per packet: its interface, nanosecond timestamp, the
 *       bytes (cut to the snap length, the wire length kept), and the options epb_flags
 *       (inbound/outbound, where the hook tells) and opt_comment ({@link PacketComment}: hook,
 *       namespace, skb, CPU, drop reason, -S stack, notes).</li>
 * </ul>
 * Buffered as {@link PcapWriter} is (whole blocks; a file cut back to its last whole block if a
 * write fails). Not thread-safe: one capture loop owns a writer.
 */
public final class PcapngWriter extends RecordFile {
    static final int SECTION_HEADER = 0x0A0D0D0A;
    static final int INTERFACE_DESCRIPTION = 0x00000001;
    static final int ENHANCED_PACKET = 0x00000006;
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    static final int OPT_ENDOFOPT = 0;
    static final int OPT_COMMENT = 1;
    static final int SHB_HARDWARE = 2;
    static final int SHB_OS = 3;
    static final int SHB_USERAPPL = 4;
    static final int IF_NAME = 2;
    static final int IF_DESCRIPTION = 3;
    static final int IF_TSRESOL = 9;
    static final int EPB_FLAGS = 2;
    /** epb_flags bits 0-1 (section 4.3.1): 01 inbound, 10 outbound. */
    static final int INBOUND = 1;
    static final int OUTBOUND = 2;
    /** An option's value is at most this long (its length is 16 bits). */
    static final int MAX_OPTION_LENGTH = 0xffff;

    /** Which interface block a packet belongs to. */
    private record InterfaceKey(String name, int linkType) {
    }

    private final int snapLength;
    private final Map<InterfaceKey, Integer> interfaces = new HashMap<>();

    /** Writes to {@code out}, which this writer closes on {@link #close()}. */
    public PcapngWriter(OutputStream out, int snapLength, PcapngSection section) {
        this(RecordOutput.of(out), snapLength, section);
    }

    private PcapngWriter(RecordOutput out, int snapLength, PcapngSection section) {
        super(out, "pcapng");
        if (snapLength < 1 || snapLength > PcapWriter.MAX_SNAP_LENGTH) {
            throw new IllegalArgumentException("snap length must be 1.." + PcapWriter.MAX_SNAP_LENGTH
                    + ", not " + snapLength);
        }
        this.snapLength = snapLength;
        Objects.requireNonNull(section, "section");
        byte[] hardware = utf8(section.hardware());
        byte[] os = utf8(section.os());
        byte[] application = utf8(section.application());
        int length = 28 + option(hardware) + option(os) + option(application) + 4;
        try {
            out.begin(length);
        } catch (IOException e) {
            throw new IllegalStateException("a new buffer has room for the section header", e);
        }
        out.putInt(SECTION_HEADER);
        out.putInt(length);
        out.putInt(BYTE_ORDER_MAGIC);
        out.putShort(1); // major version
        out.putShort(0); // minor version
        out.putInt(-1); // section length: not specified (64 bits of all ones)
        out.putInt(-1);
        putOption(SHB_HARDWARE, hardware);
        putOption(SHB_OS, os);
        putOption(SHB_USERAPPL, application);
        out.putInt(OPT_ENDOFOPT); // opt_endofopt: code 0, length 0
        out.putInt(length);
        out.end(false);
    }

    /** Writes to {@code out} (a file, a stream, or a test's destination). */
    static PcapngWriter over(RecordOutput out, int snapLength, PcapngSection section) {
        return new PcapngWriter(out, snapLength, section);
    }

    /**
     * Creates (or truncates) {@code path} and writes the section header to it at once, so that
     * a file that cannot be written is reported before the capture starts.
     *
     * @throws IOException with a one-line message such as {@code cannot write /x/y.pcapng: Permission denied}
     */
    public static PcapngWriter open(Path path, int snapLength, PcapngSection section) throws IOException {
        if (snapLength < 1 || snapLength > PcapWriter.MAX_SNAP_LENGTH) { // before the file is created
            throw new IllegalArgumentException("snap length must be 1.." + PcapWriter.MAX_SNAP_LENGTH
                    + ", not " + snapLength);
        }
        RecordOutput out = RecordOutput.create(path);
        PcapngWriter w = new PcapngWriter(out, snapLength, section);
        PcapWriter.flushHeader(out);
        return w;
    }

    @Override
    public void write(CapturedPacket p) throws IOException {
        ensureOpen();
        int linkType = p.linkType();
        if (linkType != LinkType.ETHERNET && !LinkType.isRawIp(linkType)) {
            throw new IllegalArgumentException("cannot write link type " + linkType
                    + " (only 1 Ethernet and 101/228/229 raw IP)");
        }
        int interfaceId = interfaceFor(p);
        byte[] comment = utf8(PacketComment.of(p));
        if (comment != null && comment.length > MAX_OPTION_LENGTH) {
            comment = cut(comment);
        }
        int flags = "in".equals(p.direction()) ? INBOUND : "out".equals(p.direction()) ? OUTBOUND : 0;
        int header = LinkType.isRawIp(linkType) ? PcapFormat.ETHERNET_HEADER_LENGTH : 0;
        int capLen = Math.min(p.length() + header, snapLength);
        int headerLen = Math.min(header, capLen); // -s below 14 cuts even the made-up header
        int padded = (capLen + 3) & ~3;
        int length = 28 + padded + option(comment) + (flags != 0 ? 8 : 0) + (comment != null || flags != 0 ? 4 : 0) + 4;
        out.begin(length);
        out.putInt(ENHANCED_PACKET);
        out.putInt(length);
        out.putInt(interfaceId);
        long ts = p.timestampNanos(); // if_tsresol 9: nanoseconds since 1970
        out.putInt((int) (ts >>> 32));
        out.putInt((int) ts);
        out.putInt(capLen);
        out.putInt((int) Math.min((long) p.wireLength() + header, 0xffffffffL));
        if (headerLen != 0) {
            out.putSyntheticEthernet(SyntheticEthernet.etherTypeFor(linkType, p.data(), p.offset(), p.length()),
                    headerLen);
        }
        out.putBytes(p.data(), p.offset(), capLen - headerLen);
        out.pad(capLen);
        putOption(OPT_COMMENT, comment);
        if (flags != 0) {
            out.putShort(EPB_FLAGS);
            out.putShort(4);
            out.putInt(flags);
        }
        if (comment != null || flags != 0) {
            out.putInt(OPT_ENDOFOPT);
        }
        out.putInt(length);
        out.end(true);
        packetWritten();
    }

    /** The interface id for this packet's device and namespace, writing its block the first time. */
    private int interfaceFor(CapturedPacket p) throws IOException {
        InterfaceKey key = new InterfaceKey(interfaceName(p), p.linkType());
        Integer id = interfaces.get(key);
        if (id != null) {
            return id;
        }
        byte[] name = utf8(key.name());
        byte[] description = utf8(interfaceDescription(p));
        int length = 16 + option(name) + option(description) + 8 + 4 + 4;
        out.begin(length);
        out.putInt(INTERFACE_DESCRIPTION);
        out.putInt(length);
        out.putShort(LinkType.ETHERNET); // raw IP too, with a made-up header: see the class comment
        out.putShort(0); // reserved
        out.putInt(snapLength);
        putOption(IF_NAME, name);
        putOption(IF_DESCRIPTION, description);
        out.putShort(IF_TSRESOL);
        out.putShort(1);
        out.putInt(9); // 10^-9 s, then 3 bytes of padding (little-endian: the 9 comes first)
        out.putInt(OPT_ENDOFOPT);
        out.putInt(length);
        out.end(false);
        id = interfaces.size();
        interfaces.put(key, id);
        return id;
    }

    /** e.g. {@code veth0@netns:4026532281}, {@code port0@pid:4242}, {@code buffer@pid:4243}. */
    static String interfaceName(CapturedPacket p) {
        if (p.user() != null) {
            String what = p.user().port() >= 0 ? "port" + p.user().port() : p.user().addressLabel();
            return what + "@pid:" + p.user().pid();
        }
        String device = p.device() == null || p.device().isEmpty() ? "nodev" : p.device();
        return device + "@netns:" + p.netnsInode();
    }

    private static String interfaceDescription(CapturedPacket p) {
        if (p.user() != null) {
            return (p.user().port() >= 0
                    ? "DPDK port " + p.user().port() + " of process " + p.user().pid()
                    : "buffers of process " + p.user().pid()) + rawNote(p);
        }
        String device = p.device() == null || p.device().isEmpty() ? "no device" : "device " + p.device();
        return device + (p.ifindex() != 0 ? " (ifindex " + p.ifindex() + ")" : "")
                + " in network namespace " + p.netnsInode() + rawNote(p);
    }

    private static String rawNote(CapturedPacket p) {
        return LinkType.isRawIp(p.linkType())
                ? "; raw IP packets, each with a made-up Ethernet header (zero MAC addresses)" : "";
    }

    /** Bytes an option with this value takes: 4 of code and length, the value padded to 4; none for null. */
    private static int option(byte[] value) {
        return value == null ? 0 : 4 + ((value.length + 3) & ~3);
    }

    private void putOption(int code, byte[] value) {
        if (value == null) {
            return;
        }
        out.putShort(code);
        out.putShort(value.length);
        out.putBytes(value, 0, value.length);
        out.pad(value.length);
    }

    private static byte[] utf8(String s) {
        return s == null || s.isEmpty() ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /** A comment too long for one option, cut on a character boundary, saying so. */
    private static byte[] cut(byte[] comment) {
        byte[] mark = "\n[comment cut to 65535 bytes]".getBytes(StandardCharsets.UTF_8);
        int keep = MAX_OPTION_LENGTH - mark.length;
        while (keep > 0 && (comment[keep] & 0xc0) == 0x80) {
            keep--; // do not split a UTF-8 sequence
        }
        byte[] cut = new byte[keep + mark.length];
        System.arraycopy(comment, 0, cut, 0, keep);
        System.arraycopy(mark, 0, cut, keep, mark.length);
        return cut;
    }
}

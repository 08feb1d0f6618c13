package io.netcap.e2e;

import io.netcap.pcap.CapturedPacket;
import io.netcap.pcap.LinkType;
import io.netcap.pcap.PcapWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Ethernet/IPv4/UDP frames built byte by byte, and pcap files of them: the known input that the
 * user-space capture tests feed to the DPDK test application and compare netcap's output with.
 */
final class TestFrames {
    /** Source and destination of every frame: the benchmark range, never routed. */
    static final String SRC_IP = "198.18.255.1";
    static final String DST_IP = "198.18.255.2";
    /** UDP payload sizes the mixed set cycles through: from a minimum-size frame to a full one. */
    static final int[] PAYLOAD_SIZES = {6, 100, 300, 1000, 1472};

    private TestFrames() {
    }

    /**
     * One frame: Ethernet (02:00:00:00:00:02 from 02:00:00:00:00:01), IPv4 (TTL 64, id {@code id},
     * correct header checksum), UDP (checksum 0: none) with {@code payload} bytes {@code (id + i) & 0xff}.
     *
     * @return the frame, 42 + payload bytes
     */
    static byte[] udp(int id, int srcPort, int dstPort, int payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 8 + payload);
        b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).putShort((short) 0x0800);
        int ip = b.position();
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + 8 + payload)).putShort((short) id).putShort((short) 0)
                .put((byte) 64).put((byte) 17).putShort((short) 0).put(address(SRC_IP)).put(address(DST_IP));
        b.putShort(ip + 10, (short) ipChecksum(b.array(), ip));
        b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) (8 + payload)).putShort((short) 0);
        for (int i = 0; i < payload; i++) {
            b.put((byte) (id + i));
        }
        return b.array();
    }

    /**
     * {@code count} frames of the sizes in {@link #PAYLOAD_SIZES} in turn; even-numbered frames go to
     * UDP port 9, odd ones to port 7; frame i comes from port 40000 + i and has IP id i.
     */
    static List<byte[]> mixed(int count) {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            frames.add(udp(i, 40000 + i, i % 2 == 0 ? 9 : 7, PAYLOAD_SIZES[i % PAYLOAD_SIZES.length]));
        }
        return frames;
    }

    /** Writes the frames as an Ethernet pcap, 1 µs apart from 1 s after the epoch. */
    static Path writePcap(Path file, List<byte[]> frames) throws IOException {
        try (PcapWriter w = PcapWriter.open(file, PcapWriter.MAX_SNAP_LENGTH)) {
            long t = 1_000_000_000L;
            for (byte[] f : frames) {
                w.write(CapturedPacket.of(t, LinkType.ETHERNET, f));
                t += 1000;
            }
        }
        return file;
    }

    private static byte[] address(String dotted) {
        String[] parts = dotted.split("\\.");
        byte[] a = new byte[4];
        for (int i = 0; i < 4; i++) {
            a[i] = (byte) Integer.parseInt(parts[i]);
        }
        return a;
    }

    private static int ipChecksum(byte[] b, int off) {
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return ~sum & 0xffff;
    }
}

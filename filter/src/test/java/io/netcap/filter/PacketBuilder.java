package io.netcap.filter;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Byte-level packet assembly for tests. Each {@code header} call appends one protocol header and
 * records where it ends, so a test can truncate the packet at every header boundary.
 */
final class PacketBuilder {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final List<Integer> boundaries = new ArrayList<>();

    /** A finished packet: its bytes and the offsets at which its headers end. */
    record Packet(String description, byte[] bytes, List<Integer> boundaries) {}

    PacketBuilder u8(int v) {
        bytes.write(v & 0xff);
        return this;
    }

    PacketBuilder u16(int v) {
        return u8(v >>> 8).u8(v);
    }

    PacketBuilder u32(long v) {
        return u16((int) (v >>> 16)).u16((int) v);
    }

    PacketBuilder raw(byte[] data) {
        bytes.writeBytes(data);
        return this;
    }

    PacketBuilder zeros(int n) {
        return raw(new byte[n]);
    }

    /** Marks the end of a header (or payload) at the current length. */
    PacketBuilder boundary() {
        boundaries.add(bytes.size());
        return this;
    }

    int length() {
        return bytes.size();
    }

    Packet build(String description) {
        boundary();
        return new Packet(description, bytes.toByteArray(), List.copyOf(boundaries));
    }

    // ---- link layer ----

    PacketBuilder ethernet(String dst, String src, int etherType) {
        return raw(mac(dst)).raw(mac(src)).u16(etherType).boundary();
    }

    PacketBuilder vlanTag(int vid, int innerType) {
        return u16(vid & 0xfff).u16(innerType).boundary();
    }

    PacketBuilder arp(int op, String senderMac, String senderIp, String targetMac, String targetIp) {
        return u16(1).u16(0x0800).u8(6).u8(4).u16(op)
                .raw(mac(senderMac)).raw(ipv4(senderIp)).raw(mac(targetMac)).raw(ipv4(targetIp)).boundary();
    }

    // ---- network layer ----

    /**
     * IPv4 header. {@code options} must be a multiple of 4 bytes; {@code payloadLength} is what
     * the total-length field claims follows the header.
     */
    PacketBuilder ipv4(String src, String dst, int protocol, int payloadLength, byte[] options, int flagsAndFragment) {
        int ihl = 5 + options.length / 4;
        return u8(0x40 | ihl).u8(0).u16(ihl * 4 + payloadLength).u16(0x1234).u16(flagsAndFragment)
                .u8(64).u8(protocol).u16(0).raw(ipv4(src)).raw(ipv4(dst)).raw(options).boundary();
    }

    PacketBuilder ipv4(String src, String dst, int protocol, int payloadLength) {
        return ipv4(src, dst, protocol, payloadLength, new byte[0], 0x4000);
    }

    PacketBuilder ipv6(String src, String dst, int nextHeader, int payloadLength) {
        return u32(0x60000000L).u16(payloadLength).u8(nextHeader).u8(64).raw(ipv6(src)).raw(ipv6(dst)).boundary();
    }

    /** Hop-by-hop (0), routing (43) or destination options (60): length in 8-byte units beyond the first. */
    PacketBuilder ipv6Extension(int nextHeader, int extraUnits) {
        u8(nextHeader).u8(extraUnits);
        return zeros(6 + 8 * extraUnits).boundary();
    }

    PacketBuilder ipv6Fragment(int nextHeader, int offsetUnits, boolean more) {
        return u8(nextHeader).u8(0).u16((offsetUnits << 3) | (more ? 1 : 0)).u32(0xabcdef01L).boundary();
    }

    /** Authentication header: payload length field counts 4-byte words minus 2. */
    PacketBuilder ipv6Auth(int nextHeader) {
        return u8(nextHeader).u8(4).u16(0).u32(0x100).u32(1).zeros(12).boundary();
    }

    // ---- transport layer ----

    PacketBuilder tcp(int sport, int dport, int flags, int optionBytes) {
        int dataOffset = 5 + optionBytes / 4;
        u16(sport).u16(dport).u32(1000).u32(flags == 0x02 ? 0 : 2000).u8(dataOffset << 4).u8(flags)
                .u16(65535).u16(0).u16(0);
        return zeros(optionBytes).boundary();
    }

    PacketBuilder udp(int sport, int dport, int payloadLength) {
        return u16(sport).u16(dport).u16(8 + payloadLength).u16(0).boundary();
    }

    PacketBuilder icmp(int type, int code) {
        return u8(type).u8(code).u16(0).u32(0x00010001L).boundary();
    }

    PacketBuilder icmp6(int type, int code) {
        return u8(type).u8(code).u16(0).u32(0).boundary();
    }

    PacketBuilder sctp(int sport, int dport) {
        return u16(sport).u16(dport).u32(0x11223344L).u32(0).boundary()
                .u8(1).u8(0).u16(20).zeros(16).boundary(); // INIT chunk
    }

    PacketBuilder gre(int protocol) {
        return u16(0).u16(protocol).boundary();
    }

    PacketBuilder payload(int n) {
        for (int i = 0; i < n; i++) {
            u8(0x41 + i % 26);
        }
        return this;
    }

    // ---- addresses ----

    static byte[] mac(String text) {
        String[] parts = text.split(":");
        byte[] out = new byte[6];
        for (int i = 0; i < 6; i++) {
            out[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return out;
    }

    static byte[] ipv4(String text) {
        String[] parts = text.split("\\.");
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            out[i] = (byte) Integer.parseInt(parts[i]);
        }
        return out;
    }

    static byte[] ipv6(String text) {
        try {
            return java.net.InetAddress.getByName(text).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}

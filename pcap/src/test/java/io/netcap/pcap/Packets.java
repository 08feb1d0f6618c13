package io.netcap.pcap;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Small byte builders for test packets: each method returns one header plus its payload. */
final class Packets {
    static final int TCP_FIN = 0x01;
    static final int TCP_SYN = 0x02;
    static final int TCP_RST = 0x04;
    static final int TCP_PSH = 0x08;
    static final int TCP_ACK = 0x10;

    private Packets() {
    }

    static byte[] ethernet(String dstMac, String srcMac, int etherType, byte[] payload) {
        Bytes b = new Bytes();
        b.mac(dstMac).mac(srcMac).u16(etherType).raw(payload);
        return b.toArray();
    }

    /** Ethernet with one 802.1Q tag. */
    static byte[] vlan(String dstMac, String srcMac, int vlanId, int etherType, byte[] payload) {
        Bytes b = new Bytes();
        b.mac(dstMac).mac(srcMac).u16(0x8100).u16(vlanId & 0x0fff).u16(etherType).raw(payload);
        return b.toArray();
    }

    static byte[] ipv4(String src, String dst, int protocol, byte[] payload) {
        Bytes b = new Bytes();
        b.u8(0x45).u8(0).u16(20 + payload.length).u16(0x1234).u16(0x4000).u8(64).u8(protocol)
                .u16(0).raw(address(src)).raw(address(dst));
        byte[] header = b.toArray();
        int sum = checksum(header);
        header[10] = (byte) (sum >>> 8);
        header[11] = (byte) sum;
        return new Bytes().raw(header).raw(payload).toArray();
    }

    /** IPv4 with a chosen flags-and-fragment-offset field and total length (for fragments). */
    static byte[] ipv4(String src, String dst, int protocol, int flagsAndOffset, int totalLength, byte[] payload) {
        Bytes b = new Bytes();
        b.u8(0x45).u8(0).u16(totalLength).u16(0x1234).u16(flagsAndOffset).u8(64).u8(protocol)
                .u16(0).raw(address(src)).raw(address(dst));
        byte[] header = b.toArray();
        int sum = checksum(header);
        header[10] = (byte) (sum >>> 8);
        header[11] = (byte) sum;
        return new Bytes().raw(header).raw(payload).toArray();
    }

    /** An IPv6 fragment header (8 bytes) then the fragment. */
    static byte[] ipv6Fragment(int nextHeader, int offsetBytes, boolean more, byte[] payload) {
        Bytes b = new Bytes();
        b.u8(nextHeader).u8(0).u16(offsetBytes | (more ? 1 : 0)).u32(0xabcd).raw(payload);
        return b.toArray();
    }

    /** TCP with every field chosen; {@code options} a multiple of 4 bytes. */
    static byte[] tcp(int srcPort, int dstPort, int flags, long seq, long ack, int window, byte[] options,
                      byte[] payload) {
        Bytes b = new Bytes();
        b.u16(srcPort).u16(dstPort).u32((int) seq).u32((int) ack)
                .u8((5 + options.length / 4) << 4).u8(flags).u16(window).u16(0).u16(0).raw(options).raw(payload);
        return b.toArray();
    }

    /** ICMP or ICMPv6 of any type: type, code, zero checksum, then {@code rest}. */
    static byte[] icmp(int type, int code, byte[] rest) {
        return new Bytes().u8(type).u8(code).u16(0).raw(rest).toArray();
    }

    static byte[] arpReply(String senderMac, String senderIp, String targetMac, String targetIp) {
        Bytes b = new Bytes();
        b.u16(1).u16(0x0800).u8(6).u8(4).u16(2).mac(senderMac).raw(address(senderIp))
                .mac(targetMac).raw(address(targetIp));
        return b.toArray();
    }

    /** Ethernet with an 802.1ad tag outside an 802.1Q tag. */
    static byte[] qinq(String dstMac, String srcMac, int outerId, int innerId, int etherType, byte[] payload) {
        Bytes b = new Bytes();
        b.mac(dstMac).mac(srcMac).u16(0x88a8).u16(outerId & 0x0fff).u16(0x8100).u16(innerId & 0x0fff)
                .u16(etherType).raw(payload);
        return b.toArray();
    }

    static byte[] ipv6(String src, String dst, int nextHeader, byte[] payload) {
        Bytes b = new Bytes();
        b.u32(0x60000000).u16(payload.length).u8(nextHeader).u8(64)
                .raw(address(src)).raw(address(dst)).raw(payload);
        return b.toArray();
    }

    static byte[] tcp(int srcPort, int dstPort, int flags, byte[] payload) {
        Bytes b = new Bytes();
        b.u16(srcPort).u16(dstPort).u32(1000).u32((flags & TCP_ACK) != 0 ? 2000 : 0)
                .u8(5 << 4).u8(flags).u16(65535).u16(0).u16(0).raw(payload);
        return b.toArray();
    }

    static byte[] udp(int srcPort, int dstPort, byte[] payload) {
        Bytes b = new Bytes();
        b.u16(srcPort).u16(dstPort).u16(8 + payload.length).u16(0).raw(payload);
        return b.toArray();
    }

    /** ICMP or ICMPv6 echo request/reply (the caller picks the type). */
    static byte[] icmpEcho(int type, int id, int sequence) {
        Bytes b = new Bytes();
        b.u8(type).u8(0).u16(0).u16(id).u16(sequence).raw(new byte[] {'p', 'i', 'n', 'g'});
        return b.toArray();
    }

    static byte[] arpRequest(String senderMac, String senderIp, String targetIp) {
        Bytes b = new Bytes();
        b.u16(1).u16(0x0800).u8(6).u8(4).u16(1).mac(senderMac).raw(address(senderIp))
                .mac("00:00:00:00:00:00").raw(address(targetIp));
        return b.toArray();
    }

    static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    static byte[] cut(byte[] packet, int length) {
        return java.util.Arrays.copyOf(packet, length);
    }

    static byte[] address(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress(); // literals only: no DNS
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    private static int checksum(byte[] header) {
        int sum = 0;
        for (int i = 0; i < header.length; i += 2) {
            sum += ((header[i] & 0xff) << 8) | (header[i + 1] & 0xff);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return ~sum & 0xffff;
    }

    /** Big-endian byte appender. */
    static final class Bytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes u8(int v) {
            out.write(v);
            return this;
        }

        Bytes u16(int v) {
            return u8(v >>> 8).u8(v);
        }

        Bytes u32(int v) {
            return u16(v >>> 16).u16(v);
        }

        Bytes raw(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        Bytes mac(String mac) {
            for (String part : mac.split(":")) {
                u8(Integer.parseInt(part, 16));
            }
            return this;
        }

        byte[] toArray() {
            return out.toByteArray();
        }
    }
}

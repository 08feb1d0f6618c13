package io.netcap.capture.program;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Builds packets byte by byte for the filter test. Length fields are written as given by the
 * caller (so a test can also build inconsistent headers); checksums are left zero, no filter
 * looks at them.
 */
final class PacketBytes {
    static final int IPV4 = 0x0800, IPV6 = 0x86dd, ARP = 0x0806, VLAN = 0x8100, QINQ = 0x88a8, LLDP = 0x88cc;
    static final int ICMP = 1, TCP = 6, UDP = 17, GRE = 47, ESP = 50, ICMP6 = 58, SCTP = 132;
    static final int HOP_BY_HOP = 0, ROUTING = 43, FRAGMENT = 44, DEST_OPTS = 60;
    static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, URG = 0x20;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PacketBytes u8(int v) {
        out.write(v);
        return this;
    }

    PacketBytes u16(int v) {
        return u8(v >>> 8).u8(v);
    }

    PacketBytes u32(long v) {
        return u16((int) (v >>> 16)).u16((int) v);
    }

    PacketBytes mac(String mac) {
        for (String part : mac.split(":")) {
            u8(Integer.parseInt(part, 16));
        }
        return this;
    }

    PacketBytes ip(String address) {
        try {
            out.writeBytes(InetAddress.getByName(address).getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(address, e);
        }
        return this;
    }

    /** {@code n} bytes counting up from {@code n}, so payloads differ from each other. */
    PacketBytes payload(int n) {
        for (int i = 0; i < n; i++) {
            u8(n + i);
        }
        return this;
    }

    PacketBytes ethernet(String dst, String src, int type) {
        return mac(dst).mac(src).u16(type);
    }

    /** An 802.1Q (or 802.1ad) tag: TPID was written as the previous ethertype; this is TCI + next type. */
    PacketBytes vlanTag(int priority, int vid, int nextType) {
        return u16(priority << 13 | vid).u16(nextType);
    }

    /** IPv4 header with {@code optionWords} 4-byte words of NOP options. */
    PacketBytes ipv4(String src, String dst, int protocol, int payloadLength, int ttl, int flagsAndOffset,
                     int optionWords) {
        int headerLength = 20 + 4 * optionWords;
        u8(0x40 | headerLength / 4).u8(0).u16(headerLength + payloadLength).u16(0x1234).u16(flagsAndOffset)
                .u8(ttl).u8(protocol).u16(0).ip(src).ip(dst);
        for (int i = 0; i < 4 * optionWords; i++) {
            u8(1);
        }
        return this;
    }

    PacketBytes ipv4(String src, String dst, int protocol, int payloadLength) {
        return ipv4(src, dst, protocol, payloadLength, 64, 0x4000, 0);
    }

    PacketBytes ipv6(String src, String dst, int nextHeader, int payloadLength) {
        return u32(0x60000000L).u16(payloadLength).u8(nextHeader).u8(64).ip(src).ip(dst);
    }

    /** An 8-byte IPv6 extension header (hop-by-hop, routing or destination options). */
    PacketBytes extension(int nextHeader) {
        return u8(nextHeader).u8(0).u16(0).u32(0);
    }

    PacketBytes fragmentHeader(int nextHeader, int offsetAndFlags) {
        return u8(nextHeader).u8(0).u16(offsetAndFlags).u32(0xabcd);
    }

    /** TCP header with {@code optionWords} 4-byte words of NOP options. */
    PacketBytes tcp(int sport, int dport, int flags, int optionWords) {
        u16(sport).u16(dport).u32(1000).u32(0).u8((5 + optionWords) << 4).u8(flags).u16(65535).u16(0).u16(0);
        for (int i = 0; i < 4 * optionWords; i++) {
            u8(1);
        }
        return this;
    }

    PacketBytes udp(int sport, int dport, int payloadLength) {
        return u16(sport).u16(dport).u16(8 + payloadLength).u16(0);
    }

    PacketBytes icmp(int type, int code) {
        return u8(type).u8(code).u16(0).u32(0x00010001);
    }

    PacketBytes arp(int operation, String senderMac, String senderIp, String targetMac, String targetIp) {
        return u16(1).u16(IPV4).u8(6).u8(4).u16(operation).mac(senderMac).ip(senderIp).mac(targetMac).ip(targetIp);
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}

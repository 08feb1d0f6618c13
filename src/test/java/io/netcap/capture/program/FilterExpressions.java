package io.netcap.capture.program;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * tcpdump expressions for tests that need many real filters. They reach every cBPF construct the
 * translator handles: each load width and addressing mode, all ALU operators (division and
 * modulo by a value that may be zero included), IPv6 extension-header loops, VLAN offset changes
 * and long jump chains. The addresses and ports match {@link FilterPackets}.
 */
final class FilterExpressions {
    private FilterExpressions() {
    }

    static List<String> all() {
        List<String> e = new ArrayList<>(List.of(
                "",
                // protocols
                "ip", "ip6", "arp", "rarp", "tcp", "udp", "icmp", "icmp6", "sctp", "ip proto 47", "ip proto 50",
                "ip proto \\tcp", "proto 17", "ip6 proto 58", "ip6 proto 59", "ether proto \\arp", "ip and not tcp",
                // hosts and nets
                "host 10.0.0.1", "host 10.0.0.2", "src host 10.0.0.1", "dst host 8.8.8.8", "src 192.168.1.10",
                "dst 10.0.0.2", "ip host 10.0.0.1", "host 2001:db8::1", "src host 2001:db8::2", "dst host ff02::1:ff00:2",
                "host fe80::1", "arp host 10.0.0.2", "arp src host 10.0.0.1", "rarp host 0.0.0.0", "host 224.0.0.251",
                "dst host 255.255.255.255", "net 10.0.0.0/8", "net 192.168.0.0/16", "src net 10.0.0.0/24",
                "dst net 8.8.0.0/16", "net 2001:db8::/32", "dst net 2001:db8::/64", "ip6 net fe80::/10",
                "net 10.0.0.0 mask 255.255.255.0", "not net 10.0.0.0/8 and ip",
                // ports
                "port 80", "port 53", "src port 53", "dst port 53", "tcp port 80", "udp port 53", "tcp dst port 443",
                "tcp src port 22", "port 67 or port 68", "portrange 1-1023", "tcp portrange 8000-9000",
                "udp portrange 30000-40000", "src portrange 40000-65535", "dst portrange 50-60", "sctp port 38412",
                "ip6 and udp port 53", "ip6 and tcp port 443", "udp port 547", "port 33434",
                // tcp header
                "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn", "tcp[tcpflags] & tcp-syn != 0",
                "tcp[tcpflags] & (tcp-fin|tcp-rst) != 0", "tcp[tcpflags] == tcp-ack|tcp-push", "tcp[13] & 2 == 2",
                "tcp[tcpflags] & tcp-urg != 0", "tcp[12] >> 4 > 5", "tcp[0:2] == 80 or tcp[2:2] == 80",
                "tcp[2:2] >= 1024", "tcp[4:4] == 1000", "tcp[20:4] == 0x01010101", "tcp[13:1] = 0x12",
                // icmp
                "icmp[icmptype] == icmp-echo", "icmp[icmptype] == icmp-echoreply", "icmp[0] == 3 and icmp[1] == 3",
                "icmp[icmptype] != icmp-echo and icmp[icmptype] != icmp-echoreply", "icmp6[icmp6type] == icmp6-echo",
                "icmp6[icmp6type] == icmp6-neighborsolicit", "icmp6 and ip6[40] == 128", "icmp[4:4] == 0x10001",
                // ip header fields
                "ip[2:2] > 100", "ip[2:2] < 60", "ip[0] & 0xf > 5", "ip[0] & 0xf = 5", "ip[6:2] & 0x1fff != 0",
                "ip[6] & 0x20 != 0", "ip[6] & 0x40 != 0", "ip[8] == 64", "ip[8] == 1", "ip[9] == 17",
                "ip[12:4] == 0x0a000001", "ip[2:2] > 100 and ip[2:2] < 300", "udp[4:2] > 100", "udp[8] == 40",
                "udp[8:4] == 0x28292a2b", "ip[100] == 0", "ip[1000:2] != 0",
                // arithmetic
                "ip[2:2] - ((ip[0]&0xf)<<2) > 40", "ip[2:2] - ((ip[0]&0xf)<<2) - ((tcp[12]&0xf0)>>2) > 0",
                "ip[2:2] * 3 > 200", "ip[2:2] / 4 > 20", "ip[2:2] % 7 == 3", "ip[2:2] / (ip[9] & 0xf) > 10",
                "ip[2:2] % (ip[8] - 64) == 1", "ip[2:2] / (ip[8] - 64) == 0", "(ip[0] & 0xf) << 2 == 24",
                "ip[8] >> 1 == 32", "ip[8] << 24 > 0x3f000000", "ip[2:2] & 0xff00 != 0", "ip[2:2] | 1 == 0x29",
                "ip[2:2] ^ 0xffff > 0xff00", "-ip[8] == -64", "ip[8] - 1 == 63", "len - ip[2:2] == 14",
                "ip[2:2] << ip[8] == 0", "ip[2:2] >> (ip[8] - 30) == 0", "ip[2:2] << (ip[9] + 10) != 0",
                "tcp[12:2] * tcp[14:2] > 1000000", "ip[8] * 0 == 0", "ip[2:2] / 1 == ip[2:2]",
                "(ip[16:4] + ip[12:4]) & 0xffff == 3",
                // lengths
                "len > 100", "len <= 64", "less 64", "greater 500", "len == 74", "len < 100 and tcp",
                "greater 100 and udp", "less 64 or greater 1000", "len >= 54 and len <= 60", "len == 0",
                // combinations
                "not tcp", "not ip", "not port 53", "not (tcp or udp)", "! arp", "not host 10.0.0.1 and ip",
                "not ip6 and not ip", "udp port 53 or (tcp and not port 22)", "tcp and (port 80 or port 443)",
                "host 10.0.0.1 and (tcp or icmp)", "(src host 10.0.0.1 and dst port 80) or (src port 80 and dst host 10.0.0.1)",
                "tcp or udp or icmp or icmp6 or arp", "not (ip6 and tcp)", "ip6 or arp",
                // link layer
                "ip multicast", "ip6 multicast", "ether broadcast", "ether multicast", "broadcast", "multicast",
                "ether host 00:11:22:33:44:55", "ether src 00:11:22:33:44:55", "ether dst ff:ff:ff:ff:ff:ff",
                "ether proto 0x88cc", "ether proto 0x0800", "ether[0] & 1 != 0", "ether[12:2] == 0x86dd",
                "ether src 66:77:88:99:aa:bb and ip", "arp and ether src 00:11:22:33:44:55", "ether[6:4] == 0x00112233",
                // vlan
                "vlan", "vlan 100", "vlan 200", "vlan 100 and udp port 53", "vlan and ip6", "vlan and tcp port 80",
                "vlan 10 and vlan 100", "vlan and arp", "vlan and vlan", "not vlan", "vlan 100 or vlan 200",
                "vlan and host 10.0.0.1",
                // IPv6 extension headers
                "ip6 protochain 6", "ip6 protochain 17", "ip6 protochain 58", "protochain 6", "ip protochain 6",
                "ip6 protochain 44", "ip6 protochain 59", "ip6[6] == 0", "ip6[6] == 60", "ip6[6] == 44", "ip6[7] == 64",
                "ip6[4:2] > 20", "ip6 and not ip6 proto 6", "ip6 protochain 6 and tcp port 80",
                "ip6 protochain 6 or ip6 protochain 17"));
        // long chains: many blocks and long jumps
        e.add(IntStream.rangeClosed(1, 25).mapToObj(i -> "port " + (i * 997 % 65536)).collect(Collectors.joining(" or "))
                + " or port 80");
        e.add(IntStream.rangeClosed(1, 22).mapToObj(i -> "host 10.0.0." + (i * 3)).collect(Collectors.joining(" or ")));
        e.add(IntStream.rangeClosed(0, 21).mapToObj(i -> (i % 2 == 0 ? "tcp" : "udp") + " port " + (40 + i))
                .collect(Collectors.joining(" or ")));
        e.add(IntStream.rangeClosed(1, 20).mapToObj(i -> "net 10." + i + ".0.0/16").collect(Collectors.joining(" or "))
                + " or net 192.168.1.0/24");
        e.add(IntStream.rangeClosed(1, 12).mapToObj(i -> "not port " + (1000 + i)).collect(Collectors.joining(" and ")));
        return List.copyOf(e);
    }
}

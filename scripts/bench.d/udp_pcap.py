#!/usr/bin/env python3
"""udp_pcap.py FILE N [PORT_EVERY] -> writes a pcap of N 64-byte Ethernet/IPv4/UDP frames
(14 + 20 + 8 header bytes, 22 payload bytes, no FCS), 198.18.0.1:40000 -> 198.18.0.2, to UDP
port 9 for every PORT_EVERY-th frame (default 2) and port 7 for the others, so that a filter
can select a known share of them. Used by scripts/bench's mbuf test as the DPDK application's input."""
import struct, sys


def checksum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def frame(i, dport):
    payload = struct.pack('!I', i) + b'A' * 18
    udp = struct.pack('!HHHH', 40000, dport, 8 + len(payload), 0) + payload
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), i & 0xffff, 0, 64, 17, 0,
                     bytes([198, 18, 0, 1]), bytes([198, 18, 0, 2]))
    ip = ip[:10] + struct.pack('!H', checksum(ip)) + ip[12:]
    eth = bytes.fromhex('02 00 c6 12 00 02 02 00 c6 12 00 01 08 00')
    return eth + ip + udp


def main(path, n, every):
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i in range(n):
            b = frame(i, 9 if i % every == 0 else 7)
            assert len(b) == 64
            f.write(struct.pack('<IIII', 1700000000 + i // 1000000, i % 1000000, len(b), len(b)))
            f.write(b)


main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 2)

#!/usr/bin/env python3
"""pcap.py FILE [SNAPLEN] -> 'records first_ts truncated short' (first_ts in seconds since the
epoch, '-' if none; truncated = records whose captured length is shorter than both the wire
length and 42 bytes, i.e. that stop before the UDP header; short = records with fewer bytes than
min(wire length, SNAPLEN), SNAPLEN defaulting to 1514)."""
import struct, sys

def main(path, snaplen):
    try:
        data = open(path, 'rb').read()
    except OSError:
        print('0 - 0 0'); return
    if len(data) < 24:
        print('0 - 0 0'); return
    magic = data[:4]
    table = {b'\xd4\xc3\xb2\xa1': ('<', 1e-6), b'\xa1\xb2\xc3\xd4': ('>', 1e-6),
             b'\x4d\x3c\xb2\xa1': ('<', 1e-9), b'\xa1\xb2\x3c\x4d': ('>', 1e-9)}
    if magic not in table:
        print('0 - 0 0'); return
    endian, unit = table[magic]
    hdr = struct.Struct(endian + 'IIII')
    off, n, trunc, short, first = 24, 0, 0, 0, None
    size = len(data)
    while off + 16 <= size:
        sec, frac, incl, orig = hdr.unpack_from(data, off)
        if off + 16 + incl > size:
            break  # a record cut short by the writer's exit
        if first is None:
            first = sec + frac * unit
        if incl < orig and incl < 42:
            trunc += 1
        if incl < min(orig, snaplen):
            short += 1
        n += 1
        off += 16 + incl
    print(n, '-' if first is None else '%.6f' % first, trunc, short)

main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1514)

package io.netcap.pcap;

/**
 * An IPv6 address as inet_ntop(3) of glibc writes it, which tcpdump prints: lower-case groups
 * without leading zeros, the first longest run of two or more zero groups as "::", and the
 * IPv4-mapped and IPv4-compatible forms with a dotted quad ({@code ::ffff:10.0.0.1}).
 * (Java's own text keeps every zero group.)
 */
final class Ipv6Text {
    private Ipv6Text() {
    }

    /** @param a 16 bytes */
    static String of(byte[] a) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        if (bestLength < 2) {
            bestStart = -1;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (bestStart >= 0 && i >= bestStart && i < bestStart + bestLength) {
                if (i == bestStart) {
                    sb.append(':');
                }
                continue;
            }
            if (i != 0) {
                sb.append(':');
            }
            // the last 32 bits of ::a.b.c.d and ::ffff:a.b.c.d as a dotted quad
            if (i == 6 && bestStart == 0 && (bestLength == 6 || (bestLength == 5 && g[5] == 0xffff))) {
                sb.append(a[12] & 0xff).append('.').append(a[13] & 0xff).append('.').append(a[14] & 0xff)
                        .append('.').append(a[15] & 0xff);
                break;
            }
            sb.append(Integer.toHexString(g[i]));
        }
        if (bestStart >= 0 && bestStart + bestLength == 8) {
            sb.append(':');
        }
        return sb.toString();
    }
}

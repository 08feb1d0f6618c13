package io.netcap.pcap;

import java.util.HashMap;
import java.util.Map;

/**
 * TCP sequence numbers as tcpdump prints them without -S: for a packet with ACK set, relative to
 * the first sequence and acknowledgement numbers seen in its connection (both directions share
 * one entry; a SYN starts it again). A connection's first packet seen prints absolute numbers
 * and becomes the base, as in tcpdump.
 */
final class TcpSequences {
    static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, URG = 0x20, ECE = 0x40, CWR = 0x80;
    /** Bounded as tcpdump's table is not: a long capture of many connections must not grow without end. */
    private static final int MAX_CONNECTIONS = 65536;

    /** What to print: the numbers, the base they were taken from, and whether the packet went the reverse way. */
    record Relative(long seq, long ack, long baseSeq, long baseAck, boolean reversed) {
    }

    /** One connection, in the order tcpdump collates it (lower port first, then lower address). */
    private record Key(String a, String b, int portA, int portB) {
    }

    /** The base of one connection, in the collated order: seq of a→b, and ack of a→b minus one. */
    private record Base(long seq, long ack) {
    }

    private final Map<Key, Base> bases = new HashMap<>();

    Relative relative(String src, String dst, int sport, int dport, long seq, long ack, boolean syn) {
        boolean reversed = sport > dport || (sport == dport && src.compareTo(dst) > 0);
        Key key = reversed ? new Key(dst, src, dport, sport) : new Key(src, dst, sport, dport);
        Base base = bases.get(key);
        if (base == null || syn) {
            if (bases.size() >= MAX_CONNECTIONS) {
                bases.clear();
            }
            base = reversed ? new Base((ack - 1) & 0xffffffffL, seq) : new Base(seq, (ack - 1) & 0xffffffffL);
            bases.put(key, base);
            return new Relative(seq, ack, base.seq(), base.ack(), reversed);
        }
        long relSeq = reversed ? seq - base.ack() : seq - base.seq();
        long relAck = reversed ? ack - base.seq() : ack - base.ack();
        return new Relative(relSeq & 0xffffffffL, relAck & 0xffffffffL, base.seq(), base.ack(), reversed);
    }

    /** tcpdump's flag letters, in its order: F S R P . U E W, or "none". */
    static String flags(int flags) {
        StringBuilder sb = new StringBuilder();
        String letters = "FSRP.UEW";
        for (int i = 0; i < 8; i++) {
            if ((flags & (1 << i)) != 0) {
                sb.append(letters.charAt(i));
            }
        }
        return sb.isEmpty() ? "none" : sb.toString();
    }
}

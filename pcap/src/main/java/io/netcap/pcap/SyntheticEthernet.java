package io.netcap.pcap;

/**
 * The 14-byte Ethernet header netcap puts in front of raw-IP packets so that packets captured
 * at L3 hooks (no MAC header yet, LINKTYPE_RAW) and at L2 hooks can share one Ethernet pcap.
 *
 * <p>Both MAC addresses are zero. The ethertype is chosen as follows:
 * <ul>
 *   <li>LINKTYPE_IPV4 → 0x0800 and LINKTYPE_IPV6 → 0x86DD (the link type says so);</li>
 *   <li>LINKTYPE_RAW → from the IP version nibble of the first byte: 4 → 0x0800, 6 → 0x86DD;</li>
 *   <li>anything else (empty packet, other version nibble) → {@link #UNKNOWN_ETHERTYPE} 0x88B6,
 *       an IEEE "local experimental" ethertype. Claiming IPv4 for bytes that are not IPv4 would
 *       make tcpdump and Wireshark print a bogus decode; an unknown ethertype makes them show
 *       the bytes as an undecoded hex dump, which is the honest answer.</li>
 * </ul>
 */
public final class SyntheticEthernet {
    public static final int IPV4 = 0x0800;
    public static final int IPV6 = 0x86DD;
    /** IEEE 802 local experimental ethertype 2, used for raw packets that are not IPv4/IPv6. */
    public static final int UNKNOWN_ETHERTYPE = 0x88B6;

    private SyntheticEthernet() {
    }

    /** The ethertype the synthesised header gets for these raw-IP bytes (rules above). */
    public static int etherTypeFor(int linkType, byte[] data, int offset, int length) {
        if (linkType == LinkType.IPV4) {
            return IPV4;
        }
        if (linkType == LinkType.IPV6) {
            return IPV6;
        }
        if (length == 0) {
            return UNKNOWN_ETHERTYPE;
        }
        switch ((data[offset] & 0xf0) >>> 4) {
            case 4: return IPV4;
            case 6: return IPV6;
            default: return UNKNOWN_ETHERTYPE;
        }
    }

    /** Writes the 14-byte header (zero MACs, the given ethertype) at {@code buf[pos]}. */
    static void writeHeader(byte[] buf, int pos, int etherType) {
        java.util.Arrays.fill(buf, pos, pos + 12, (byte) 0);
        buf[pos + 12] = (byte) (etherType >>> 8);
        buf[pos + 13] = (byte) etherType;
    }
}

package io.netcap.pcap;

/**
 * The pcap LINKTYPE_* values netcap deals with (see https://www.tcpdump.org/linktypes.html).
 * Plain int constants rather than an enum because the values travel through
 * {@link CapturedPacket} and pcap headers as ints.
 */
public final class LinkType {
    /** LINKTYPE_ETHERNET: frames start with a 14-byte Ethernet II header. */
    public static final int ETHERNET = 1;
    /** LINKTYPE_RAW: frames start directly with an IPv4 or IPv6 header (no link layer). */
    public static final int RAW = 101;
    /** LINKTYPE_IPV4: raw IPv4 only. */
    public static final int IPV4 = 228;
    /** LINKTYPE_IPV6: raw IPv6 only. */
    public static final int IPV6 = 229;

    private LinkType() {
    }

    /** True for link types whose frames start with an IP header. */
    public static boolean isRawIp(int linkType) {
        return linkType == RAW || linkType == IPV4 || linkType == IPV6;
    }

    /** Short upper-case name, e.g. "ETHERNET"; unknown values give "LINKTYPE_&lt;n&gt;". */
    public static String name(int linkType) {
        switch (linkType) {
            case ETHERNET: return "ETHERNET";
            case RAW: return "RAW";
            case IPV4: return "IPV4";
            case IPV6: return "IPV6";
            default: return "LINKTYPE_" + linkType;
        }
    }
}

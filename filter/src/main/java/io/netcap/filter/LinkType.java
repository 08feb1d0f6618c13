package io.netcap.filter;

/**
 * The two link-layer framings a filter is compiled for.
 *
 * <p>{@link #dlt()} is what libpcap's {@code pcap_open_dead} wants (the host's {@code DLT_*}
 * value); {@link #linkType()} is what goes into a pcap file header ({@code LINKTYPE_*}). They
 * differ for raw IP: Linux libpcap calls it {@code DLT_RAW = 12}, while pcap files always use
 * {@code LINKTYPE_RAW = 101}.
 */
public enum LinkType {
    /** Ethernet II frames, optionally 802.1Q tagged: {@code DLT_EN10MB}. */
    ETHERNET(1, 1),
    /** Packets that start directly with an IPv4 or IPv6 header: {@code DLT_RAW}. */
    RAW_IP(12, 101);

    private final int dlt;
    private final int linkType;

    LinkType(int dlt, int linkType) {
        this.dlt = dlt;
        this.linkType = linkType;
    }

    /** libpcap {@code DLT_*} value, for {@code pcap_open_dead}. */
    public int dlt() {
        return dlt;
    }

    /** pcap-file {@code LINKTYPE_*} value, for the global header of a capture file. */
    public int linkType() {
        return linkType;
    }
}

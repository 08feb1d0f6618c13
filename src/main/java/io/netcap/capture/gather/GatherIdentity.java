package io.netcap.capture.gather;

/**
 * How --gather decides that an event at a later hook is the same packet as one seen at the first.
 * The buffer's address alone is not enough by default: the kernel frees an sk_buff and hands its
 * memory to the next packet within microseconds, so an address names a packet only for a while;
 * the packet's own invariant header fields ({@link io.netcap.pcap.PacketFingerprint}) alone are
 * not enough either where two packets carry the same ones (a retransmission).
 */
public enum GatherIdentity {
    /** The skb's (mbuf's, buffer's) address and the header fingerprint: the default. */
    ADDRESS_AND_CONTENT("address+content"),
    /**
     * The address only (--gather-distinguish-by-pointer): follows a packet across NAT and
     * encapsulation, which change its headers but not its sk_buff.
     */
    ADDRESS("address"),
    /**
     * The fingerprint only: follows a packet that is copied into a new buffer on the way (a
     * user-space copy, a tun device, a clone that is modified), at the risk of taking another
     * packet with the same fields for it.
     */
    CONTENT("content");

    private final String label;

    GatherIdentity(String label) {
        this.label = label;
    }

    /** The name used on the command line and in JSON. */
    public String label() {
        return label;
    }

    /** The key an event is matched by: the parts this identity does not use are 0. */
    long address(long address) {
        return this == CONTENT ? 0 : address;
    }

    long fingerprint(long fingerprint) {
        return this == ADDRESS ? 0 : fingerprint;
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static GatherIdentity parse(String value) {
        for (GatherIdentity identity : values()) {
            if (identity.label.equalsIgnoreCase(value.trim())) {
                return identity;
            }
        }
        throw new IllegalArgumentException("unknown identity '" + value + "'; choose address+content, address or content");
    }
}

package io.netcap.pcap;

/**
 * The few header fields netcap reports per packet (JSON output, log lines), decoded from the
 * captured bytes by {@link #of(CapturedPacket)}. A field is {@code null} when the packet does
 * not have that header or when the captured bytes end before it.
 *
 * @param linkType       {@link LinkType#name(int)}, e.g. "ETHERNET", "RAW"
 * @param etherType      the ethertype of the payload, after any VLAN tags; for raw-IP packets
 *                       the one implied by the IP version (0x0800/0x86DD)
 * @param srcMac         "aa:bb:cc:dd:ee:ff", Ethernet only
 * @param dstMac         likewise
 * @param vlanId         VLAN id of the outermost 802.1Q/802.1ad tag
 * @param srcIp          IPv4 dotted quad or IPv6 in RFC 5952 form; for ARP the sender address
 * @param dstIp          likewise; for ARP the target address
 * @param ipProtocol     the upper-layer protocol number (IPv6 extension headers skipped)
 * @param ipProtocolName e.g. "TCP", "UDP", "ICMPv6"; "ip-proto-N" for numbers without a name
 * @param srcPort        TCP, UDP, UDP-Lite, SCTP or DCCP source port (first fragment only)
 * @param dstPort        likewise
 * @param tcpFlags       set flags in the order F S R P A U E C N, e.g. "SA" for SYN-ACK
 * @param icmpType       ICMP or ICMPv6 type
 * @param icmpCode       ICMP or ICMPv6 code
 * @param truncated      true if the captured bytes ended inside a header being decoded
 */
public record PacketSummary(
        String linkType,
        Integer etherType,
        String srcMac,
        String dstMac,
        Integer vlanId,
        String srcIp,
        String dstIp,
        Integer ipProtocol,
        String ipProtocolName,
        Integer srcPort,
        Integer dstPort,
        String tcpFlags,
        Integer icmpType,
        Integer icmpCode,
        boolean truncated) {

    /** Decodes {@code packet}; never throws for any content or length. */
    public static PacketSummary of(CapturedPacket packet) {
        return new PacketDecoder(packet).decode();
    }
}

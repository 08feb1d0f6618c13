package io.netcap.capture.program;

import java.util.Set;

/** Whether a hook sees packets arriving (in) or leaving (out), for the hooks where that is fixed. */
public final class Direction {
    static final String IN = "in";
    static final String OUT = "out";

    private static final Set<String> RX = Set.of("netif_receive_skb", "netif_rx", "napi_gro_receive_entry",
            "napi_gro_frags_entry", "netif_receive_skb_entry", "netif_rx_entry", "ip_rcv", "ipv6_rcv", "icmp_rcv",
            "tcp_v4_rcv", "tcp_v6_rcv", "udp_rcv", "__netif_receive_skb_core", "__netif_receive_skb");
    private static final Set<String> TX = Set.of("net_dev_queue", "net_dev_start_xmit", "net_dev_xmit",
            "__dev_queue_xmit", "dev_queue_xmit", "dev_hard_start_xmit", "ip_output", "ip_finish_output",
            "__ip_finish_output", "ip6_output", "ip_queue_xmit", "tcp_transmit_skb", "__tcp_transmit_skb");

    private Direction() {
    }

    /** "in", "out", or null when the hook alone does not tell. */
    public static String of(String target) {
        String base = target.contains(".") ? target.substring(0, target.indexOf('.')) : target;
        if (RX.contains(base)) {
            return IN;
        }
        return TX.contains(base) ? OUT : null;
    }
}

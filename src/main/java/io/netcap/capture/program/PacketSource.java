package io.netcap.capture.program;

/**
 * What a hook hands the program, and so how the program finds the packet in it. Only kernel
 * sk_buffs today; a DPDK {@code struct rte_mbuf} and a raw data pointer with a length (AF_XDP
 * and other user-space buffers) are the next sources, through uprobes and USDT probes.
 */
public enum PacketSource {
    /** A kernel {@code struct sk_buff *}: headers located from its offsets, page fragments appended. */
    SKB
}

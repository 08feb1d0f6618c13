package io.netcap.capture.program;

/**
 * What a hook hands the program, and so how the program finds the packet in it.
 */
public enum PacketSource {
    /** A kernel {@code struct sk_buff *}: headers located from its offsets, page fragments appended. */
    SKB("skb"),
    /**
     * A DPDK {@code struct rte_mbuf *} in a user process (or an array of them and its count): the
     * data of each segment of its chain, at {@code buf_addr + data_off}, {@code data_len} bytes.
     */
    MBUF("mbuf"),
    /** A data pointer and a length in a user process (an AF_XDP frame, any buffer). */
    RAW("raw");

    private final String command;

    PacketSource(String command) {
        this.command = command;
    }

    /** The netcap subcommand that captures from this source. */
    public String command() {
        return command;
    }
}

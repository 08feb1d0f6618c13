package io.netcap.cli;

import io.netcap.capture.program.MbufLayout;
import io.netcap.capture.program.PacketSource;
import io.netcap.capture.program.ProgramConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code netcap mbuf}: capture DPDK mbufs where a user-space program hands them to a function or USDT probe. */
@Command(name = "mbuf", mixinStandardHelpOptions = true, versionProvider = Netcap.Version.class,
        description = "Capture DPDK packets (struct rte_mbuf) in a user-space program, at a function or USDT probe.",
        footer = {"", "Points (-f, comma-separated):",
                "  [TARGET:]FUNC@N      argument N is one struct rte_mbuf * (default @1)",
                "  [TARGET:]FUNC@N@M    argument N is an array of rte_mbuf *, M their count",
                "  usdt:[TARGET:]PROVIDER:NAME@N[@M]   the same, a USDT probe's arguments",
                "TARGET: a program or shared library; without it, the program of -p PID",
                "or a library it maps.",
                "", "Examples:",
                "  netcap mbuf -f process_burst@1@2 -p 4242 -e 'udp port 9' -w out.pcap",
                "  netcap mbuf -f librte_ethdev.so.23:rte_eth_call_rx_callbacks@3@4 -p 4242",
                "  netcap mbuf -f usdt:netcap_test:rx_mbuf@1 -p 4242 --json"})
public final class MbufCommand extends UserSpaceCommand {
    @Option(names = {"-f", "--function"}, required = true, paramLabel = "POINTS",
            description = "where the program handles its mbufs: [TARGET:]FUNC@N[@M] or usdt:[TARGET:]PROVIDER:NAME@N[@M]")
    String points;

    @Option(names = "--mbuf-layout", paramLabel = "FIELD=OFFSET,...",
            description = "byte offsets in struct rte_mbuf of buf_addr, data_off, port, pkt_len, data_len and next, for a"
                    + " DPDK whose layout differs; fields not given keep DPDK 17.05+'s (buf_addr=0,data_off=16,port=22,"
                    + "pkt_len=36,data_len=40,next=64). Default: from the program's BTF or DWARF, else DPDK 17.05+'s")
    String layout;

    @Override
    public Integer call() throws Exception {
        MbufLayout mbuf = layout == null ? null : MbufLayout.parse(layout, MbufLayout.DPDK_17_05);
        return capture(points, PacketSource.MBUF, mbuf, ProgramConfig.LINKTYPE_ETHERNET);
    }
}

package io.netcap.cli;

import io.netcap.capture.program.MbufLayout;
import io.netcap.capture.program.PacketSource;
import io.netcap.capture.program.ProgramConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code netcap raw}: capture packet buffers (a data pointer and a length) in a user-space program, e.g. AF_XDP frames. */
@Command(name = "raw", mixinStandardHelpOptions = true, versionProvider = Netcap.Version.class,
        description = "Capture packet buffers (data pointer and length) in a user-space program, e.g. AF_XDP frames.",
        footer = {"", "Points (-f, comma-separated):",
                "  [TARGET:]FUNC[@N@M]  argument N is the data, M its length (default @1@2)",
                "  usdt:[TARGET:]PROVIDER:NAME@N@M   the same, a USDT probe's arguments",
                "TARGET: a program or shared library; without it, the program of -p PID",
                "or a library it maps. The length is read as 32 bits.",
                "", "Examples:",
                "  netcap raw -f process_raw -p 4242 -e 'udp port 9' -w out.pcap",
                "  netcap raw -f /opt/app/bin/rx:handle_frame@2@3 --raw-ip -e tcp"})
public final class RawCommand extends UserSpaceCommand {
    @Option(names = {"-f", "--function"}, required = true, paramLabel = "POINTS",
            description = "where the program handles its buffers: [TARGET:]FUNC[@N@M] or usdt:[TARGET:]PROVIDER:NAME@N@M")
    String points;

    @Option(names = "--raw-ip", description = "the buffers start at the IP header, not at an Ethernet header: the filter"
            + " reads them as IP, and the pcap gets netcap's zero-MAC Ethernet header in front of them")
    boolean rawIp;

    @Override
    public Integer call() throws Exception {
        return capture(points, PacketSource.RAW, MbufLayout.DPDK_17_05,
                rawIp ? ProgramConfig.LINKTYPE_RAW : ProgramConfig.LINKTYPE_ETHERNET);
    }
}

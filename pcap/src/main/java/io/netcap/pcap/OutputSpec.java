package io.netcap.pcap;

import java.nio.file.Path;
import java.util.List;

/**
 * Where captured packets go, as the user asked.
 *
 * @param writeFile    a pcap file (-w); {@code -} for stdout, as tcpdump's {@code -w -} (a file
 *                     named "-" is {@code ./-}); or null
 * @param json         one JSON object per packet on stdout (--json); excludes writeFile
 * @param jsonBytes    the packet bytes in hex in each JSON object (--json-bytes)
 * @param tcpdumpFlags arguments for the tcpdump that displays packets when neither of the above
 * @param stacks       each packet's kernel stack is printed under it (-S)
 * @param snapLength   the snap length a pcap file declares: bytes captured per packet (-s), 1..65535
 * @param notes        packets carry {@link PacketNote}s (--gather), printed under them like -S stacks
 * @param colourOut    notes printed on stdout may be coloured (--color, and whether stdout is a terminal)
 * @param colourErr    likewise on stderr (where they go with -w -)
 */
public record OutputSpec(Path writeFile, boolean json, boolean jsonBytes, List<String> tcpdumpFlags, boolean stacks,
                         int snapLength, boolean notes, boolean colourOut, boolean colourErr) {
    /** The -w argument that means stdout. */
    public static final String STDOUT = "-";

    public OutputSpec {
        tcpdumpFlags = List.copyOf(tcpdumpFlags);
        if (snapLength < 1 || snapLength > PcapWriter.MAX_SNAP_LENGTH) {
            throw new IllegalArgumentException("the snap length must be between 1 and " + PcapWriter.MAX_SNAP_LENGTH
                    + ", not " + snapLength);
        }
        if (json && writeFile != null) {
            throw new IllegalArgumentException("--json and -w do not go together: -w writes pcap, --json prints to stdout");
        }
        if (jsonBytes && !json) {
            throw new IllegalArgumentException("--json-bytes needs --json");
        }
    }

    /** Packets without notes, nothing coloured. */
    public OutputSpec(Path writeFile, boolean json, boolean jsonBytes, List<String> tcpdumpFlags, boolean stacks,
                      int snapLength) {
        this(writeFile, json, jsonBytes, tcpdumpFlags, stacks, snapLength, false, false, false);
    }

    /** Lines are printed under packets: -S stacks or notes. */
    public boolean annotated() {
        return stacks || notes;
    }

    /** -w -: the pcap stream goes to stdout, and nothing else does (-S stacks go to stderr). */
    public boolean pcapToStdout() {
        return writeFile != null && writeFile.toString().equals(STDOUT);
    }

    /**
     * Whether anything is written to stdout: tcpdump's lines, JSON, a pcap stream, or -S stacks
     * (and notes) next to a pcap file. Only then does the reader of stdout going away end the capture.
     */
    public boolean usesStdout() {
        return writeFile == null || pcapToStdout() || annotated();
    }
}

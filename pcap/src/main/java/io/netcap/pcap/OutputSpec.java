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
 * @param files        with -w: the format (pcap or pcapng) and how files follow one another
 *                     (-C, --rotate-seconds, -W, --write-file-rotate); a -w name ending in .pcapng means pcapng
 * @param decoder      what shows packets when neither -w nor --json: tcpdump, the built-in
 *                     decoder, or null for tcpdump where it is installed and the built-in one elsewhere
 */
public record OutputSpec(Path writeFile, boolean json, boolean jsonBytes, List<String> tcpdumpFlags, boolean stacks,
                         int snapLength, boolean notes, boolean colourOut, boolean colourErr, FileOutput files,
                         Decoder decoder) {
    /** The -w argument that means stdout. */
    public static final String STDOUT = "-";
    /** tcpdump's flags when -t is not given. */
    public static final List<String> DEFAULT_TCPDUMP_FLAGS = List.of("-nn");

    /** What displays packets (--decoder). */
    public enum Decoder {
        /** A {@code tcpdump -r -} child, with the user's -t flags. */
        TCPDUMP,
        /** netcap's own one-line decoder ({@link PacketLine}), in tcpdump -nn's shape. */
        BUILTIN
    }

    /** @throws IllegalArgumentException options that do not go together, worded for the user */
    public OutputSpec {
        tcpdumpFlags = List.copyOf(tcpdumpFlags);
        files = files == null ? FileOutput.SINGLE_PCAP : files;
        if (!files.pcapng() && FileOutput.pcapng(false, writeFile == null ? null : writeFile.toString())) {
            files = files.withPcapng();
        }
        if (writeFile == null && files.special()) {
            throw new IllegalArgumentException((files.pcapng() ? "--pcapng" : files.keepLast() > 0
                    ? "--write-file-rotate" : files.rotateBytes() > 0 ? "-C" : "--rotate-seconds")
                    + " says how to write a file: give -w FILE");
        }
        if (writeFile != null && writeFile.toString().equals(STDOUT) && files.rotates()) {
            throw new IllegalArgumentException("-C and --rotate-seconds write a series of files:"
                    + " give -w a file name, not -");
        }
        if (writeFile != null && files.rotateSeconds() > 0) {
            StrftimeName.check(writeFile.toString());
        }
        if (decoder != null && (writeFile != null || json)) {
            throw new IllegalArgumentException("--decoder chooses what shows packets; with "
                    + (json ? "--json" : "-w") + " nothing is shown");
        }
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

    /** One plain pcap file with -w; tcpdump (where installed) shows packets otherwise. */
    public OutputSpec(Path writeFile, boolean json, boolean jsonBytes, List<String> tcpdumpFlags, boolean stacks,
                      int snapLength, boolean notes, boolean colourOut, boolean colourErr) {
        this(writeFile, json, jsonBytes, tcpdumpFlags, stacks, snapLength, notes, colourOut, colourErr, null, null);
    }

    /** Packets without notes, nothing coloured. */
    public OutputSpec(Path writeFile, boolean json, boolean jsonBytes, List<String> tcpdumpFlags, boolean stacks,
                      int snapLength) {
        this(writeFile, json, jsonBytes, tcpdumpFlags, stacks, snapLength, false, false, false);
    }

    /**
     * Whether -S stacks and notes are printed next to a -w file: not with pcapng, whose packet
     * comments carry them.
     */
    public boolean annotatesFile() {
        return annotated() && !files.pcapng();
    }

    /** Lines are printed under packets: -S stacks or notes. */
    public boolean annotated() {
        return stacks || notes;
    }

    /** -w -: the pcap (or pcapng) stream goes to stdout, and nothing else does (-S stacks go to stderr). */
    public boolean pcapToStdout() {
        return writeFile != null && writeFile.toString().equals(STDOUT);
    }

    /**
     * Whether anything is written to stdout: tcpdump's lines, JSON, a pcap stream, or -S stacks
     * (and notes) next to a pcap file. Only then does the reader of stdout going away end the capture.
     */
    public boolean usesStdout() {
        return writeFile == null || pcapToStdout() || annotatesFile();
    }
}

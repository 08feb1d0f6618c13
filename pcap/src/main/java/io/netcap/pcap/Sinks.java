package io.netcap.pcap;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;

/**
 * Opens where packets go: JSON lines on stdout (--json), a pcap file (-w), or a tcpdump child
 * that shows them. With -S each packet's stack follows it.
 */
public final class Sinks {
    private Sinks() {
    }

    /**
     * @throws IOException              the file cannot be written or tcpdump cannot be started;
     *                                  the message is one line for the user
     * @throws IllegalArgumentException the tcpdump flags are not ones netcap can pass on
     */
    public static PacketSink open(OutputSpec spec, PrintWriter out, PrintWriter err) throws IOException {
        if (spec.json()) {
            return new JsonSink(out, spec.jsonBytes());
        }
        if (spec.writeFile() != null) {
            PcapWriter writer = PcapWriter.open(spec.writeFile(), spec.snapLength());
            return spec.stacks() ? new StackPrintingSink(writer, out) : writer;
        }
        return new DisplaySink(TcpdumpDisplay.start(spec.tcpdumpFlags(), out, err), spec.stacks());
    }

    /** True when the sink's consumer went away (tcpdump exited), so capturing is pointless. */
    public static boolean consumerGone(PacketSink sink) {
        return sink instanceof DisplaySink d && !d.display.isRunning();
    }

    /** Stack frames as printed under a packet: indented, innermost first. */
    static List<String> stackLines(CapturedPacket packet) {
        return packet.stack().stream().map(frame -> "\t" + frame).toList();
    }

    /** tcpdump shows the packets; with -S each packet's stack follows its lines. */
    private static final class DisplaySink implements PacketSink {
        private final TcpdumpDisplay display;
        private final boolean stacks;

        DisplaySink(TcpdumpDisplay display, boolean stacks) {
            this.display = display;
            this.stacks = stacks;
        }

        @Override
        public void write(CapturedPacket packet) throws IOException {
            display.write(packet, stacks ? stackLines(packet) : List.of());
        }

        @Override
        public void flush() throws IOException {
            display.flush();
        }

        @Override
        public void close() throws IOException {
            display.close();
        }
    }

    /** With -w and -S: packets go to the file, their stacks to stdout, numbered like the file. */
    private static final class StackPrintingSink implements PacketSink {
        private final PcapWriter writer;
        private final PrintWriter out;

        StackPrintingSink(PcapWriter writer, PrintWriter out) {
            this.writer = writer;
            this.out = out;
        }

        @Override
        public void write(CapturedPacket packet) throws IOException {
            writer.write(packet);
            out.println("packet " + writer.packetsWritten() + " at " + packet.hook()
                    + (packet.device() == null || packet.device().isEmpty() ? "" : " dev " + packet.device()) + ":");
            stackLines(packet).forEach(out::println);
        }

        @Override
        public void flush() throws IOException {
            writer.flush();
            out.flush();
        }

        @Override
        public void close() throws IOException {
            writer.close();
            out.flush();
        }
    }
}

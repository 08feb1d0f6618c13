package io.netcap.pcap;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.List;

/**
 * Opens where packets go: JSON lines on stdout (--json), a pcap file (-w) or a pcap stream on
 * stdout (-w -), or a tcpdump child that shows them. With -S each packet's stack follows it.
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
        return open(spec, spec.pcapToStdout() ? stdoutBytes() : null, out, err);
    }

    /** As {@link #open(OutputSpec, PrintWriter, PrintWriter)}, with -w - writing to {@code stdout}. */
    static PacketSink open(OutputSpec spec, OutputStream stdout, PrintWriter out, PrintWriter err) throws IOException {
        if (spec.json()) {
            return new JsonSink(out, spec.jsonBytes());
        }
        if (spec.pcapToStdout()) {
            // stdout carries the pcap stream and nothing else: the stacks go to stderr
            PcapWriter writer = new PcapWriter(stdout, spec.snapLength());
            return spec.annotated() ? new AnnotatingSink(writer, err, spec.colourErr()) : writer;
        }
        if (spec.writeFile() != null) {
            PcapWriter writer = PcapWriter.open(spec.writeFile(), spec.snapLength());
            return spec.annotated() ? new AnnotatingSink(writer, out, spec.colourOut()) : writer;
        }
        return new DisplaySink(TcpdumpDisplay.start(spec.tcpdumpFlags(), out, err), spec.colourOut());
    }

    /**
     * The process's stdout as bytes, for -w -. Unlike System.out, it reports write errors (a full
     * disk, a reader gone) instead of swallowing them. Closing it only flushes: fd 1 stays open,
     * so no file opened later can take its number and receive what is printed to System.out.
     */
    private static OutputStream stdoutBytes() {
        return new FilterOutputStream(new FileOutputStream(FileDescriptor.out)) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len); // FilterOutputStream's own writes byte by byte
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    /** True when the sink's consumer went away (tcpdump exited), so capturing is pointless. */
    public static boolean consumerGone(PacketSink sink) {
        return sink instanceof DisplaySink d && !d.display.isRunning();
    }

    /** tcpdump shows the packets; each packet's stack (-S) and notes follow its lines. */
    private static final class DisplaySink implements PacketSink {
        private final TcpdumpDisplay display;
        private final boolean colour;

        DisplaySink(TcpdumpDisplay display, boolean colour) {
            this.display = display;
            this.colour = colour;
        }

        @Override
        public void write(CapturedPacket packet) throws IOException {
            display.write(packet, packet.extraLines(colour));
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

    /**
     * With -w and -S (or notes): packets go to the file, their stacks and notes to stdout (to
     * stderr with -w -), numbered like the file.
     */
    private static final class AnnotatingSink implements PacketSink {
        private final PcapWriter writer;
        private final PrintWriter out;
        private final boolean colour;

        AnnotatingSink(PcapWriter writer, PrintWriter out, boolean colour) {
            this.writer = writer;
            this.out = out;
            this.colour = colour;
        }

        @Override
        public void write(CapturedPacket packet) throws IOException {
            writer.write(packet);
            List<String> lines = packet.extraLines(colour);
            if (lines.isEmpty()) {
                return;
            }
            out.println("packet " + writer.packetsWritten() + " at " + packet.hook()
                    + (packet.device() == null || packet.device().isEmpty() ? "" : " dev " + packet.device()) + ":");
            lines.forEach(out::println);
        }

        @Override
        public void flush() throws IOException {
            writer.flush();
            out.flush();
        }

        @Override
        public long buffered() {
            return writer.buffered();
        }

        @Override
        public void close() throws IOException {
            writer.close();
            out.flush();
        }
    }
}

package io.netcap.capture;

import io.netcap.cli.NetcapException;
import io.netcap.pcap.CapturedPacket;
import io.netcap.pcap.PacketSink;
import io.netcap.pcap.PcapWriter;
import io.netcap.pcap.ShellWords;
import io.netcap.pcap.TcpdumpDisplay;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;

/** Chooses and opens where packets go: a pcap file (-w) or a tcpdump child for display. */
final class Sinks {
    private Sinks() {
    }

    static PacketSink open(CaptureSettings settings, PrintWriter out, PrintWriter err) {
        if (settings.json()) {
            return new JsonSink(out, settings.jsonBytes());
        }
        if (settings.writeFile() != null) {
            PcapWriter writer = openFile(settings);
            return settings.stacks() ? new StackPrintingSink(writer, out) : writer;
        }
        List<String> flags;
        try {
            flags = ShellWords.split(settings.tcpdumpFlags());
        } catch (IllegalArgumentException e) {
            throw NetcapException.usage("-t: " + e.getMessage());
        }
        try {
            return new DisplaySink(TcpdumpDisplay.start(flags, out, err), settings.stacks());
        } catch (IllegalArgumentException e) {
            throw NetcapException.usage("-t: " + e.getMessage());
        } catch (IOException e) {
            throw new NetcapException(NetcapException.RUNTIME, e.getMessage(), e);
        }
    }

    private static PcapWriter openFile(CaptureSettings settings) {
        try {
            return PcapWriter.open(settings.writeFile());
        } catch (IOException e) {
            // PcapWriter already says "cannot write PATH: reason" in one line.
            throw new NetcapException(NetcapException.RUNTIME, e.getMessage(), e);
        }
    }

    /** True when the sink's consumer went away (tcpdump exited), so capturing is pointless. */
    static boolean consumerGone(PacketSink sink) {
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

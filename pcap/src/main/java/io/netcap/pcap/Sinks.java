package io.netcap.pcap;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.util.function.Supplier;
import java.util.List;

/**
 * Opens where packets go: JSON lines on stdout (--json); a pcap or pcapng file (-w), a series
 * of them (-C, --rotate-seconds, -W), the last packets at the end (--write-file-rotate), or a stream on
 * stdout (-w -); or a display: tcpdump, or the built-in decoder. With -S each packet's stack
 * follows it (in a pcapng file, its comment carries it).
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
        return open(spec, stdout, out, err, TcpdumpDisplay.DEFAULT_EXECUTABLE, ZoneId::systemDefault);
    }

    /**
     * As {@link #open(OutputSpec, OutputStream, PrintWriter, PrintWriter)}, with the display's
     * tcpdump (looked up on PATH when a bare name) and the zone of --rotate-seconds file names and
     * built-in times, asked for only by those two: the system's zone reads the time-zone database,
     * ~5 ms of every start otherwise (async-profiler).
     */
    static PacketSink open(OutputSpec spec, OutputStream stdout, PrintWriter out, PrintWriter err, String tcpdump,
                           Supplier<ZoneId> zone) throws IOException {
        if (spec.json()) {
            return new JsonSink(out, spec.jsonBytes());
        }
        if (spec.writeFile() != null) {
            return openFile(spec, stdout, out, err, zone);
        }
        OutputSpec.Decoder decoder = spec.decoder();
        if (decoder == null) {
            if (TcpdumpDisplay.installed(tcpdump)) {
                decoder = OutputSpec.Decoder.TCPDUMP;
            } else if (spec.tcpdumpFlags().equals(OutputSpec.DEFAULT_TCPDUMP_FLAGS)) {
                err.println("netcap: tcpdump is not installed; showing packets with the built-in decoder"
                        + " (--decoder builtin)");
                err.flush();
                decoder = OutputSpec.Decoder.BUILTIN;
            } else {
                decoder = OutputSpec.Decoder.TCPDUMP; // -t asked for tcpdump: say that it is missing
            }
        }
        if (decoder == OutputSpec.Decoder.BUILTIN) {
            return new BuiltinDisplay(out, spec.colourOut(), zone.get());
        }
        return new DisplaySink(TcpdumpDisplay.start(tcpdump, spec.tcpdumpFlags(), out, err), spec.colourOut());
    }

    private static PacketSink openFile(OutputSpec spec, OutputStream stdout, PrintWriter out, PrintWriter err,
                                       Supplier<ZoneId> zone) throws IOException {
        FileOutput f = spec.files();
        int snap = spec.snapLength();
        // pcapng only: the CPU model is read from /proc/cpuinfo
        PcapngSection section = f.pcapng() ? PcapngSection.ofThisMachine(f.application()) : null;
        RotatingFiles.Opener opener = path -> f.pcapng() ? PcapngWriter.open(path, snap, section)
                : PcapWriter.open(path, snap);
        PacketFile file;
        if (spec.pcapToStdout()) {
            file = f.pcapng() ? new PcapngWriter(stdout, snap, section) : new PcapWriter(stdout, snap);
        } else if (f.rotates()) {
            if (f.rotateSeconds() > 0 && !StrftimeName.hasConversion(spec.writeFile().toString())) {
                err.println("netcap: -w " + spec.writeFile() + " has no strftime conversion (such as %H%M%S):"
                        + " each --rotate-seconds file will replace the one before");
                err.flush();
            }
            file = new RotatingFiles(spec.writeFile().toString(), f, opener, err, zone.get(),
                    System.currentTimeMillis() * 1_000_000L);
        } else {
            file = opener.open(spec.writeFile());
        }
        PacketSink sink = file;
        if (spec.annotatesFile()) {
            // stdout carries the pcap stream with -w -, and nothing else: the stacks go to stderr
            boolean toStderr = spec.pcapToStdout();
            sink = new AnnotatingSink(file, f.rotates(), toStderr ? err : out, toStderr ? spec.colourErr() : spec.colourOut());
        }
        if (f.keepLast() > 0) {
            sink = new KeepLastSink(sink, file.name(), f.keepLast(), err);
        }
        return sink;
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

    /**
     * True when the sink takes no more packets (tcpdump exited, -W with --rotate-seconds made its last file),
     * so capturing is pointless.
     */
    public static boolean consumerGone(PacketSink sink) {
        return sink.finished();
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
            display.write(packet, packet.displayLines(colour));
        }

        @Override
        public void flush() throws IOException {
            display.flush();
        }

        @Override
        public boolean finished() {
            return !display.isRunning();
        }

        @Override
        public void close() throws IOException {
            display.close();
        }
    }

    /**
     * With a pcap -w and -S (or notes): packets go to the file, their stacks and notes to stdout
     * (to stderr with -w -), numbered like the file ("packet 3", or "packet 3 of out.pcap1"
     * when files rotate).
     */
    private static final class AnnotatingSink implements PacketSink {
        private final PacketFile writer;
        private final boolean nameFiles;
        private final PrintWriter out;
        private final boolean colour;

        AnnotatingSink(PacketFile writer, boolean nameFiles, PrintWriter out, boolean colour) {
            this.writer = writer;
            this.nameFiles = nameFiles;
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
            out.println("packet " + writer.packetsWritten() + (nameFiles ? " of " + writer.name() : "")
                    + " at " + packet.hook()
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
        public boolean finished() {
            return writer.finished();
        }

        @Override
        public void close() throws IOException {
            writer.close();
            out.flush();
        }
    }
}

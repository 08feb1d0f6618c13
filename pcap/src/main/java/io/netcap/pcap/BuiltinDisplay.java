package io.netcap.pcap;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.ZoneId;

/**
 * Shows packets without tcpdump (--decoder builtin, or when tcpdump is not installed): each
 * packet's {@link PacketLine} on stdout, and under it its -S stack and notes exactly as under
 * tcpdump's lines.
 */
final class BuiltinDisplay implements PacketSink {
    private final PrintWriter out;
    private final boolean colour;
    private final PacketLine lines;

    /** @param colour notes may be coloured (--color and whether stdout is a terminal) */
    BuiltinDisplay(PrintWriter out, boolean colour, ZoneId zone) {
        this.out = out;
        this.colour = colour;
        this.lines = new PacketLine(zone);
    }

    @Override
    public void write(CapturedPacket packet) {
        out.println(lines.format(packet));
        packet.displayLines(colour).forEach(out::println);
    }

    /**
     * PrintWriter swallows write errors; this asks for them, so a full disk or a reader gone is
     * an error (or the end of the capture) rather than packets shown to nobody.
     */
    @Override
    public void flush() throws IOException {
        if (out.checkError()) { // flushes first
            throw new IOException("cannot write to stdout: a write failed (disk full, stdout closed,"
                    + " or its reader went away)");
        }
    }

    @Override
    public void close() throws IOException {
        flush();
    }
}

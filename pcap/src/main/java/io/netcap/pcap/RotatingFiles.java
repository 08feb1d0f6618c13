package io.netcap.pcap;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;

/**
 * -w with -C, --rotate-seconds and -W: packets go to a series of files, each a complete pcap or pcapng file of
 * its own (closed, so complete, before the next one opens; the last one closes with the
 * capture), named and switched as tcpdump 4.99 does:
 * <ul>
 *   <li>-C BYTES: before writing a packet, if the current file holds more than BYTES (counting
 *       what is still buffered, as tcpdump's ftell does), close it and open the next: the -w
 *       name with 1, 2, 3 … appended ({@code out.pcap}, {@code out.pcap1}, …).</li>
 *   <li>-W N with -C: the number goes round from N-1 back to 0, so at most N files exist,
 *       and every name carries a number zero-padded to the digits of N-1 ({@code out.pcap0} …
 *       {@code out.pcap9} for -W 10).</li>
 *   <li>--rotate-seconds SECONDS: on the first packet SECONDS or more after the current file began (by the
 *       packet's own time), close it and open one named by the -w name through strftime at
 *       that moment ({@link StrftimeName}); with -C the size numbering starts again at 0 in each.</li>
 *   <li>-W N with --rotate-seconds and without -C: after N files the capture stops, as tcpdump exits; the
 *       packets that arrive after are counted and said, not written.</li>
 * </ul>
 */
final class RotatingFiles implements PacketFile {
    /** Opens one file of the series. */
    interface Opener {
        PacketFile open(Path path) throws IOException;
    }

    private final String pattern;
    private final FileOutput spec;
    private final Opener opener;
    private final PrintWriter err;
    private final ZoneId zone;
    /** Digits of every size number with -W (tcpdump's WflagChars), else 0. */
    private final int digits;
    private PacketFile current;
    /** The -C number of the current file (tcpdump's Cflag_count). */
    private int sizeCount;
    /** Files begun by --rotate-seconds (tcpdump's Gflag_count), the first not counted. */
    private int timeCount;
    /** When the current --rotate-seconds file began, in epoch seconds. */
    private long sliceStart;
    private boolean limitReached;
    private long notWritten;
    private boolean closed;

    /**
     * Opens the first file.
     *
     * @param pattern   the -w name (a strftime pattern with --rotate-seconds)
     * @param startNanos now, as the packets' clock tells it: the first --rotate-seconds file begins then
     * @throws IOException the first file cannot be written (one line, for the user)
     */
    RotatingFiles(String pattern, FileOutput spec, Opener opener, PrintWriter err, ZoneId zone, long startNanos)
            throws IOException {
        if (!spec.rotates()) {
            throw new IllegalArgumentException("rotation needs -C or --rotate-seconds");
        }
        if (spec.rotateSeconds() > 0) {
            StrftimeName.check(pattern);
        }
        this.pattern = pattern;
        this.spec = spec;
        this.opener = opener;
        this.err = err;
        this.zone = zone;
        this.digits = spec.fileLimit() > 0 ? digitsOf(spec.fileLimit() - 1) : 0;
        this.sliceStart = Math.floorDiv(startNanos, 1_000_000_000L);
        this.current = opener.open(Path.of(name(0)));
    }

    /** The digits of {@code n} (0 for 0), as tcpdump sizes the -W number. */
    static int digitsOf(int n) {
        int c = 0;
        while (n > 0) {
            c++;
            n /= 10;
        }
        return c;
    }

    /** The name of the file with this size number in the current --rotate-seconds slice (tcpdump's MakeFilename). */
    String name(int count) {
        String base = spec.rotateSeconds() > 0
                ? StrftimeName.format(pattern, Instant.ofEpochSecond(sliceStart).atZone(zone))
                : pattern;
        if (spec.rotateBytes() == 0 || (count == 0 && digits == 0)) {
            return base;
        }
        return base + String.format("%0" + Math.max(1, digits) + "d", count);
    }

    /** Whether -W with --rotate-seconds alone has made its last file: the capture should stop. */
    @Override
    public boolean finished() {
        return limitReached;
    }

    @Override
    public void write(CapturedPacket p) throws IOException {
        if (closed) {
            throw new IOException("the writer of " + current.name() + " is closed");
        }
        if (limitReached) {
            notWritten++;
            return;
        }
        if (spec.rotateSeconds() > 0) {
            long t = Math.floorDiv(p.timestampNanos(), 1_000_000_000L);
            if (t - sliceStart >= spec.rotateSeconds()) {
                sliceStart = t;
                timeCount++;
                current.close();
                if (spec.rotateBytes() == 0 && spec.fileLimit() > 0 && timeCount >= spec.fileLimit()) {
                    limitReached = true;
                    notWritten++;
                    err.println("netcap: maximum file limit reached: " + spec.fileLimit() + " files of "
                            + spec.rotateSeconds() + " s (-W with --rotate-seconds); stopping");
                    err.flush();
                    return;
                }
                sizeCount = 0;
                current = opener.open(Path.of(name(0)));
            }
        }
        if (spec.rotateBytes() > 0 && current.size() > spec.rotateBytes()) {
            current.close();
            sizeCount++;
            if (spec.fileLimit() > 0 && sizeCount >= spec.fileLimit()) {
                sizeCount = 0;
            }
            current = opener.open(Path.of(name(sizeCount)));
        }
        current.write(p);
    }

    @Override
    public void flush() throws IOException {
        if (!closed && !limitReached) { // past the limit the last file is already closed
            current.flush();
        }
    }

    @Override
    public long buffered() {
        return current.buffered();
    }

    @Override
    public long packetsWritten() {
        return current.packetsWritten();
    }

    @Override
    public long size() {
        return current.size();
    }

    @Override
    public String name() {
        return current.name();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        current.close();
        if (notWritten > 0) {
            err.println("netcap: " + notWritten + " packet" + (notWritten == 1 ? "" : "s")
                    + " captured after the file limit not written");
            err.flush();
        }
    }
}

package io.netcap.pcap;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Shows captured packets the way tcpdump prints them: runs {@code tcpdump -r - -l -# <user
 * flags>} (no shell), feeds it a pcap stream on stdin and copies its stdout and stderr, line by
 * line, to the caller's streams.
 *
 * <h2>Putting netcap's own lines under the right packet</h2>
 * netcap prints extra lines per packet (kernel stack frames) that must appear directly below
 * that packet's tcpdump output, even though tcpdump prints asynchronously and a packet may
 * take several lines ({@code -v}, {@code -x}, {@code -A}). The mechanism:
 * <ol>
 *   <li>{@code -#} makes tcpdump start every packet's first line with its 1-based number as
 *       {@code "%5u  "}. The stdout pump knows which number comes next, so a line starting
 *       with exactly that prefix begins the next packet; the pump strips the prefix (or, if
 *       the user passed {@code -#} themselves, replaces it with netcap's own count).</li>
 *   <li>After a packet that has extra lines, the display also writes a <em>marker</em>: an
 *       Ethernet frame with the IEEE local experimental ethertype 0x88B5, a source MAC that is
 *       random per display and the payload "netcap marker", stamped with the packet's own
 *       time (so {@code -ttt} deltas stay right). tcpdump prints the marker only after it has
 *       printed everything for the packet before it, so when the pump sees the marker's first
 *       line (expected number <em>and</em> the random MAC, which packet payload echoed by
 *       {@code -A} cannot forge) it prints the extra lines and then drops every line of the
 *       marker up to the next numbered line.</li>
 *   <li>{@code -l} makes tcpdump line-buffer its stdout, which is a pipe and would otherwise be
 *       block-buffered, so the lines of a flushed batch appear at once.</li>
 * </ol>
 * For this to hold, tcpdump must print every packet it is given: {@link TcpdumpOptions}
 * rejects filter expressions, {@code -c} and other options that would break that.
 *
 * <p>tcpdump's stderr goes to the caller's error stream, minus its
 * {@code reading from file -, link-type ...} banner.
 *
 * <p>{@link #write} and {@link #flush} belong to one thread (the capture loop); packets are
 * buffered by a {@link PcapWriter} and reach tcpdump on {@link #flush()}, once per poll batch.
 */
public final class TcpdumpDisplay implements PacketSink {
    public static final String DEFAULT_EXECUTABLE = "tcpdump";
    static final int MARKER_ETHERTYPE = 0x88B5;
    private static final byte[] MARKER_PAYLOAD = "netcap marker".getBytes(StandardCharsets.US_ASCII);
    private static final String BANNER_PREFIX = "reading from file -,";
    private static final long EXIT_WAIT_SECONDS = 10;
    private static final long PUMP_JOIN_MILLIS = 5000;

    /** What tcpdump's next numbered packet is: one of ours, or a marker carrying extra lines. */
    private record Expected(long packetNumber, List<String> extraLines) {
        boolean isMarker() {
            return extraLines != null;
        }
    }

    private final Process process;
    private final List<String> command;
    private final PcapWriter writer;
    private final boolean userNumbered;
    private final byte[] marker;
    private final String markerMac;
    private final Queue<Expected> expected = new ConcurrentLinkedQueue<>();
    private final Thread stdoutPump;
    /** Where tcpdump's lines go (netcap's stdout); a PrintWriter, which keeps its write errors to itself until asked. */
    private final PrintWriter display;
    private final Thread stderrPump;
    private final Thread shutdownHook;
    /** tcpdump's own first complaint ("tcpdump: ..."), or else its last stderr line. */
    private volatile String errorLine;
    private long packetsWritten;
    private boolean closed;
    private Integer exitCode;

    private TcpdumpDisplay(Process process, List<String> command, boolean userNumbered,
                           PrintWriter out, PrintWriter err) {
        this.process = process;
        this.command = command;
        this.userNumbered = userNumbered;
        this.writer = new PcapWriter(process.getOutputStream());

        byte[] mac = new byte[6];
        new SecureRandom().nextBytes(mac);
        mac[0] = 0x02; // locally administered unicast: never a vendor OUI that tcpdump could name
        this.markerMac = String.format("%02x:%02x:%02x:%02x:%02x:%02x",
                mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
        this.marker = new byte[14 + MARKER_PAYLOAD.length];
        marker[0] = 0x02; // destination 02:00:00:00:00:00
        System.arraycopy(mac, 0, marker, 6, 6);
        marker[12] = (byte) (MARKER_ETHERTYPE >>> 8);
        marker[13] = (byte) MARKER_ETHERTYPE;
        System.arraycopy(MARKER_PAYLOAD, 0, marker, 14, MARKER_PAYLOAD.length);

        this.display = out;
        this.stdoutPump = new Thread(() -> pumpStdout(process.getInputStream(), out), "tcpdump-stdout");
        this.stderrPump = new Thread(() -> pumpStderr(process.getErrorStream(), err), "tcpdump-stderr");
        stdoutPump.setDaemon(true);
        stderrPump.setDaemon(true);
        // If the JVM exits without close(), tcpdump gets EOF when our end of the pipe goes away;
        // the hook makes sure, after leaving a close() running in another hook time to finish.
        this.shutdownHook = new Thread(this::reapAtExit, "tcpdump-reaper");
    }

    private void reapAtExit() {
        try {
            if (process.waitFor(2, TimeUnit.SECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
    }

    /** Starts {@code tcpdump} from the PATH with the user's arguments (already split into words). */
    public static TcpdumpDisplay start(List<String> userArgs, PrintStream out, PrintStream err)
            throws IOException {
        return start(DEFAULT_EXECUTABLE, userArgs, out, err);
    }

    /** As {@link #start(List, PrintStream, PrintStream)}, for callers that print through writers. */
    public static TcpdumpDisplay start(List<String> userArgs, PrintWriter out, PrintWriter err)
            throws IOException {
        return start(DEFAULT_EXECUTABLE, userArgs, out, err);
    }

    public static TcpdumpDisplay start(String executable, List<String> userArgs, PrintStream out,
                                       PrintStream err) throws IOException {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        return start(executable, userArgs, new PrintWriter(out), new PrintWriter(err));
    }

    /**
     * Starts {@code executable -r - -l -# userArgs...} and writes the pcap file header to it.
     *
     * @throws IllegalArgumentException if {@code userArgs} contain a filter expression or an
     *                                  option the display cannot support (see {@link TcpdumpOptions})
     * @throws IOException              if tcpdump cannot be started; a missing binary gives
     *                                  "tcpdump not found: install the Debian package tcpdump (scripts/setup does)"
     */
    public static TcpdumpDisplay start(String executable, List<String> userArgs, PrintWriter out,
                                       PrintWriter err) throws IOException {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        TcpdumpOptions options = TcpdumpOptions.check(userArgs);
        List<String> command = new ArrayList<>();
        command.add(executable);
        command.addAll(List.of("-r", "-", "-l", "-#"));
        command.addAll(userArgs);

        Process process;
        try {
            process = isolated(command).start();
        } catch (IOException e) {
            throw cannotStart(executable, e);
        }
        TcpdumpDisplay display = new TcpdumpDisplay(process, List.copyOf(command),
                options.numbered(), out, err);
        display.stdoutPump.start();
        display.stderrPump.start();
        Runtime.getRuntime().addShutdownHook(display.shutdownHook);
        try {
            display.writer.flush(); // the file header: lets tcpdump check its flags right away
        } catch (IOException e) {
            IOException failure = display.failed(e);
            display.closeQuietly();
            throw failure;
        }
        return display;
    }

    /**
     * Runs tcpdump in a session of its own (setsid), so a Ctrl-C in the terminal reaches only
     * netcap, which then lets tcpdump print every packet before closing its input. Without this,
     * tcpdump would die with the signal and the last packets' lines would be lost. The binary is
     * looked up first so that a missing tcpdump is still reported as such, not as setsid's failure.
     */
    private static ProcessBuilder isolated(List<String> command) throws IOException {
        String executable = command.get(0);
        Path binary = executable.contains("/") ? Path.of(executable) : onPath(executable);
        if (binary == null || !Files.isExecutable(binary)) {
            throw new IOException("Cannot run program \"" + executable + "\": error=2, No such file or directory");
        }
        Path setsid = Path.of("/usr/bin/setsid");
        if (!Files.isExecutable(setsid)) {
            return new ProcessBuilder(command);
        }
        List<String> isolated = new ArrayList<>();
        isolated.add(setsid.toString());
        isolated.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(isolated);
        if (binary.getParent() != null && !executable.contains("/")) {
            // setsid looks the name up again; keeping the bare name keeps tcpdump's messages
            // prefixed "tcpdump: " rather than with a full path.
            pb.environment().put("PATH", binary.getParent() + ":" + pb.environment().getOrDefault("PATH", ""));
        }
        return pb;
    }

    /** Whether {@code executable} (a path, or a name looked up on PATH) can be run. */
    public static boolean installed(String executable) {
        Path binary = executable.contains("/") ? Path.of(executable) : onPath(executable);
        return binary != null && Files.isExecutable(binary);
    }

    private static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Whether tcpdump is still running; when it is not, nothing more can be shown. */
    public boolean isRunning() {
        return process.isAlive();
    }

    static IOException cannotStart(String executable, IOException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("error=2,")) {
            String where = executable.equals(DEFAULT_EXECUTABLE) ? "" : " at " + executable;
            return new IOException("tcpdump not found" + where
                    + ": install the Debian package tcpdump (scripts/setup does)", e);
        }
        if (message.contains("error=13,")) {
            return new IOException("cannot run " + executable + ": Permission denied", e);
        }
        return new IOException("cannot run " + executable + ": " + message, e);
    }

    /** The command line tcpdump was started with. */
    public List<String> command() {
        return command;
    }

    /** tcpdump's process id, e.g. to check that {@link #close()} reaped it. */
    public long pid() {
        return process.pid();
    }

    /** Packets given to {@link #write} so far (markers not counted). */
    public long packetsWritten() {
        return packetsWritten;
    }

    /** Writes a packet with no extra lines. */
    @Override
    public void write(CapturedPacket packet) throws IOException {
        write(packet, List.of());
    }

    /**
     * Writes a packet whose tcpdump output is to be followed by {@code extraLinesAfter}, printed
     * as given (the caller indents them). They appear once tcpdump has printed the packet,
     * i.e. after the next {@link #flush()}.
     */
    public void write(CapturedPacket packet, List<String> extraLinesAfter) throws IOException {
        if (closed) {
            throw new IOException("tcpdump display is closed");
        }
        int linkType = packet.linkType();
        if (linkType != LinkType.ETHERNET && !LinkType.isRawIp(linkType)) {
            // Checked before queueing so that a rejected packet cannot shift the numbering.
            throw new IllegalArgumentException("cannot display link type " + linkType);
        }
        packetsWritten++;
        // Queue before writing: the bytes may reach tcpdump as soon as the buffer fills.
        expected.add(new Expected(packetsWritten, null));
        try {
            writer.write(packet);
            if (!extraLinesAfter.isEmpty()) {
                expected.add(new Expected(packetsWritten, List.copyOf(extraLinesAfter)));
                writer.write(CapturedPacket.of(packet.timestampNanos(), LinkType.ETHERNET, marker));
            }
        } catch (IOException e) {
            throw failed(e);
        }
    }

    @Override
    public void flush() throws IOException {
        if (closed) {
            throw new IOException("tcpdump display is closed");
        }
        try {
            writer.flush();
        } catch (IOException e) {
            throw failed(e);
        }
        checkDisplay();
    }

    /**
     * Whether tcpdump's lines reached stdout: a full disk or a closed stdout fails the copy in the
     * pump thread, where PrintWriter only notes it; every packet would then go nowhere, silently,
     * with exit status 0 (fresh-user review: {@code netcap dump -c 6 >/dev/full}).
     */
    private void checkDisplay() throws IOException {
        if (display.checkError()) {
            throw new IOException("cannot write to stdout: a write failed (disk full, stdout closed,"
                    + " or its reader went away)");
        }
    }

    /**
     * Closes tcpdump's stdin, waits up to 10 s for it to print everything and exit (then kills
     * it), and waits until every line has been copied. Calling it again does nothing.
     *
     * @throws IOException if tcpdump failed: it exited with a non-zero status (the message
     *                     carries the status and tcpdump's error message, e.g. for a bad flag),
     *                     exited before taking all packets, or had to be killed
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException failure = null;
        try {
            writer.close();
        } catch (IOException e) {
            failure = e;
        }
        boolean killed = reap();
        if (killed) {
            throw new IOException("tcpdump did not exit within " + EXIT_WAIT_SECONDS
                    + " s of the end of its input and was killed", failure);
        }
        if (failure != null || (exitCode != null && exitCode != 0)) {
            throw describeExit(failure);
        }
        checkDisplay(); // the pump has copied tcpdump's last lines
    }

    /** tcpdump's exit status once {@link #close()} has reaped it, else null. */
    public Integer exitCode() {
        return exitCode;
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException ignored) {
            // the caller is already reporting the failure that led here
        }
    }

    /** Waits for tcpdump to exit, killing it if it takes too long; true if it was killed. */
    private boolean reap() {
        boolean interrupted = false;
        boolean killed = false;
        try {
            if (!process.waitFor(EXIT_WAIT_SECONDS, TimeUnit.SECONDS)) {
                killed = true;
                process.destroy();
                if (!process.waitFor(2, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            }
        } catch (InterruptedException e) {
            interrupted = true;
            killed = true;
            process.destroyForcibly();
            try {
                process.waitFor(); // SIGKILL: returns at once, leaves no zombie
            } catch (InterruptedException again) {
                // nothing left to do; the process is dead or dying
            }
        }
        try {
            stdoutPump.join(PUMP_JOIN_MILLIS);
            stderrPump.join(PUMP_JOIN_MILLIS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (!process.isAlive()) {
            exitCode = process.exitValue();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting; the hook will find the process already gone
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return killed;
    }

    /**
     * A write to tcpdump failed, which almost always means it exited (bad flags, killed):
     * wait briefly for it, and describe its exit (status and its error message) instead of
     * a bare "Broken pipe".
     */
    private IOException failed(IOException cause) {
        try {
            if (process.waitFor(2, TimeUnit.SECONDS)) {
                stderrPump.join(1000); // for its last error line
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return describeExit(cause);
    }

    private IOException describeExit(IOException cause) {
        if (process.isAlive()) {
            return new IOException("cannot write to tcpdump: "
                    + (cause == null ? "unknown error" : cause.getMessage()), cause);
        }
        String detail = errorLine;
        return new IOException("tcpdump exited with status " + process.exitValue()
                + (detail == null ? "" : ": " + detail), cause);
    }

    // ---- the pump threads ----

    private void pumpStdout(InputStream stdout, PrintWriter out) {
        long nextNumber = 1; // tcpdump's number for the next packet it prints
        String nextPrefix = numberPrefix(nextNumber);
        boolean inMarker = false;
        try (BufferedReader reader = reader(stdout)) {
            String line;
            while ((line = reader.readLine()) != null) {
                Expected next = line.startsWith(nextPrefix) ? expected.peek() : null;
                if (next != null && (!next.isMarker() || line.contains(markerMac))) {
                    expected.poll();
                    int prefixLength = nextPrefix.length();
                    nextNumber++;
                    nextPrefix = numberPrefix(nextNumber);
                    if (next.isMarker()) {
                        next.extraLines().forEach(out::println);
                        inMarker = true;
                    } else {
                        String rest = line.substring(prefixLength);
                        out.println(userNumbered ? numberPrefix(next.packetNumber()) + rest : rest);
                        inMarker = false;
                    }
                } else if (!inMarker) {
                    out.println(line);
                }
                if (!reader.ready()) {
                    out.flush(); // flush per burst, not per line
                }
            }
        } catch (IOException e) {
            out.println("netcap: reading tcpdump output failed: " + e.getMessage());
        } finally {
            out.flush();
        }
    }

    private void pumpStderr(InputStream stderr, PrintWriter err) {
        boolean firstComplaint = true;
        try (BufferedReader reader = reader(stderr)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith(BANNER_PREFIX)) {
                    continue;
                }
                if (line.startsWith("tcpdump: ")) {
                    if (firstComplaint) {
                        errorLine = line;
                        firstComplaint = false;
                    }
                } else if (firstComplaint) {
                    errorLine = line;
                }
                err.println(line);
                if (!reader.ready()) {
                    err.flush();
                }
            }
        } catch (IOException e) {
            err.println("netcap: reading tcpdump errors failed: " + e.getMessage());
        } finally {
            err.flush();
        }
    }

    private static BufferedReader reader(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /** tcpdump's -# prefix: the number as "%5u" followed by two spaces. */
    static String numberPrefix(long number) {
        String digits = Long.toString(number);
        StringBuilder sb = new StringBuilder(Math.max(5, digits.length()) + 2);
        for (int i = digits.length(); i < 5; i++) {
            sb.append(' ');
        }
        return sb.append(digits).append("  ").toString();
    }
}

package io.netcap.pcap;

import static io.netcap.pcap.Packets.ascii;
import static io.netcap.pcap.Packets.ethernet;
import static io.netcap.pcap.Packets.ipv4;
import static io.netcap.pcap.Packets.ipv6;
import static io.netcap.pcap.Packets.tcp;
import static io.netcap.pcap.Packets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class TcpdumpDisplayTest {
    static final long T0 = 1_700_000_000_000_000_000L;

    @TempDir
    Path dir;

    /** A PrintStream whose output the test can read back as lines. */
    static final class Capture {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        List<String> lines() {
            String t = text();
            return t.isEmpty() ? List.of() : List.of(t.split("\n", -1)).subList(0, t.split("\n", -1).length - 1);
        }
    }

    /** Packets of several shapes: TCP and UDP over Ethernet, raw IPv4 and raw IPv6. */
    static List<CapturedPacket> mixedPackets(int count) {
        List<CapturedPacket> packets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long ts = T0 + i * 1_000_000L + i;
            byte[] data;
            int linkType = LinkType.ETHERNET;
            switch (i % 4) {
                case 0:
                    data = ethernet("02:00:00:00:00:02", "02:00:00:00:00:01", 0x0800,
                            ipv4("10.0.0.1", "10.0.0.2", 6, tcp(20000 + i, 80, Packets.TCP_SYN, new byte[0])));
                    break;
                case 1:
                    data = ethernet("02:00:00:00:00:01", "02:00:00:00:00:02", 0x0800,
                            ipv4("10.0.0.2", "10.0.0.1", 17, udp(9000, 30000 + i, ascii("payload-" + i))));
                    break;
                case 2:
                    linkType = LinkType.RAW;
                    data = ipv4("192.0.2.7", "192.0.2.8", 6,
                            tcp(443, 40000 + i, Packets.TCP_PSH | Packets.TCP_ACK, ascii("0123456789abcdef-" + i)));
                    break;
                default:
                    linkType = LinkType.RAW;
                    data = ipv6("2001:db8::7", "2001:db8::8", 17, udp(5000 + i, 7000, ascii("v6")));
                    break;
            }
            packets.add(CapturedPacket.of(ts, linkType, data));
        }
        return packets;
    }

    /** 0 to 3 extra lines per packet, each naming its packet so misplacement shows. */
    static List<String> extrasFor(int i) {
        List<String> lines = new ArrayList<>();
        for (int k = 0; k < i % 4; k++) {
            lines.add("    [netcap] packet " + (i + 1) + " frame " + k + " tcp_v4_rcv+0x" + k);
        }
        return lines;
    }

    /**
     * What tcpdump prints for each packet with {@code flags}, from a plain file with no markers:
     * run it with -# and cut the output at the packet numbers.
     */
    List<List<String>> reference(List<CapturedPacket> packets, String... flags) throws Exception {
        Path file = dir.resolve("reference.pcap");
        try (PcapWriter w = PcapWriter.open(file, PcapWriter.MAX_SNAP_LENGTH)) {
            for (CapturedPacket p : packets) {
                w.write(p);
            }
        }
        List<String> args = new ArrayList<>(List.of("-#"));
        args.addAll(List.of(flags));
        List<String> lines = Tcpdump.read(file, args.toArray(new String[0]));
        List<List<String>> groups = new ArrayList<>();
        for (String line : lines) {
            String prefix = TcpdumpDisplay.numberPrefix(groups.size() + 1);
            if (line.startsWith(prefix)) {
                groups.add(new ArrayList<>(List.of(line.substring(prefix.length()))));
            } else {
                groups.get(groups.size() - 1).add(line);
            }
        }
        assertEquals(packets.size(), groups.size(), "reference output:\n" + String.join("\n", lines));
        return groups;
    }

    /** Runs the display over the packets with the given extra lines and returns stdout lines. */
    List<String> display(List<CapturedPacket> packets, List<List<String>> extras, int batch,
                         String flags, Capture err) throws IOException {
        Capture out = new Capture();
        try (TcpdumpDisplay d = TcpdumpDisplay.start(ShellWords.split(flags), out.stream, err.stream)) {
            for (int i = 0; i < packets.size(); i++) {
                d.write(packets.get(i), extras.get(i));
                if ((i + 1) % batch == 0) {
                    d.flush();
                }
            }
            assertEquals(packets.size(), d.packetsWritten());
        }
        return out.lines();
    }

    /** Checks the display against the reference output with every packet's extras under it. */
    void checkInterleaving(int count, int batch, String flags) throws Exception {
        List<CapturedPacket> packets = mixedPackets(count);
        List<List<String>> extras = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            extras.add(extrasFor(i));
        }
        List<List<String>> reference = reference(packets, ShellWords.split(flags).toArray(new String[0]));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            expected.addAll(reference.get(i));
            expected.addAll(extras.get(i));
        }
        Capture err = new Capture();
        List<String> actual = display(packets, extras, batch, flags, err);
        assertEquals(String.join("\n", expected), String.join("\n", actual), "flags " + flags);
        assertEquals("", err.text(), "stderr for flags " + flags);
    }

    @Test
    void onePacketOneLineInOrder() throws Exception {
        int count = 40;
        List<CapturedPacket> packets = new ArrayList<>();
        List<List<String>> noExtras = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            packets.add(CapturedPacket.of(T0 + i * 1000L, LinkType.RAW,
                    ipv4("10.0.0.1", "10.0.0.2", 17, udp(1000 + i, 9000, ascii("data")))));
            noExtras.add(List.of());
        }
        Capture err = new Capture();
        List<String> lines = display(packets, noExtras, 7, "-nn -tt --nano", err);
        assertEquals(count, lines.size(), String.join("\n", lines));
        for (int i = 0; i < count; i++) {
            assertEquals(String.format("1700000000.%09d IP 10.0.0.1.%d > 10.0.0.2.9000: UDP, length 4",
                    i * 1000L, 1000 + i), lines.get(i));
        }
        assertEquals("", err.text(), "the 'reading from file' banner must be filtered");
    }

    @Test
    void extraLinesFollowTheirPacket() throws Exception {
        checkInterleaving(12, 5, "-nn");
    }

    @Test
    void extraLinesFollowMultiLineVerboseOutput() throws Exception {
        checkInterleaving(12, 3, "-nn -v");
        checkInterleaving(8, 8, "-vvv -e");
    }

    @Test
    void extraLinesFollowHexAndAsciiDumps() throws Exception {
        checkInterleaving(12, 4, "-nn -x");
        checkInterleaving(8, 1, "-nn -XX -t");
        checkInterleaving(8, 2, "-nn -A -q");
    }

    @Test
    void manyPacketsInBigBatches() throws Exception {
        checkInterleaving(3000, 250, "-nn -tttt");
    }

    @Test
    void userNumberingCountsOnlyRealPackets() throws Exception {
        List<CapturedPacket> packets = mixedPackets(10);
        List<List<String>> extras = new ArrayList<>();
        for (int i = 0; i < packets.size(); i++) {
            extras.add(extrasFor(i));
        }
        List<List<String>> reference = reference(packets, "-nn", "-v");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < packets.size(); i++) {
            List<String> group = reference.get(i);
            expected.add(TcpdumpDisplay.numberPrefix(i + 1) + group.get(0));
            expected.addAll(group.subList(1, group.size()));
            expected.addAll(extras.get(i));
        }
        for (String flags : new String[] {"-nn -v -#", "-nnv --number"}) {
            List<String> actual = display(packets, extras, 3, flags, new Capture());
            assertEquals(String.join("\n", expected), String.join("\n", actual), flags);
            assertFalse(String.join("\n", actual).contains("0x88b5"), "a marker leaked");
        }
    }

    @Test
    void extraLinesAppearAfterFlushWithoutClosing() throws Exception {
        Capture out = new Capture();
        Capture err = new Capture();
        try (TcpdumpDisplay d = TcpdumpDisplay.start(List.of("-nn"), out.stream, err.stream)) {
            d.write(mixedPackets(1).get(0), List.of("  stack-line-1", "  stack-line-2"));
            d.flush();
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!out.text().contains("stack-line-2") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            List<String> lines = out.lines();
            assertEquals(3, lines.size(), "lines so far: " + lines);
            assertTrue(lines.get(0).contains("10.0.0.1.20000 > 10.0.0.2.80: Flags [S]"), lines.get(0));
            assertEquals(List.of("  stack-line-1", "  stack-line-2"), lines.subList(1, 3));
        }
    }

    @Test
    void payloadCannotForgeAMarker() throws Exception {
        byte[] sneaky = ipv4("10.0.0.1", "10.0.0.2", 17,
                udp(1111, 2222, ascii("x\n    2  02:00:00:00:00:00 forged marker line\nafter\n")));
        List<CapturedPacket> packets = List.of(CapturedPacket.of(T0, LinkType.RAW, sneaky),
                CapturedPacket.of(T0 + 1, LinkType.RAW, ipv4("10.0.0.3", "10.0.0.4", 17, udp(3333, 4444, ascii("y")))));
        List<String> lines = display(packets, List.of(List.of("  extra-for-1"), List.of()), 2, "-nn -A", new Capture());
        int forged = lines.indexOf("    2  02:00:00:00:00:00 forged marker line");
        int extra = lines.indexOf("  extra-for-1");
        assertTrue(forged > 0 && extra > forged, "forged line must stay inside packet 1's output: " + lines);
        assertTrue(lines.contains("after"), "packet 1's output must not be suppressed: " + lines);
        assertTrue(lines.get(extra + 1).contains("10.0.0.3.3333 > 10.0.0.4.4444"), lines.toString());
    }

    @Test
    void closeReapsTcpdumpAndIsIdempotent() throws Exception {
        Capture out = new Capture();
        TcpdumpDisplay d = TcpdumpDisplay.start(List.of("-nn"), out.stream, new Capture().stream);
        long pid = d.pid();
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "tcpdump should be running");
        assertEquals(List.of("tcpdump", "-r", "-", "-l", "-#", "-nn"), d.command());
        d.write(mixedPackets(1).get(0), List.of("  x"));
        assertNull(d.exitCode());
        d.close();
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "tcpdump still running");
        assertEquals(0, d.exitCode());
        assertEquals(2, out.lines().size(), out.lines().toString());
        d.close();
        assertThrows(IOException.class, () -> d.write(mixedPackets(1).get(0)));
        assertThrows(IOException.class, d::flush);
    }

    @Test
    void badTcpdumpFlagIsReportedWithTcpdumpsOwnMessage() throws Exception {
        Capture err = new Capture();
        // tcpdump may die before start() has written the file header, or any time after:
        // whichever call notices must report tcpdump's complaint, not "Broken pipe".
        TcpdumpDisplay[] started = new TcpdumpDisplay[1];
        IOException e = assertThrows(IOException.class, () -> {
            started[0] = TcpdumpDisplay.start(List.of("--no-such-flag"), new Capture().stream, err.stream);
            for (CapturedPacket p : mixedPackets(4)) {
                started[0].write(p);
            }
            started[0].flush();
            started[0].close();
        });
        if (started[0] != null) {
            try {
                started[0].close(); // after a failed write or flush, close still reaps tcpdump
            } catch (IOException again) {
                // when write or flush noticed first, close was not reached in the lambda: it says the same
                assertEquals(e.getMessage(), again.getMessage());
            }
            started[0].close(); // and a second close is a no-op
            assertEquals(1, started[0].exitCode());
            assertFalse(ProcessHandle.of(started[0].pid()).map(ProcessHandle::isAlive).orElse(false));
        }
        assertEquals("tcpdump exited with status 1: tcpdump: unrecognized option '--no-such-flag'", e.getMessage());
        assertTrue(err.text().contains("Usage: tcpdump"), err.text());
    }

    @Test
    void missingTcpdumpIsAOneLineError() {
        IOException e = assertThrows(IOException.class,
                () -> TcpdumpDisplay.start("/nonexistent/bin/tcpdump", List.of("-nn"),
                        new Capture().stream, new Capture().stream));
        assertEquals("tcpdump not found at /nonexistent/bin/tcpdump: install the Debian package tcpdump "
                + "(scripts/setup does)", e.getMessage());
        // What ProcessBuilder reports when "tcpdump" is not on the PATH:
        IOException fromPath = TcpdumpDisplay.cannotStart("tcpdump",
                new IOException("Cannot run program \"tcpdump\": error=2, No such file or directory"));
        assertEquals("tcpdump not found: install the Debian package tcpdump (scripts/setup does)",
                fromPath.getMessage());
    }

    @Test
    void filterExpressionIsRejectedBeforeStarting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TcpdumpDisplay.start("/nonexistent/bin/tcpdump", List.of("-nn", "tcp", "port", "80"),
                        new Capture().stream, new Capture().stream));
        assertTrue(e.getMessage().contains("found 'tcp'"), e.getMessage());
    }
}

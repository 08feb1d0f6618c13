package io.netcap.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What happens around the file writers: a write that fails part-way (a full disk),
 * --write-file-rotate, the options' checks, and the display chosen when tcpdump is missing.
 */
class OutputFilesTest {
    private static final long T0 = 1_700_000_000_000_000_000L;

    @TempDir
    Path dir;

    /** A file system that takes {@code room} bytes and then fails as a full disk does, part-way through a write. */
    static final class FullDisk implements RecordOutput.Destination {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        private final int room;

        FullDisk(int room) {
            this.room = room;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int fits = Math.min(len, room - written.size());
            written.write(b, off, fits);
            if (fits < len) {
                throw new IOException("No space left on device");
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public boolean cutBack(long size) {
            byte[] kept = Arrays.copyOf(written.toByteArray(), (int) size);
            written.reset();
            written.writeBytes(kept);
            return true;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aFullDiskLeavesAValidFileOfTheWholeRecordsBeforeItAndSaysSo() throws Exception {
        for (boolean pcapng : new boolean[] {false, true}) {
            FullDisk disk = new FullDisk(10_000);
            RecordOutput out = new RecordOutput(disk, "x.pcap");
            PacketFile w = pcapng ? PcapngWriterAccess.writer(out) : PcapWriterAccess.writer(out);
            byte[] frame = new byte[1000];
            frame[12] = 0x08;
            IOException failure = null;
            int i = 0;
            try {
                for (; i < 100; i++) {
                    w.write(CapturedPacket.of(T0 + i, LinkType.ETHERNET, frame));
                    if (i % 3 == 2) {
                        w.flush(); // a poll batch
                    }
                }
            } catch (IOException e) {
                failure = e;
            }
            assertTrue(failure != null, "the disk fills up");
            byte[] file = disk.written.toByteArray();
            Path copy = dir.resolve(pcapng ? "full.pcapng" : "full.pcap");
            Files.write(copy, file);
            int packets = pcapng ? Tshark.fields(copy, "frame.number").size() : PcapReader.read(copy).size();
            assertTrue(packets > 0 && packets < i + 1, packets + " packets of " + (i + 1));
            assertEquals(Tcpdump.read(copy, "-nn").size(), packets, "tcpdump reads every packet and no partial one");
            assertTrue(failure.getMessage().matches("cannot write x.pcap: No space left on device; stopped, and x.pcap"
                    + " is complete with the " + packets + " packets written before \\(\\d+ after them lost\\)"),
                    failure.getMessage());
            IOException again = assertThrows(IOException.class, () -> w.write(CapturedPacket.of(T0, LinkType.ETHERNET, frame)));
            assertEquals(failure.getMessage(), again.getMessage(), "nothing more is written after the failure");
            w.close(); // the capture loop closes the sink after the error: nothing more, no exception
            assertArrayEquals(file, disk.written.toByteArray());
        }
    }

    @Test
    void keepLastWritesOnlyTheLastPacketsAtTheEndAndSaysHowMany() throws Exception {
        Path file = dir.resolve("last.pcap");
        StringWriter err = new StringWriter();
        PcapWriter writer = PcapWriter.open(file, 65535);
        KeepLastSink sink = new KeepLastSink(writer, file.toString(), 3, new PrintWriter(err, true));
        byte[] reused = new byte[60];
        for (int i = 0; i < 10; i++) {
            reused[14] = (byte) i; // the loop reuses its buffer: the sink must keep copies
            sink.write(CapturedPacket.of(T0 + i, LinkType.ETHERNET, reused));
            sink.flush();
        }
        assertEquals(24, Files.size(file), "only the header before the end");
        sink.close();
        List<PcapRecord> records = PcapReader.read(file);
        assertEquals(3, records.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(7 + i, records.get(i).data()[14]);
            assertEquals(T0 + 7 + i, records.get(i).timestampNanos());
        }
        assertEquals("netcap: --write-file-rotate 3: wrote the last 3 of 10 packets to " + file + "\n", err.toString());
    }

    /** N packets that would not fit in the heap: the oldest go, said once, and the end says how many were kept. */
    @Test
    void keepLastHoldsNoMoreThanItsMemoryBudgetAndSaysSo() throws Exception {
        Path file = dir.resolve("budget.pcap");
        StringWriter err = new StringWriter();
        PcapWriter writer = PcapWriter.open(file, 65535);
        long budget = 4 * (1000 + KeepLastSink.PACKET_OVERHEAD_BYTES); // four 1000-byte packets
        KeepLastSink sink = new KeepLastSink(writer, file.toString(), 100, new PrintWriter(err, true), budget);
        byte[] reused = new byte[1000];
        for (int i = 0; i < 10; i++) {
            reused[14] = (byte) i;
            sink.write(CapturedPacket.of(T0 + i, LinkType.ETHERNET, reused));
        }
        sink.close();
        List<PcapRecord> records = PcapReader.read(file);
        assertEquals(4, records.size());
        assertEquals(6, records.get(0).data()[14], "the newest four");
        String[] lines = err.toString().split("\n");
        assertEquals(2, lines.length, err.toString());
        assertTrue(lines[0].startsWith("netcap: --write-file-rotate 100: half the JVM's heap (0 MiB) holds only the last 4 packets"),
                lines[0]);
        assertEquals("netcap: --write-file-rotate 100: wrote the last 4 of 10 packets to " + file
                + " (all that half the JVM's heap held)", lines[1]);
    }

    @Test
    void optionsThatDoNotGoTogetherAreRefusedWithWhatToDo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FileOutput(false, 0, 0, 3, 0, null));
        assertEquals("-W limits the files that -C or --rotate-seconds make;"
                + " give -C SIZE or --rotate-seconds SECONDS with it", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FileOutput.parseSize("0"));
        assertEquals("-C: the file size must be at least 1, not '0'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FileOutput.parseSize("1x"));
        assertThrows(IllegalArgumentException.class, () -> FileOutput.parseSize("-5"));
        assertThrows(IllegalArgumentException.class, () -> FileOutput.parseSize("99999999999999999g"));
        assertEquals(10_000_000, FileOutput.parseSize("10"));
        assertEquals(512 * 1024, FileOutput.parseSize("512k"));
        assertEquals(2L << 30, FileOutput.parseSize("2G"));
        assertThrows(IllegalArgumentException.class, () -> new FileOutput(false, 1000, 0, 0, 5, null));
        FileOutput rotate = new FileOutput(false, 1000, 0, 0, 0, null);
        e = assertThrows(IllegalArgumentException.class,
                () -> new OutputSpec(Path.of("-"), false, false, List.of(), false, 100, false, false, false, rotate, null));
        assertEquals("-C and --rotate-seconds write a series of files: give -w a file name, not -", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new OutputSpec(null, false, false, List.of(), false, 100,
                false, false, false, new FileOutput(true, 0, 0, 0, 0, null), null));
        assertEquals("--pcapng says how to write a file: give -w FILE", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new OutputSpec(Path.of("x.pcap"), false, false, List.of(),
                false, 100, false, false, false, null, OutputSpec.Decoder.BUILTIN));
        assertEquals("--decoder chooses what shows packets; with -w nothing is shown", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new OutputSpec(Path.of("x-%Q.pcap"), false, false,
                List.of(), false, 100, false, false, false, new FileOutput(false, 0, 5, 0, 0, null), null));
        assertTrue(e.getMessage().startsWith("-w with --rotate-seconds: the name's '%Q' is not a strftime conversion"),
                e.getMessage());
        OutputSpec byName = new OutputSpec(Path.of("a.PCAPNG"), false, false, List.of(), false, 100);
        assertTrue(byName.files().pcapng(), "a .pcapng name means pcapng");
        assertFalse(new OutputSpec(Path.of("a.pcapng"), false, false, List.of(), true, 100).usesStdout(),
                "-S goes into the pcapng comments, not to stdout");
    }

    @Test
    void withoutTcpdumpTheBuiltInDecoderShowsPacketsAfterOneNotice() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        OutputSpec spec = new OutputSpec(null, false, false, OutputSpec.DEFAULT_TCPDUMP_FLAGS, false, 1514);
        byte[] frame = Packets.ethernet("66:77:88:99:aa:bb", "00:11:22:33:44:55", 0x0800,
                Packets.ipv4("10.0.0.1", "10.0.0.2", 17, Packets.udp(1, 2, new byte[3])));
        try (PacketSink sink = Sinks.open(spec, null, new PrintWriter(out), new PrintWriter(err), "/nonexistent/tcpdump",
                () -> java.time.ZoneOffset.UTC)) {
            sink.write(CapturedPacket.of(T0, LinkType.ETHERNET, frame).withNotes(List.of()));
            sink.flush();
        }
        assertEquals("netcap: tcpdump is not installed; showing packets with the built-in decoder (--decoder builtin)\n",
                err.toString());
        assertEquals("22:13:20.000000 IP 10.0.0.1.1 > 10.0.0.2.2: UDP, length 3\n", out.toString());

        OutputSpec withFlags = new OutputSpec(null, false, false, List.of("-v"), false, 1514);
        IOException e = assertThrows(IOException.class, () -> Sinks.open(withFlags, null, new PrintWriter(out),
                new PrintWriter(err), "/nonexistent/tcpdump", () -> java.time.ZoneOffset.UTC));
        assertTrue(e.getMessage().startsWith("tcpdump not found at /nonexistent/tcpdump"), e.getMessage());
    }
}

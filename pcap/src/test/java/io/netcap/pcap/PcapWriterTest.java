package io.netcap.pcap;

import static io.netcap.pcap.Packets.ascii;
import static io.netcap.pcap.Packets.ethernet;
import static io.netcap.pcap.Packets.ipv4;
import static io.netcap.pcap.Packets.ipv6;
import static io.netcap.pcap.Packets.tcp;
import static io.netcap.pcap.Packets.udp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapWriterTest {
    static final long T0 = 1_700_000_000_123_456_789L;

    @TempDir
    Path dir;

    static byte[] synSegment() {
        return ethernet("02:00:00:00:00:02", "02:00:00:00:00:01", 0x0800,
                ipv4("10.0.0.1", "10.0.0.2", 6, tcp(40000, 80, Packets.TCP_SYN, new byte[0])));
    }

    @Test
    void fileHeaderIsNanosecondEthernetLittleEndian() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PcapWriter(out).close();
        byte[] expected = {
            0x4d, 0x3c, (byte) 0xb2, (byte) 0xa1, // magic 0xa1b23c4d
            2, 0, 4, 0,                           // version 2.4
            0, 0, 0, 0, 0, 0, 0, 0,               // thiszone, sigfigs
            (byte) 0xff, (byte) 0xff, 0, 0,       // snaplen 65535
            1, 0, 0, 0};                          // LINKTYPE_ETHERNET
        assertArrayEquals(expected, out.toByteArray());
    }

    @Test
    void recordsReadBackExactly() throws IOException {
        byte[] eth = synSegment();
        byte[] raw4 = ipv4("192.0.2.1", "192.0.2.2", 17, udp(5000, 53, ascii("q")));
        byte[] raw6 = ipv6("2001:db8::1", "2001:db8::2", 17, udp(5353, 53, ascii("q6")));
        Path file = dir.resolve("a.pcap");
        try (PcapWriter w = PcapWriter.open(file, PcapWriter.MAX_SNAP_LENGTH)) {
            w.write(CapturedPacket.of(T0, LinkType.ETHERNET, eth));
            w.write(CapturedPacket.of(T0 + 1, LinkType.RAW, raw4));
            w.write(CapturedPacket.of(T0 + 2, LinkType.RAW, raw6));
            assertEquals(3, w.packetsWritten());
        }
        List<PcapRecord> records = PcapReader.read(file);
        assertEquals(3, records.size());

        PcapRecord first = records.get(0);
        assertEquals(T0, first.timestampNanos());
        assertEquals(LinkType.ETHERNET, first.linkType());
        assertEquals(eth.length, first.capturedLength());
        assertEquals(eth.length, first.originalLength());
        assertArrayEquals(eth, first.data());

        PcapRecord second = records.get(1);
        assertEquals(T0 + 1, second.timestampNanos());
        assertEquals(raw4.length + 14, second.capturedLength());
        assertEquals(raw4.length + 14, second.originalLength());
        assertArrayEquals(concat(new byte[12], new byte[] {0x08, 0x00}, raw4), second.data());

        PcapRecord third = records.get(2);
        assertArrayEquals(concat(new byte[12], new byte[] {(byte) 0x86, (byte) 0xdd}, raw6), third.data());
    }

    @Test
    void rawPacketsThatAreNotIpGetTheUnknownEthertype() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(out)) {
            w.write(CapturedPacket.of(T0, LinkType.RAW, new byte[] {0x12, 0x34}));
            w.write(CapturedPacket.of(T0, LinkType.RAW, new byte[0]));
            // LINKTYPE_IPV6 says IPv6 even if the first byte disagrees.
            w.write(CapturedPacket.of(T0, LinkType.IPV6, new byte[] {0x45}));
        }
        List<PcapRecord> records = PcapReader.read(new java.io.ByteArrayInputStream(out.toByteArray()));
        assertEquals(0x88b6, etherType(records.get(0)));
        assertEquals(14, records.get(1).capturedLength());
        assertEquals(0x88b6, etherType(records.get(1)));
        assertEquals(0x86dd, etherType(records.get(2)));
    }

    @Test
    void sliceOfReusedBufferAndWireLengthAreHonoured() throws IOException {
        byte[] packet = synSegment();
        byte[] buffer = new byte[packet.length + 20];
        Arrays.fill(buffer, (byte) 0xee);
        System.arraycopy(packet, 0, buffer, 7, packet.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(out)) {
            w.write(CapturedPacket.of(T0, LinkType.ETHERNET, 1500, buffer, 7, packet.length));
            w.write(CapturedPacket.of(T0, LinkType.RAW, 9000, buffer, 7 + 14, packet.length - 14));
        }
        List<PcapRecord> records = PcapReader.read(new java.io.ByteArrayInputStream(out.toByteArray()));
        assertArrayEquals(packet, records.get(0).data());
        assertEquals(1500, records.get(0).originalLength());
        assertEquals(packet.length, records.get(1).capturedLength());
        assertEquals(9014, records.get(1).originalLength());
    }

    @Test
    void packetsLongerThanSnaplenAreCut() throws IOException {
        byte[] big = new byte[70_000];
        big[0] = 0x45;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(out)) {
            w.write(CapturedPacket.of(T0, LinkType.RAW, big));
        }
        PcapRecord r = PcapReader.read(new java.io.ByteArrayInputStream(out.toByteArray())).get(0);
        assertEquals(65535, r.capturedLength());
        assertEquals(70_014, r.originalLength());
    }

    /** tcpdump -s 100 -w writes 100 as the file's snap length, and so does netcap. */
    @Test
    void theFileDeclaresTheSnapLengthItWasGivenAndNoRecordExceedsIt() throws Exception {
        byte[] eth = new byte[200];
        eth[12] = 0x08;
        byte[] raw = new byte[200];
        raw[0] = 0x45;
        Path file = dir.resolve("s100.pcap");
        try (PcapWriter w = PcapWriter.open(file, 100)) {
            w.write(CapturedPacket.of(T0, LinkType.ETHERNET, eth));
            w.write(CapturedPacket.of(T0 + 1, LinkType.RAW, raw));
            w.write(CapturedPacket.of(T0 + 2, LinkType.ETHERNET, synSegment()));
        }
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(100, java.nio.ByteBuffer.wrap(bytes, 16, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(),
                "snaplen field of the file header");
        List<PcapRecord> records = PcapReader.read(file);
        assertEquals(100, records.get(0).capturedLength());
        assertEquals(200, records.get(0).originalLength());
        // the synthesised Ethernet header counts, as tcpdump -i any counts its cooked header
        assertEquals(100, records.get(1).capturedLength());
        assertEquals(214, records.get(1).originalLength());
        assertArrayEquals(Arrays.copyOf(raw, 86), Arrays.copyOfRange(records.get(1).data(), 14, 100));
        assertEquals(synSegment().length, records.get(2).capturedLength(), "shorter packets are whole");
        assertTrue(Tcpdump.read(file, "-nn").size() == 3);
    }

    @Test
    void aSnapLengthShorterThanTheSynthesisedHeaderCutsTheHeader() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(out, 10)) {
            w.write(CapturedPacket.of(T0, LinkType.RAW, new byte[] {0x45, 1, 2, 3}));
            w.write(CapturedPacket.of(T0, LinkType.ETHERNET, synSegment()));
        }
        List<PcapRecord> records = PcapReader.read(new java.io.ByteArrayInputStream(out.toByteArray()));
        assertEquals(10, records.get(0).capturedLength());
        assertArrayEquals(new byte[10], records.get(0).data(), "the first 10 bytes of the zero-MAC header");
        assertEquals(18, records.get(0).originalLength());
        assertArrayEquals(Arrays.copyOf(synSegment(), 10), records.get(1).data(), "the next record is intact");
    }

    @Test
    void snapLengthsOutsideOneTo65535AreRefusedBeforeTheFileIsCreated() {
        assertThrows(IllegalArgumentException.class, () -> new PcapWriter(new ByteArrayOutputStream(), 0));
        assertThrows(IllegalArgumentException.class, () -> new PcapWriter(new ByteArrayOutputStream(), 65536));
        Path file = dir.resolve("never.pcap");
        assertThrows(IllegalArgumentException.class, () -> PcapWriter.open(file, 0));
        assertTrue(!Files.exists(file));
    }

    @Test
    void nothingReachesTheStreamBeforeFlush() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PcapWriter w = new PcapWriter(out);
        byte[] p = synSegment();
        for (int i = 0; i < 10; i++) {
            w.write(CapturedPacket.of(T0, LinkType.ETHERNET, p));
        }
        assertEquals(0, out.size(), "written before flush");
        w.flush();
        assertEquals(24 + 10 * (16 + p.length), out.size());
        w.close();
    }

    @Test
    void fullBufferIsDrainedWithoutFlush() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PcapWriter w = new PcapWriter(out);
        byte[] p = new byte[1000];
        int count = 200; // ~200 KB: several buffers' worth
        for (int i = 0; i < count; i++) {
            p[0] = (byte) i;
            w.write(CapturedPacket.of(T0 + i, LinkType.ETHERNET, p));
        }
        assertTrue(out.size() > 0 && out.size() <= 24 + count * 1016, "size " + out.size());
        w.close();
        List<PcapRecord> records = PcapReader.read(new java.io.ByteArrayInputStream(out.toByteArray()));
        assertEquals(count, records.size());
        for (int i = 0; i < count; i++) {
            assertEquals((byte) i, records.get(i).data()[0]);
            assertEquals(T0 + i, records.get(i).timestampNanos());
        }
    }

    @Test
    void closeIsIdempotentAndClosesTheStream() throws IOException {
        int[] closes = {0};
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PcapWriter w = new PcapWriter(new FilterOutputStream(sink) {
            @Override
            public void close() throws IOException {
                closes[0]++;
                super.close();
            }
        });
        w.write(CapturedPacket.of(T0, LinkType.ETHERNET, synSegment()));
        w.close();
        w.close();
        assertEquals(1, closes[0]);
        assertEquals(24 + 16 + synSegment().length, sink.size());
        IOException e = assertThrows(IOException.class,
                () -> w.write(CapturedPacket.of(T0, LinkType.ETHERNET, synSegment())));
        assertEquals("pcap writer is closed", e.getMessage());
    }

    /** A stream whose reader left after {@code accepted} bytes: every later write fails, as on EPIPE. */
    private static java.io.OutputStream readerLeavesAfter(int accepted) {
        return new java.io.OutputStream() {
            private int taken;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (taken + len > accepted) {
                    throw new IOException("Broken pipe");
                }
                taken += len;
            }
        };
    }

    @Test
    void bufferedCountsThePacketsAFailingFlushLoses() throws IOException {
        byte[] frame = synSegment();
        PcapWriter w = new PcapWriter(readerLeavesAfter(Integer.MAX_VALUE));
        assertEquals(0, w.buffered(), "the file header is not a packet");
        w.write(CapturedPacket.of(T0, LinkType.ETHERNET, frame));
        w.write(CapturedPacket.of(T0, LinkType.ETHERNET, frame));
        assertEquals(2, w.buffered());
        w.flush();
        assertEquals(0, w.buffered());

        PcapWriter failing = new PcapWriter(readerLeavesAfter(0));
        failing.write(CapturedPacket.of(T0, LinkType.ETHERNET, frame));
        failing.write(CapturedPacket.of(T0, LinkType.ETHERNET, frame));
        failing.write(CapturedPacket.of(T0, LinkType.ETHERNET, frame));
        assertThrows(IOException.class, failing::flush);
        assertEquals(3, failing.buffered(), "the three packets the failed flush held");
    }

    @Test
    void bufferedCountsOnlyWhatIsLeftAfterTheBufferFilledAndDrained() throws IOException {
        byte[] frame = synSegment();
        int record = 16 + frame.length;
        int fitting = (PcapWriter.BUFFER_SIZE - 24) / record; // whole records after the file header
        PcapWriter w = new PcapWriter(readerLeavesAfter(Integer.MAX_VALUE));
        for (int i = 0; i < fitting + 5; i++) {
            w.write(CapturedPacket.of(T0, LinkType.ETHERNET, frame));
        }
        // the first packet that did not fit drained the buffer: it and the 4 after it are left
        assertEquals(5, w.buffered());
    }

    @Test
    void unsupportedLinkTypeIsRejected() {
        PcapWriter w = new PcapWriter(new ByteArrayOutputStream());
        assertThrows(IllegalArgumentException.class,
                () -> w.write(CapturedPacket.of(T0, 113, new byte[20]))); // Linux cooked
        assertEquals(0, w.packetsWritten());
    }

    @Test
    void unwritablePathsGiveOneLineMessages() throws IOException {
        IOException missing = assertThrows(IOException.class,
                () -> PcapWriter.open(Path.of("/nonexistent/x.pcap"), PcapWriter.MAX_SNAP_LENGTH));
        assertEquals("cannot write /nonexistent/x.pcap: No such file or directory", missing.getMessage());

        IOException directory = assertThrows(IOException.class, () -> PcapWriter.open(dir, PcapWriter.MAX_SNAP_LENGTH));
        assertEquals("cannot write " + dir + ": Is a directory", directory.getMessage());

        Path file = dir.resolve("plain-file");
        Files.writeString(file, "x");
        IOException notDir = assertThrows(IOException.class,
                () -> PcapWriter.open(file.resolve("x.pcap"), PcapWriter.MAX_SNAP_LENGTH));
        assertEquals("cannot write " + file.resolve("x.pcap") + ": Not a directory", notDir.getMessage());

        // opens, but refuses what is written: said at open (the file header goes out at once), with the path
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(Path.of("/proc/version")), "needs root");
        IOException proc = assertThrows(IOException.class,
                () -> PcapWriter.open(Path.of("/proc/version"), PcapWriter.MAX_SNAP_LENGTH));
        assertTrue(proc.getMessage().startsWith("cannot write /proc/version: "), proc.getMessage());
    }

    @Test
    void tcpdumpDecodesWhatWeWrite() throws Exception {
        Path file = dir.resolve("t.pcap");
        try (PcapWriter w = PcapWriter.open(file, PcapWriter.MAX_SNAP_LENGTH)) {
            w.write(CapturedPacket.of(T0, LinkType.ETHERNET, synSegment()));
            w.write(CapturedPacket.of(T0 + 1_000, LinkType.RAW,
                    ipv4("192.0.2.1", "192.0.2.2", 17, udp(5000, 53, new byte[12]))));
            w.write(CapturedPacket.of(T0 + 2_000_000_000L, LinkType.RAW,
                    ipv6("2001:db8::1", "2001:db8::2", 6, tcp(443, 51000, Packets.TCP_SYN | Packets.TCP_ACK, new byte[0]))));
            w.write(CapturedPacket.of(T0 + 3, LinkType.RAW, new byte[] {0x12, 0x34, 0x56}));
        }
        List<String> lines = Tcpdump.read(file, "-nn", "--nano", "-tt");
        // The non-IP packet is shown as an unknown ethertype plus a hex dump line.
        assertEquals(5, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("1700000000.123456789 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S],"),
                lines.get(0));
        assertTrue(lines.get(1).startsWith("1700000000.123457789 IP 192.0.2.1.5000 > 192.0.2.2.53:"), lines.get(1));
        assertTrue(lines.get(2).startsWith("1700000002.123456789 IP6 2001:db8::1.443 > 2001:db8::2.51000: Flags [S.],"),
                lines.get(2));
        assertTrue(lines.get(3).contains("ethertype Unknown (0x88b6), length 17"), lines.get(3));
        assertTrue(lines.get(4).startsWith("\t0x0000:  1234 56 "), lines.get(4));

        List<String> withLinkLayer = Tcpdump.read(file, "-nn", "-e");
        assertTrue(withLinkLayer.get(1).contains("00:00:00:00:00:00 > 00:00:00:00:00:00, ethertype IPv4 (0x0800), length 54:"),
                withLinkLayer.get(1));
        assertTrue(withLinkLayer.get(2).contains("ethertype IPv6 (0x86dd)"), withLinkLayer.get(2));
    }

    private static int etherType(PcapRecord r) {
        return ((r.data()[12] & 0xff) << 8) | (r.data()[13] & 0xff);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}

package io.netcap.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotatingPcapWriterTest {
    @TempDir
    Path dir;

    @Test
    void keepsOnlyTheLastPacketsOldestFirst() throws IOException {
        Path file = dir.resolve("r.pcap");
        byte[] reused = new byte[64];
        try (RotatingPcapWriter w = RotatingPcapWriter.open(file, 3)) {
            for (int i = 1; i <= 7; i++) {
                // The capture loop reuses its buffer: each packet overwrites the last one's bytes,
                // and packets have different lengths so slots get reused and regrown.
                java.util.Arrays.fill(reused, (byte) i);
                w.write(CapturedPacket.of(1_000L * i, LinkType.ETHERNET, 100, reused, 2, 10 + i * 5));
            }
            assertEquals(7, w.packetsSeen());
            assertEquals(0, w.packetsWritten());
            assertEquals(0, Files.size(file), "nothing may be written before close");
        }
        List<PcapRecord> records = PcapReader.read(file);
        assertEquals(3, records.size());
        for (int k = 0; k < 3; k++) {
            int i = 5 + k;
            PcapRecord r = records.get(k);
            assertEquals(1_000L * i, r.timestampNanos());
            assertEquals(10 + i * 5, r.capturedLength());
            assertEquals(100, r.originalLength());
            byte[] expected = new byte[10 + i * 5];
            java.util.Arrays.fill(expected, (byte) i);
            assertArrayEquals(expected, r.data());
        }
    }

    @Test
    void fewerPacketsThanCapacityAreAllWritten() throws IOException {
        Path file = dir.resolve("few.pcap");
        RotatingPcapWriter w = RotatingPcapWriter.open(file, 10);
        w.write(CapturedPacket.of(1, LinkType.RAW, Packets.ipv4("10.0.0.1", "10.0.0.2", 17,
                Packets.udp(1, 2, new byte[0]))));
        w.close();
        w.close(); // idempotent
        assertEquals(1, w.packetsWritten());
        List<PcapRecord> records = PcapReader.read(file);
        assertEquals(1, records.size());
        assertEquals(14 + 28, records.get(0).capturedLength());
        assertThrows(IOException.class, () -> w.write(CapturedPacket.of(1, LinkType.ETHERNET, new byte[14])));
    }

    @Test
    void badDestinationOrCapacityFailsAtOnce() {
        IOException e = assertThrows(IOException.class,
                () -> RotatingPcapWriter.open(Path.of("/nonexistent/r.pcap"), 5));
        assertEquals("cannot write /nonexistent/r.pcap: No such file or directory", e.getMessage());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> RotatingPcapWriter.open(dir.resolve("z.pcap"), 0));
        assertTrue(zero.getMessage().contains("positive"));
    }
}

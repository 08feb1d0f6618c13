package io.netcap.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class PcapReaderTest {

    /** A one-record file built by hand in the given byte order. */
    static byte[] file(ByteOrder order, int magic, int linkType, int seconds, int fraction, byte[] data,
                       int origLen) {
        ByteBuffer b = ByteBuffer.allocate(24 + 16 + data.length).order(order);
        b.putInt(magic).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(linkType);
        b.putInt(seconds).putInt(fraction).putInt(data.length).putInt(origLen).put(data);
        return b.array();
    }

    static List<PcapRecord> read(byte[] bytes) throws IOException {
        return PcapReader.read(new ByteArrayInputStream(bytes));
    }

    @Test
    void microsecondFilesInBothByteOrders() throws IOException {
        byte[] data = {1, 2, 3};
        for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            List<PcapRecord> records = read(file(order, 0xa1b2c3d4, 101, 1_700_000_000, 654_321, data, 60));
            assertEquals(1, records.size(), order.toString());
            PcapRecord r = records.get(0);
            assertEquals(1_700_000_000_654_321_000L, r.timestampNanos(), order.toString());
            assertEquals(3, r.capturedLength());
            assertEquals(60, r.originalLength());
            assertEquals(101, r.linkType());
            assertArrayEquals(data, r.data());
        }
    }

    @Test
    void nanosecondFilesInBothByteOrders() throws IOException {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            PcapRecord r = read(file(order, 0xa1b23c4d, 1, 1_700_000_000, 999_999_999, new byte[] {9}, 1)).get(0);
            assertEquals(1_700_000_000_999_999_999L, r.timestampNanos(), order.toString());
            assertEquals(1, r.linkType());
        }
    }

    @Test
    void secondsAboveTwoToThe31AreUnsigned() throws IOException {
        PcapRecord r = read(file(ByteOrder.LITTLE_ENDIAN, 0xa1b23c4d, 1, 0x8000_0000, 0, new byte[0], 0)).get(0);
        assertEquals(0x8000_0000L * 1_000_000_000L, r.timestampNanos());
    }

    @Test
    void emptyFileWithHeaderOnlyHasNoRecords() throws IOException {
        byte[] full = file(ByteOrder.LITTLE_ENDIAN, 0xa1b23c4d, 1, 0, 0, new byte[0], 0);
        assertEquals(0, read(java.util.Arrays.copyOf(full, 24)).size());
    }

    @Test
    void damagedFilesAreRejectedWithReasons() {
        byte[] good = file(ByteOrder.LITTLE_ENDIAN, 0xa1b23c4d, 1, 0, 0, new byte[] {1, 2, 3, 4}, 4);
        IOException cutData = assertThrows(IOException.class, () -> read(java.util.Arrays.copyOf(good, good.length - 1)));
        assertEquals("truncated record data at offset 24", cutData.getMessage());
        IOException cutHeader = assertThrows(IOException.class, () -> read(java.util.Arrays.copyOf(good, 24 + 5)));
        assertEquals("truncated record header at offset 24", cutHeader.getMessage());
        IOException shortFile = assertThrows(IOException.class, () -> read(new byte[10]));
        assertTrue(shortFile.getMessage().startsWith("truncated file header"), shortFile.getMessage());
        IOException notPcap = assertThrows(IOException.class,
                () -> read(file(ByteOrder.LITTLE_ENDIAN, 0x12345678, 1, 0, 0, new byte[0], 0)));
        assertEquals("not a pcap file (magic 0x12345678)", notPcap.getMessage());
        IOException pcapng = assertThrows(IOException.class,
                () -> read(file(ByteOrder.LITTLE_ENDIAN, 0x0a0d0d0a, 1, 0, 0, new byte[0], 0)));
        assertTrue(pcapng.getMessage().contains("pcapng"), pcapng.getMessage());
    }
}

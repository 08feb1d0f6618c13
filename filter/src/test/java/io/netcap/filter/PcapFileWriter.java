package io.netcap.filter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes classic pcap files (little-endian, microsecond timestamps). Record {@code i} gets the
 * timestamp {@code i} seconds, so packets can be identified in tcpdump's output file.
 */
final class PcapFileWriter {
    private PcapFileWriter() {}

    static void write(Path file, LinkType linkType, List<HostShim.Input> packets) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(Pcap.SNAPLEN).putInt(linkType.linkType());
        out.writeBytes(header.array());
        for (int i = 0; i < packets.size(); i++) {
            HostShim.Input p = packets.get(i);
            ByteBuffer record = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            record.putInt(i).putInt(0).putInt(p.capturedLength()).putInt(p.wireLength());
            out.writeBytes(record.array());
            out.write(p.bytes(), 0, p.capturedLength());
        }
        Files.write(file, out.toByteArray());
    }

    /** Timestamps (= packet indices) of the records in a pcap file tcpdump wrote. */
    static java.util.BitSet recordIndices(Path file) throws IOException {
        byte[] data = Files.readAllBytes(file);
        java.util.BitSet indices = new java.util.BitSet();
        if (data.length < 24) {
            return indices;
        }
        ByteBuffer buf = ByteBuffer.wrap(data);
        int magic = buf.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        buf.order(magic == 0xa1b2c3d4 || magic == 0xa1b23c4d ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        int at = 24;
        while (at + 16 <= data.length) {
            int seconds = buf.getInt(at);
            int caplen = buf.getInt(at + 8);
            indices.set(seconds);
            at += 16 + caplen;
        }
        return indices;
    }
}

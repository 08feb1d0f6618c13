package io.netcap.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** -w - as tcpdump means it: the pcap stream on stdout, nothing else there, no file named "-". */
class StdoutOutputTest {
    private static OutputSpec write(String file, boolean stacks) {
        return new OutputSpec(Path.of(file), false, false, List.of(), stacks, 65535);
    }

    @Test
    void dashMeansStdoutAndDotSlashDashIsAFile() {
        assertTrue(write("-", false).pcapToStdout());
        assertFalse(write("./-", false).pcapToStdout());
        assertFalse(write("out.pcap", false).pcapToStdout());
        assertFalse(new OutputSpec(null, true, false, List.of(), false, 65535).pcapToStdout());
    }

    @Test
    void whatWritesToStdoutIsWatchedForItsReader() {
        assertTrue(write("-", false).usesStdout(), "-w -");
        assertTrue(new OutputSpec(null, false, false, List.of(), false, 65535).usesStdout(), "the tcpdump display");
        assertTrue(new OutputSpec(null, true, false, List.of(), false, 65535).usesStdout(), "--json");
        assertTrue(write("out.pcap", true).usesStdout(), "-S stacks next to a file");
        assertFalse(write("out.pcap", false).usesStdout(), "a file and nothing on stdout");
    }

    @Test
    void pcapGoesToStdoutAndStacksToStderr() throws Exception {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        StringWriter text = new StringWriter();
        StringWriter err = new StringWriter();
        byte[] frame = PcapWriterTest.synSegment();
        CapturedPacket packet = new CapturedPacket(PcapWriterTest.T0, LinkType.ETHERNET, frame.length, frame, 0,
                frame.length, "tp_btf:netif_receive_skb", 2, "veth0", 1, 0xffff0000L, 0,
                List.of("netif_receive_skb", "process_backlog"), "in", null, null, false);
        try (PacketSink sink = Sinks.open(write("-", true), stdout, new PrintWriter(text), new PrintWriter(err))) {
            sink.write(packet);
            sink.flush();
        }
        List<PcapRecord> records = PcapReader.read(new ByteArrayInputStream(stdout.toByteArray()));
        assertEquals(1, records.size());
        assertArrayEquals(frame, records.get(0).data());
        assertEquals("", text.toString(), "nothing but the pcap on stdout");
        assertTrue(err.toString().contains("packet 1 at tp_btf:netif_receive_skb dev veth0:\n\tnetif_receive_skb\n"),
                err.toString());
        assertFalse(Files.exists(Path.of("-")), "no file named - in the working directory");
    }

    /** The stream's header declares -s, as a file's does. */
    @Test
    void theStdoutStreamDeclaresTheSnapLength() throws Exception {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        OutputSpec spec = new OutputSpec(Path.of("-"), false, false, List.of(), false, 100);
        try (PacketSink sink = Sinks.open(spec, stdout, new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()))) {
            sink.flush();
        }
        java.nio.ByteBuffer header = java.nio.ByteBuffer.wrap(stdout.toByteArray()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(100, header.getInt(16), "snaplen of the pcap header");
    }
}

package io.netcap.pcap;

import static io.netcap.pcap.Packets.ethernet;
import static io.netcap.pcap.Packets.icmpEcho;
import static io.netcap.pcap.Packets.ipv4;
import static io.netcap.pcap.Packets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pcapng files as Wireshark (tshark) and tcpdump read them. */
class PcapngWriterTest {
    private static final long T0 = 1_700_000_000_123_456_789L;
    private static final PcapngSection SECTION = new PcapngSection("test CPU", "Linux 9.9", "netcap test: netcap dump -w x");

    @TempDir
    Path dir;

    /** A note like --gather's: two lines under the packet. */
    private static PacketNote note(String... lines) {
        return new PacketNote() {
            @Override
            public List<String> lines() {
                return List.of(lines);
            }

            @Override
            public TextColor color() {
                return TextColor.RED; // never in a file
            }

            @Override
            public String jsonField() {
                return "test";
            }

            @Override
            public void writeJsonValue(JsonGenerator g) throws IOException {
                g.writeNull();
            }
        };
    }

    private static CapturedPacket kernel(long t, int linkType, byte[] bytes, String device, long netns, String direction,
                                         String reasonLabel, String reason, List<String> stack, List<PacketNote> notes) {
        return new CapturedPacket(t, linkType, bytes.length, bytes, 0, bytes.length, "tp_btf:netif_receive_skb", 7,
                device, netns, 0xffff888100001000L, 1, stack, direction, reasonLabel, reason, false, null, notes);
    }

    @Test
    void wiresharkReadsInterfacesDirectionCommentsAndBytes() throws Exception {
        byte[] ping = ethernet("66:77:88:99:aa:bb", "00:11:22:33:44:55", 0x0800,
                ipv4("198.18.0.1", "198.18.0.2", 1, icmpEcho(8, 1, 1)));
        byte[] rawUdp = ipv4("10.9.0.1", "10.9.0.2", 17, udp(1000, 2000, new byte[5]));
        List<CapturedPacket> packets = List.of(
                kernel(T0, LinkType.ETHERNET, ping, "veth0", 4026532281L, "in", null, null, List.of(), List.of()),
                kernel(T0 + 1, LinkType.ETHERNET, ping, "veth1", 4026532999L, "out", null, null, List.of(), List.of()),
                kernel(T0 + 2, LinkType.ETHERNET, ping, "veth0", 4026532281L, null, "drop_reason", "NETFILTER_DROP",
                        List.of("kfree_skb_reason+0x1", "nf_hook_slow+0x2"), List.of(note("\tgather: 12 us", "\tsecond line"))),
                kernel(T0 + 3, LinkType.RAW, rawUdp, "wg0", 4026532281L, "out", null, null, List.of(), List.of()),
                new CapturedPacket(T0 + 4, LinkType.ETHERNET, ping.length, ping, 0, ping.length, "process_burst", 0,
                        null, 0, 0, 2, List.of(), null, null, null, false,
                        new CapturedPacket.UserOrigin(4242, 1, "mbuf", 0x7f0000001000L), List.of()));
        Path file = dir.resolve("t.pcapng");
        try (PcapngWriter w = PcapngWriter.open(file, 65535, SECTION)) {
            for (CapturedPacket p : packets) {
                w.write(p);
            }
        }
        List<String[]> rows = Tshark.fields(file, "frame.interface_name", "frame.packet_flags_direction", "frame.comment",
                "frame.time_epoch", "frame.len", "ip.src");
        assertEquals(5, rows.size());
        assertEquals("veth0@netns:4026532281", rows.get(0)[0]);
        assertEquals("0x00000001", rows.get(0)[1], "inbound");
        assertEquals("hook tp_btf:netif_receive_skb, netns 4026532281, skb 0xffff888100001000, cpu 1", rows.get(0)[2]);
        assertEquals("1700000000.123456789", rows.get(0)[3], "nanoseconds (if_tsresol 9)");
        assertEquals("veth1@netns:4026532999", rows.get(1)[0]);
        assertEquals("0x00000002", rows.get(1)[1], "outbound");
        assertEquals("veth0@netns:4026532281", rows.get(2)[0], "the same interface again");
        assertEquals("", rows.get(2)[1], "no direction flag where the hook does not tell");
        // tshark shows a comment's newlines as \n
        assertEquals("hook tp_btf:netif_receive_skb, netns 4026532281, skb 0xffff888100001000, cpu 1,"
                + " drop_reason NETFILTER_DROP\\n\\tkfree_skb_reason+0x1\\n\\tnf_hook_slow+0x2\\n\\tgather: 12 us"
                + "\\n\\tsecond line", rows.get(2)[2]);
        assertEquals("wg0@netns:4026532281", rows.get(3)[0]);
        assertEquals(String.valueOf(rawUdp.length + 14), rows.get(3)[4], "raw IP with a made-up Ethernet header");
        assertEquals("10.9.0.1", rows.get(3)[5]);
        assertEquals("port1@pid:4242", rows.get(4)[0]);
        assertEquals("hook process_burst, pid 4242, port 1, mbuf 0x7f0000001000, cpu 2", rows.get(4)[2]);

        List<String[]> bytes = Tshark.fields(file, "frame.len");
        assertEquals(5, bytes.size());
        // tcpdump (libpcap) reads the whole file too, bytes as written
        List<String> hex = Tcpdump.read(file, "-nn", "-xx");
        assertEquals(HexFormat.of().formatHex(ping), hexOf(hex, 0));
        assertEquals("00000000000000000000000008004500", hexOf(hex, 3).substring(0, 32), "made-up header, then IP");
        assertEquals(5, hex.stream().filter(l -> !l.startsWith("\t")).count());
    }

    /** The bytes tcpdump -xx printed for its {@code n}th packet, as one hex string. */
    private static String hexOf(List<String> lines, int n) {
        int seen = -1;
        StringBuilder sb = new StringBuilder();
        for (String line : lines) {
            if (!line.startsWith("\t")) {
                seen++;
                continue;
            }
            if (seen == n) {
                String body = line.substring(line.indexOf(':') + 1).trim();
                sb.append(body.replace(" ", ""));
            }
        }
        return sb.toString();
    }

    /** The block types of a pcapng file in order, read as the spec lays them out. */
    static List<Integer> blockTypes(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        List<Integer> types = new ArrayList<>();
        while (b.remaining() >= 12) {
            int start = b.position();
            int type = b.getInt();
            int length = b.getInt();
            assertEquals(0, length % 4, "block lengths are multiples of 4");
            assertEquals(length, b.getInt(start + length - 4), "the trailing length repeats the leading one");
            types.add(type);
            b.position(start + length);
        }
        assertEquals(0, b.remaining(), "no partial block at the end");
        return types;
    }

    @Test
    void interfacesAreWrittenOnlyWhenFirstSeen() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] ping = ethernet("66:77:88:99:aa:bb", "00:11:22:33:44:55", 0x0800, ipv4("1.1.1.1", "2.2.2.2", 1, icmpEcho(8, 1, 1)));
        try (PcapngWriter w = new PcapngWriter(out, 1514, SECTION)) {
            w.write(kernel(T0, LinkType.ETHERNET, ping, "a", 1, null, null, null, List.of(), List.of()));
            w.write(kernel(T0, LinkType.ETHERNET, ping, "a", 1, null, null, null, List.of(), List.of()));
            w.write(kernel(T0, LinkType.ETHERNET, ping, "a", 2, null, null, null, List.of(), List.of()));
        }
        assertEquals(List.of(PcapngWriter.SECTION_HEADER, 1, 6, 6, 1, 6), blockTypes(out.toByteArray()));
        ByteArrayOutputStream none = new ByteArrayOutputStream();
        new PcapngWriter(none, 1514, SECTION).close();
        assertEquals(List.of(PcapngWriter.SECTION_HEADER), blockTypes(none.toByteArray()), "no packets, no interfaces");
    }

    @Test
    void sectionHeaderNamesHardwareSystemAndApplication() throws Exception {
        Path file = dir.resolve("s.pcapng");
        PcapngWriter.open(file, 100, new PcapngSection("CPU X", "Linux 6.1", "netcap 1.0: netcap skb -f 'a b'")).close();
        Process p = new ProcessBuilder("capinfos", "-F", file.toString()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor());
        // capinfos 3.6 (Debian 12) labels them as below
        assertTrue(text.contains("Capture hardware:    CPU X"), text);
        assertTrue(text.contains("Capture oper-sys:    Linux 6.1"), text);
        assertTrue(text.contains("Capture application: netcap 1.0: netcap skb -f 'a b'"), text);
    }

    @Test
    void recordsAreCutToTheSnapLengthKeepingTheWireLength() throws Exception {
        Path file = dir.resolve("snap.pcapng");
        byte[] big = new byte[300];
        big[12] = 0x08;
        try (PcapngWriter w = PcapngWriter.open(file, 100, SECTION)) {
            w.write(kernel(T0, LinkType.ETHERNET, big, "a", 1, null, null, null, List.of(), List.of()));
        }
        List<String[]> rows = Tshark.fields(file, "frame.cap_len", "frame.len");
        assertEquals("100", rows.get(0)[0]);
        assertEquals("300", rows.get(0)[1]);
    }

    @Test
    void aCommentLongerThanAnOptionIsCutAndSaysSo() throws Exception {
        List<String> stack = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            stack.add("some_kernel_function_" + i + "+0x10");
        }
        Path file = dir.resolve("long.pcapng");
        byte[] ping = ethernet("66:77:88:99:aa:bb", "00:11:22:33:44:55", 0x0800, ipv4("1.1.1.1", "2.2.2.2", 1, icmpEcho(8, 1, 1)));
        try (PcapngWriter w = PcapngWriter.open(file, 1514, SECTION)) {
            w.write(kernel(T0, LinkType.ETHERNET, ping, "a", 1, null, null, null, stack, List.of()));
        }
        String comment = Tshark.fields(file, "frame.comment").get(0)[0];
        assertTrue(comment.endsWith("[comment cut to 65535 bytes]"), comment.substring(comment.length() - 80));
        blockTypes(Files.readAllBytes(file));
    }

    @Test
    void otherLinkTypesAreRefusedAndClosedWritersSaySo() throws Exception {
        PcapngWriter w = new PcapngWriter(new ByteArrayOutputStream(), 1514, SECTION);
        assertThrows(IllegalArgumentException.class, () -> w.write(CapturedPacket.of(T0, 113, new byte[20])));
        assertEquals(0, w.packetsWritten());
        w.close();
        IOException e = assertThrows(IOException.class, () -> w.write(CapturedPacket.of(T0, LinkType.ETHERNET, new byte[20])));
        assertFalse(e.getMessage().isEmpty());
    }
}

package io.netcap.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netcap.pcap.PcapReader;
import io.netcap.pcap.PcapRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An 802.1Q tag the device took out of the frame (skb->vlan_tci, hardware offload) is put back
 * before the filter, as libpcap does from the packet's aux data: "vlan 100" matches, and the
 * frame netcap writes is the one tcpdump writes, tag and priority bits included. This kernel has
 * no 8021q module; a tc program (vlan_offload.bpf.c) tags A's IPv4 frames on egress with
 * bpf_skb_vlan_push, leaving the tag offloaded, and B's ingress pops it after the receive hooks.
 */
class VlanOffloadIT extends KernelTest {
    @TempDir
    Path dir;

    private void offloadVlanTags(TestNetwork net) throws IOException {
        Path source = dir.resolve("vlan_offload.bpf.c");
        try (InputStream in = VlanOffloadIT.class.getResourceAsStream("/vlan_offload.bpf.c")) {
            Files.copy(in, source);
        }
        Path object = dir.resolve("vlan_offload.o");
        TestNetwork.run("clang", "-O2", "-g", "-target", "bpf", "-I/usr/include/x86_64-linux-gnu", "-c",
                source.toString(), "-o", object.toString());
        TestNetwork.run("ip", "netns", "exec", net.nsA, "tc", "qdisc", "add", "dev", net.devA, "clsact");
        TestNetwork.run("ip", "netns", "exec", net.nsA, "tc", "filter", "add", "dev", net.devA, "egress", "bpf",
                "direct-action", "obj", object.toString(), "sec", "tc/push");
        TestNetwork.run("ip", "netns", "exec", net.nsB, "tc", "qdisc", "add", "dev", net.devB, "clsact");
        TestNetwork.run("ip", "netns", "exec", net.nsB, "tc", "filter", "add", "dev", net.devB, "ingress", "bpf",
                "direct-action", "obj", object.toString(), "sec", "tc/pop");
    }

    /** @param side "a-out": A's TX (the tag pushed at egress, before the hook); "b-in": B's RX */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"tp_btf:net_dev_queue, a-out", "tracepoint:net:net_dev_queue, a-out",
            "tp_btf:netif_receive_skb, b-in", "tracepoint:net:netif_receive_skb, b-in"})
    void anOffloadedTagIsInTheFrameAndTheFilter(String hook, String side) throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            offloadVlanTags(net);
            boolean rx = side.equals("b-in");
            String filter = "vlan 100 and icmp and dst host " + net.addrB;
            Path ours = dir.resolve("netcap.pcap");
            Path theirs = dir.resolve("tcpdump.pcap");
            int count = 5;
            try (ReferenceTcpdump ref = ReferenceTcpdump.start(rx ? net.nsB : net.nsA, rx ? net.devB : net.devA,
                    rx ? "in" : "out", theirs, filter);
                 NetcapProcess netcap = NetcapProcess.start("skb", "-f", hook, "-i", rx ? net.devB : net.devA,
                         "-e", filter, "-w", ours.toString())) {
                netcap.awaitListening();
                net.ping(count);
                Thread.sleep(300);
                netcap.signal("INT");
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                ref.close();
                List<PcapRecord> mine = PcapReader.read(ours);
                List<PcapRecord> reference = PcapReader.read(theirs);
                assertEquals(count, reference.size(), "tcpdump saw the tagged requests");
                assertEquals(count, mine.size(), netcap.stderr());
                for (int i = 0; i < count; i++) {
                    assertArrayEquals(reference.get(i).data(), mine.get(i).data(), "frame " + i);
                    assertEquals(reference.get(i).originalLength(), mine.get(i).originalLength(), "frame " + i + " length");
                }
                byte[] frame = mine.get(0).data();
                assertEquals(0x8100, ((frame[12] & 0xff) << 8) | (frame[13] & 0xff), "TPID after the MAC addresses");
                assertEquals((5 << 13) | 100, ((frame[14] & 0xff) << 8) | (frame[15] & 0xff), "priority 5, VLAN 100");
            }
        }
    }

    /** --json reports the tag too, from the same frame. */
    @org.junit.jupiter.api.Test
    void jsonHasTheVlan() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            offloadVlanTags(net);
            try (NetcapProcess netcap = NetcapProcess.start("skb", "-f", "tp_btf:netif_receive_skb", "--json", "-c", "2",
                    "-e", "vlan 100 and icmp and dst host " + net.addrB)) {
                netcap.awaitListening();
                net.ping(2);
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                String[] lines = netcap.stdout().strip().split("\n");
                assertEquals(2, lines.length, netcap.stdout());
                JsonNode first = new ObjectMapper().readTree(lines[0]);
                assertEquals(100, first.get("vlan").asInt(), first.toString());
                assertEquals("0x0800", first.get("ethertype").asText(), first.toString());
                assertTrue(first.get("len").asInt() == 102, "98-byte frame plus the 4-byte tag: " + first);
            }
        }
    }
}

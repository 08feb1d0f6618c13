package io.netcap.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netcap.pcap.PcapReader;
import io.netcap.pcap.PcapRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * netcap dump from the test's own namespace sees the device layer of two other pairs of
 * namespaces at once, both directions, as tcpdump inside each namespace does.
 */
class DumpIT extends KernelTest {
    @TempDir
    Path dir;

    @Test
    void seesEveryNamespaceInBothDirectionsAndNetnsNarrowsIt() throws Exception {
        try (TestNetwork one = TestNetwork.create(); TestNetwork two = TestNetwork.create()) {
            String filter = "icmp and (host " + one.addrB + " or host " + two.addrB + ")";
            Path all = dir.resolve("all.pcap");
            Path onlyOneB = dir.resolve("one-b.pcap");
            List<Path> refs = List.of(dir.resolve("r1a.pcap"), dir.resolve("r1b.pcap"), dir.resolve("r2a.pcap"),
                    dir.resolve("r2b.pcap"));
            try (ReferenceTcpdump r1a = ReferenceTcpdump.start(one.nsA, one.devA, "inout", refs.get(0), filter);
                 ReferenceTcpdump r1b = ReferenceTcpdump.start(one.nsB, one.devB, "inout", refs.get(1), filter);
                 ReferenceTcpdump r2a = ReferenceTcpdump.start(two.nsA, two.devA, "inout", refs.get(2), filter);
                 ReferenceTcpdump r2b = ReferenceTcpdump.start(two.nsB, two.devB, "inout", refs.get(3), filter);
                 NetcapProcess dumpAll = NetcapProcess.start("dump", "-e", filter, "-w", all.toString());
                 NetcapProcess dumpOne = NetcapProcess.start("dump", "--netns", one.nsB, "-e", filter,
                         "-w", onlyOneB.toString())) {
                dumpAll.awaitListening();
                dumpOne.awaitListening();
                one.ping(2);
                two.ping(2);
                Thread.sleep(300);
                dumpAll.signal("INT");
                dumpOne.signal("INT");
                assertEquals(0, dumpAll.waitFor(30), dumpAll.stderr());
                assertEquals(0, dumpOne.waitFor(30), dumpOne.stderr());
                for (ReferenceTcpdump r : List.of(r1a, r1b, r2a, r2b)) {
                    r.close();
                }
                // Each request and reply crosses two devices (sent on one, received on the other):
                // every namespace's tcpdump sees it once, netcap dump sees it at both ends.
                List<PcapRecord> reference = new ArrayList<>();
                for (Path r : refs) {
                    reference.addAll(PcapReader.read(r));
                }
                List<PcapRecord> mine = PcapReader.read(all);
                assertEquals(16, reference.size(), "tcpdump: 4 pings x 2 packets x 2 ends");
                assertEquals(reference.size(), mine.size(), dumpAll.stderr());
                assertEquals(sortedBytes(reference), sortedBytes(mine));

                List<PcapRecord> narrowed = PcapReader.read(onlyOneB);
                List<PcapRecord> refOneB = PcapReader.read(refs.get(1));
                assertEquals(refOneB.size(), narrowed.size(), "--netns " + one.nsB + "\n" + dumpOne.stderr());
                for (int i = 0; i < narrowed.size(); i++) {
                    assertArrayEquals(refOneB.get(i).data(), narrowed.get(i).data());
                }
            }
        }
    }

    @Test
    void jsonLinesCarryDirectionDeviceAndNamespace() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            String filter = "icmp and host " + net.addrB;
            Path pcap = dir.resolve("same-run.pcap");
            try (NetcapProcess json = NetcapProcess.start("dump", "--json", "-e", filter, "-c", "4");
                 NetcapProcess file = NetcapProcess.start("dump", "-w", pcap.toString(), "-e", filter, "-c", "4")) {
                json.awaitListening();
                file.awaitListening();
                net.ping(3);
                assertEquals(0, json.waitFor(30), json.stderr());
                assertEquals(0, file.waitFor(30), file.stderr());
                ObjectMapper mapper = new ObjectMapper();
                List<JsonNode> lines = new ArrayList<>();
                for (String line : json.stdout().strip().split("\n")) {
                    lines.add(mapper.readTree(line));
                }
                assertEquals(4, lines.size(), json.stdout());
                List<PcapRecord> packets = PcapReader.read(pcap);
                assertEquals(4, packets.size());
                long nsA = net.netnsInode(net.nsA);
                long nsB = net.netnsInode(net.nsB);
                List<String> seen = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    JsonNode j = lines.get(i);
                    String direction = j.get("direction").asText();
                    String device = j.get("device").asText();
                    long netns = j.get("netns").asLong();
                    // Sent on A's device in A's namespace, received on B's in B's (and back).
                    if (device.equals(net.devA)) {
                        assertEquals(nsA, netns, j.toString());
                    } else {
                        assertEquals(net.devB, device, j.toString());
                        assertEquals(nsB, netns, j.toString());
                    }
                    seen.add(direction + " " + device);
                    assertTrue(j.get("time").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z"), j.toString());
                    assertEquals("ICMP", j.get("protocol").asText());
                    assertEquals(j.get("icmp_type").asInt() == 8 ? net.addrA : net.addrB, j.get("src_ip").asText());
                    // Same run, same packets: the pcap has the same lengths in the same order.
                    assertEquals(packets.get(i).originalLength(), j.get("len").asInt(), "packet " + i);
                    assertEquals(packets.get(i).capturedLength(), j.get("caplen").asInt(), "packet " + i);
                    assertEquals(packets.get(i).data()[12 + 2 + 20] & 0xff, j.get("icmp_type").asInt(), "packet " + i);
                }
                // One round trip, in time order: the request leaves A and arrives at B, the reply goes back.
                assertEquals(List.of("out " + net.devA, "in " + net.devB, "out " + net.devB, "in " + net.devA), seen);
            }
        }
    }

    private static List<String> sortedBytes(List<PcapRecord> records) {
        return records.stream().map(r -> java.util.HexFormat.of().formatHex(r.data()))
                .sorted(Comparator.naturalOrder()).toList();
    }
}

package io.netcap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netcap.pcap.PcapReader;
import io.netcap.pcap.PcapRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --transport perf (kernels before 5.8) under a flood sent from every CPU at once: the per-CPU
 * buffers are read one after another and fall behind one another, which must neither send the
 * pcap back in time nor keep netcap from stopping. Each test also stops netcap for a second
 * mid-flood, as a loaded machine may, so that it has full buffers to catch up with however fast
 * this machine is.
 */
class PerfTransportIT extends KernelTest {
    @TempDir
    Path dir;

    /** The capture: packets from A arriving anywhere (B's device), through the perf buffers. */
    private static NetcapProcess capture(TestNetwork net, Path file) throws Exception {
        NetcapProcess netcap = NetcapProcess.start("dump", "-Q", "in", "-e", "ether src " + net.mac(net.nsA, net.devA),
                "-w", file.toString(), "--transport", "perf");
        netcap.awaitListening();
        return netcap;
    }

    @Test
    void aFloodFromEveryCpuIsWrittenInTimeOrder() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            Path file = dir.resolve("flood.pcap");
            try (NetcapProcess netcap = capture(net, file)) {
                Process flood = net.floodFromEveryCpu(1_500_000, 20, dir);
                try {
                    Thread.sleep(300);
                    netcap.pause(1000);
                    assertTrue(flood.waitFor(30, TimeUnit.SECONDS), "trafgen ended");
                } finally {
                    flood.destroy();
                }
                netcap.signal("TERM");
                assertEquals(0, netcap.waitFor(60), netcap.stderr());
                List<PcapRecord> packets = PcapReader.read(file);
                assertCapturedAsSaid(netcap.stderr(), packets.size());
                assertTrue(packets.size() > 100_000, "a flood: " + packets.size() + " packets\n" + netcap.stderr());
                assertInTimeOrder(packets);
                assertFalse(netcap.stderr().contains("out of time order"), netcap.stderr());
            }
        }
    }

    @Test
    void sigtermDuringAFloodEndsNetcapWithinSecondsAndAValidPcap() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            Path file = dir.resolve("term.pcap");
            try (NetcapProcess netcap = capture(net, file)) {
                Process flood = net.floodFromEveryCpu(100_000_000, 30, dir);
                try {
                    Thread.sleep(1000);
                    netcap.pause(1000); // the buffers fill up meanwhile
                    assertTrue(flood.isAlive(), "still flooding when the signal comes");
                    long start = System.nanoTime();
                    netcap.signal("TERM");
                    assertEquals(0, netcap.waitFor(60), netcap.stderr());
                    double seconds = (System.nanoTime() - start) / 1e9;
                    assertTrue(seconds < 5, "netcap took " + seconds + " s to stop\n" + netcap.stderr());
                } finally {
                    flood.destroy();
                    flood.waitFor(10, TimeUnit.SECONDS);
                }
                List<PcapRecord> packets = PcapReader.read(file); // throws on a cut record
                assertCapturedAsSaid(netcap.stderr(), packets.size());
                assertInTimeOrder(packets);
                assertFalse(netcap.stderr().contains("out of time order"), netcap.stderr());
            }
        }
    }

    @Test
    void packetsArrivingAsTheCaptureStartsAreNotLost() throws Exception {
        // A large buffer takes long to map: the perf buffers must exist before the hooks attach,
        // or the packets between the two are lost (they were, and counted as lost).
        try (TestNetwork net = TestNetwork.create()) {
            Process ping = new ProcessBuilder("ip", "netns", "exec", net.nsA, "ping", "-n", "-q", "-i", "0.005",
                    "-c", "2000", "-w", "20", net.addrB).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("ping.log").toFile()).start();
            try {
                Thread.sleep(300); // the ping is under way before netcap starts
                Path file = dir.resolve("start.pcap");
                try (NetcapProcess netcap = NetcapProcess.start("dump", "-Q", "in", "-i", net.devB, "-e", "icmp",
                        "--transport", "perf", "--ring-size", "256", "-w", file.toString())) {
                    netcap.awaitListening();
                    Thread.sleep(500);
                    netcap.signal("INT");
                    assertEquals(0, netcap.waitFor(60), netcap.stderr());
                    assertTrue(netcap.stderr().contains("\n0 packets lost between kernel and user space"), netcap.stderr());
                    int records = PcapReader.read(file).size();
                    assertCapturedAsSaid(netcap.stderr(), records);
                    assertTrue(records > 50, records + " packets in 0.5 s at 200 a second each way\n" + netcap.stderr());
                }
            } finally {
                ping.destroy();
                ping.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** The exit summary's count is what the file holds. */
    private static void assertCapturedAsSaid(String stderr, int records) {
        Matcher m = Pattern.compile("(?m)^(\\d+) packets? captured$").matcher(stderr);
        assertTrue(m.find(), stderr);
        assertEquals(records, Long.parseLong(m.group(1)), stderr);
    }

    private static void assertInTimeOrder(List<PcapRecord> packets) {
        long newest = Long.MIN_VALUE;
        long backwards = 0;
        long worst = 0;
        for (PcapRecord p : packets) {
            if (p.timestampNanos() < newest) {
                backwards++;
                worst = Math.max(worst, newest - p.timestampNanos());
            }
            newest = Math.max(newest, p.timestampNanos());
        }
        assertEquals(0, backwards, "packets earlier than one before them, up to " + worst / 1_000_000.0 + " ms back");
    }
}

package io.netcap.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netcap.pcap.PcapReader;
import io.netcap.pcap.PcapRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The programs the user-space capture tests run netcap against (DpdkApp, XskReceiver, Testpmd)
 * do what those tests rely on: every frame once, the probe targets and USDT notes in the binary,
 * none of the functions left in the stripped copy, clean exits.
 */
class UserSpaceAppsIT extends KernelTest {
    /** Frames in the test pcap: more than one burst of 32, every size of TestFrames.PAYLOAD_SIZES. */
    private static final int FRAMES = 45;

    @TempDir
    Path dir;

    private Path pcap() throws Exception {
        return TestFrames.writePcap(dir.resolve("in.pcap"), TestFrames.mixed(FRAMES));
    }

    @Test
    void dpdkAppProcessesEveryFrameOnce() throws Exception {
        try (DpdkApp app = DpdkApp.start(DpdkApp.binary(), pcap())) {
            assertTrue(app.pid() > 0);
            app.go();
            assertEquals(FRAMES, app.awaitProcessed(Duration.ofSeconds(30)), app.stderr());
        }
    }

    @Test
    void dpdkAppEndsCleanlyWhenToldToStopBeforeReceiving() throws Exception {
        DpdkApp app = DpdkApp.start(DpdkApp.binary(), pcap());
        app.close(); // throws unless it exits 0
    }

    @Test
    void strippedDpdkAppRunsToo() throws Exception {
        try (DpdkApp app = DpdkApp.start(DpdkApp.strippedBinary(), pcap())) {
            app.go();
            assertEquals(FRAMES, app.awaitProcessed(Duration.ofSeconds(30)), app.stderr());
        }
    }

    @Test
    void dpdkAppHasItsProbeTargetsAndTheStrippedCopyHasNone() throws Exception {
        List<String> functions = List.of("process_one", "process_burst", "process_chain");
        String symbols = TestNetwork.run("readelf", "-sW", DpdkApp.binary().toString());
        for (String f : functions) {
            assertTrue(Pattern.compile("FUNC\\s+GLOBAL\\s+DEFAULT\\s+\\d+\\s+" + f + "$", Pattern.MULTILINE)
                    .matcher(symbols).find(), f + " in\n" + symbols);
        }
        String notes = TestNetwork.run("readelf", "-n", DpdkApp.binary().toString());
        Matcher probe = Pattern.compile("Provider: netcap_test\\s+Name: (\\w+)").matcher(notes);
        List<String> probes = probe.results().map(r -> r.group(1)).sorted().toList();
        assertEquals(List.of("rx_burst", "rx_mbuf"), probes, notes);

        String stripped = TestNetwork.run("readelf", "-sW", DpdkApp.strippedBinary().toString());
        for (String f : functions) {
            assertFalse(stripped.contains(f), f + " left in the stripped copy:\n" + stripped);
        }
        assertFalse(stripped.contains("'.symtab'"), stripped);
    }

    @Test
    void dpdkAppBenchmarkReportsARateAndItsCounts() throws Exception {
        try (DpdkApp app = DpdkApp.startBench(DpdkApp.binary(), pcap(), 1)) {
            app.go();
            double rate = app.awaitRate(Duration.ofSeconds(30));
            long processed = app.awaitProcessed(Duration.ofSeconds(5));
            long bursts = app.awaitBursts(Duration.ofSeconds(5));
            String got = "rate " + rate + ", processed " + processed + ", bursts " + bursts + "\n" + app.stderr();
            assertTrue(rate > 1000, got);
            // the rate is the frames over the time it received, one second and the last burst's poll
            double seconds = processed / rate;
            assertTrue(seconds >= 0.99 && seconds < 1.5, got);
            assertTrue(bursts > 0 && bursts <= processed && processed <= 32 * bursts, got);
        }
    }

    @Test
    void xskReceiverReceivesWhatThePeerSends() throws Exception {
        int datagrams = 12;
        try (TestNetwork net = TestNetwork.create()) {
            // nothing but the datagrams below reaches B: no IPv6 router or listener reports from A
            TestNetwork.run("ip", "netns", "exec", net.nsA, "sysctl", "-qw",
                    "net.ipv6.conf." + net.devA + ".disable_ipv6=1");
            try (XskReceiver rx = XskReceiver.start(net, net.nsB, net.devB)) {
                assertTrue(rx.pid() > 0);
                String link = TestNetwork.run("ip", "-n", net.nsB, "link", "show", net.devB);
                assertTrue(link.contains("xdpgeneric"), link);
                for (int i = 0; i < datagrams; i++) {
                    net.udp(9, "xsk-" + i);
                }
                assertEquals(datagrams, rx.stop(), rx.stderr());
            }
            String link = TestNetwork.run("ip", "-n", net.nsB, "link", "show", net.devB);
            assertFalse(link.contains("xdp"), "the XDP program is gone: " + link);
        }
    }

    @Test
    void testpmdForwardsEveryFrameOfEveryPass() throws Exception {
        Path out = dir.resolve("out.pcap");
        List<byte[]> frames = TestFrames.mixed(FRAMES);
        try (Testpmd testpmd = Testpmd.start(pcap(), 2, out, Testpmd.RX_TX_CALLBACKS)) {
            assertEquals(0, testpmd.rxPackets(Duration.ofSeconds(10)), "nothing before go()");
            testpmd.go();
            testpmd.awaitReceived(2 * FRAMES, Duration.ofSeconds(30));
            Testpmd.ForwardStats stats = testpmd.stop();
            assertEquals(new Testpmd.ForwardStats(2 * FRAMES, 2 * FRAMES), stats);
        }
        List<PcapRecord> sent = PcapReader.read(out);
        assertEquals(2 * FRAMES, sent.size());
        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(frames.get(i % FRAMES), sent.get(i).data(), "frame " + i);
        }
    }

    @Test
    void testpmdForwardsEndlesslyUntilStopped() throws Exception {
        try (Testpmd testpmd = Testpmd.start(pcap(), 0, null)) {
            testpmd.go();
            testpmd.awaitReceived(10 * FRAMES, Duration.ofSeconds(30));
            Testpmd.ForwardStats stats = testpmd.stop();
            assertTrue(stats.rxPackets() >= 10 * FRAMES, stats.toString());
        }
    }
}

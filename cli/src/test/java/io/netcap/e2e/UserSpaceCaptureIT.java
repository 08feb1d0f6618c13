package io.netcap.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netcap.pcap.LinkType;
import io.netcap.pcap.PcapReader;
import io.netcap.pcap.PcapRecord;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * netcap mbuf and netcap raw against real user-space code: the project's DPDK application
 * (mbufs received from a pcap through net_pcap, handed to process_one, process_burst,
 * process_chain and two USDT probes), an unmodified dpdk-testpmd, and an AF_XDP receiver. Each
 * capture must be, byte for byte and in order, the frames of the input that the filter selects.
 */
class UserSpaceCaptureIT extends KernelTest {
    /** More than one burst of 32; every frame size of TestFrames, up to 1514 bytes. */
    private static final int FRAMES = 45;
    private static final String UDP9 = "udp port 9";

    @TempDir
    Path dir;

    private final List<byte[]> frames = TestFrames.mixed(FRAMES);

    private Path inputPcap() throws Exception {
        return TestFrames.writePcap(dir.resolve("in.pcap"), frames);
    }

    /** The input frames to UDP port 9 (TestFrames.mixed: the even ones). */
    private List<byte[]> toPort9() {
        List<byte[]> selected = new ArrayList<>();
        for (byte[] f : frames) {
            if (f.length >= 38 && (ByteBuffer.wrap(f).getShort(36) & 0xffff) == 9) {
                selected.add(f);
            }
        }
        return selected;
    }

    /**
     * One point of each form, with -p. process_burst@1@2 is the issue's own check; process_chain
     * hands over each frame as a chain of 40-byte segments whose first two data_off differ.
     */
    @ParameterizedTest
    @ValueSource(strings = {"process_burst@1@2", "process_one@1", "process_one", "process_chain@1",
            "usdt:netcap_test:rx_mbuf@1", "usdt:netcap_test:rx_burst@1@2"})
    void eachFormOfPointCapturesExactlyTheSelectedFrames(String point) throws Exception {
        Path out = dir.resolve("out.pcap");
        try (DpdkApp app = DpdkApp.start(DpdkApp.binary(), inputPcap());
             NetcapProcess netcap = NetcapProcess.start("mbuf", "-f", point, "-p", Long.toString(app.pid()),
                     "-e", UDP9, "-w", out.toString())) {
            netcap.awaitListening();
            app.go();
            assertEquals(FRAMES, app.awaitProcessed(Duration.ofSeconds(30)), app.stderr());
            stop(netcap);
            List<byte[]> want = toPort9();
            assertFrames(want, PcapReader.read(out), netcap.stderr());
            assertTrue(netcap.stderr().contains(want.size() + " packets captured"), netcap.stderr());
            assertTrue(netcap.stderr().contains("(of " + FRAMES + " seen at the hooks)"), netcap.stderr());
        }
    }

    /**
     * --gather on user-space points: each frame of a burst (process_burst@1@2) is followed, by
     * its mbuf, to the call that handles it alone (process_one@1).
     */
    @Test
    void gatherFollowsEachMbufFromTheBurstToItsOwnCall() throws Exception {
        try (DpdkApp app = DpdkApp.start(DpdkApp.binary(), inputPcap());
             NetcapProcess netcap = NetcapProcess.start("mbuf", "-G", "--json", "-f", "process_burst@1@2,process_one@1",
                     "-p", Long.toString(app.pid()), "-e", UDP9)) {
            netcap.awaitListening();
            app.go();
            assertEquals(FRAMES, app.awaitProcessed(Duration.ofSeconds(30)), app.stderr());
            stop(netcap);
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            List<com.fasterxml.jackson.databind.JsonNode> followed = new ArrayList<>();
            for (String line : netcap.stdout().lines().filter(l -> l.startsWith("{")).toList()) {
                followed.add(json.readTree(line));
            }
            String all = netcap.stdout() + netcap.stderr();
            List<byte[]> want = toPort9();
            assertEquals(want.size(), followed.size(), all);
            for (int i = 0; i < want.size(); i++) {
                com.fasterxml.jackson.databind.JsonNode hops = followed.get(i).get("gather");
                assertEquals("process_burst@1@2", hops.get(0).get("hook").asText(), all);
                assertEquals("seen", hops.get(1).get("status").asText(), "frame " + i + ": " + all);
                assertTrue(hops.get(1).get("since_first_ns").asLong() >= 0, all);
                assertEquals(want.get(i).length, followed.get(i).get("len").asInt(), all);
            }
            assertTrue(netcap.stderr().matches("(?s).*\\[1]->\\[2] +" + want.size() + " .*"), netcap.stderr());
        }
    }

    @Test
    void countStopsTheCaptureAndDetaches() throws Exception {
        Path out = dir.resolve("out.pcap");
        try (DpdkApp app = DpdkApp.start(DpdkApp.binary(), inputPcap());
             NetcapProcess netcap = NetcapProcess.start("mbuf", "-f", "process_one", "-p", Long.toString(app.pid()),
                     "-c", "3", "-w", out.toString())) {
            netcap.awaitListening();
            app.go();
            assertEquals(0, netcap.waitFor(30), netcap.stderr());
            assertEquals(FRAMES, app.awaitProcessed(Duration.ofSeconds(30)), app.stderr());
            assertFrames(frames.subList(0, 3), PcapReader.read(out), netcap.stderr());
        }
    }

    /** With -p, the capture ends by itself when that process exits, with everything it sent written. */
    @Test
    void theCaptureEndsWhenTheProcessExits() throws Exception {
        Path out = dir.resolve("out.pcap");
        DpdkApp app = DpdkApp.start(DpdkApp.binary(), inputPcap());
        try (NetcapProcess netcap = NetcapProcess.start("mbuf", "-f", "process_burst@1@2", "-p",
                Long.toString(app.pid()), "-e", UDP9, "-w", out.toString())) {
            netcap.awaitListening();
            app.go();
            assertEquals(FRAMES, app.awaitProcessed(Duration.ofSeconds(30)), app.stderr());
            app.close();
            assertEquals(0, netcap.waitFor(30), netcap.stderr());
            assertTrue(netcap.stderr().contains("process " + app.pid() + " has exited; stopping"), netcap.stderr());
            assertFrames(toPort9(), PcapReader.read(out), netcap.stderr());
        } finally {
            app.close();
        }
    }

    /**
     * Without -p a TARGET path is probed in every process that maps it: here two copies of the
     * application, one started after netcap, both captured, each packet tagged with its pid.
     */
    @Test
    void withoutPidEveryProcessOfTheTargetIsCapturedIncludingLaterOnes() throws Exception {
        String binary = DpdkApp.binary().toString();
        try (DpdkApp first = DpdkApp.start(DpdkApp.binary(), inputPcap());
             NetcapProcess netcap = NetcapProcess.start("mbuf", "-f", binary + ":process_one@1", "-e", UDP9, "--json")) {
            netcap.awaitListening();
            try (DpdkApp later = DpdkApp.start(DpdkApp.binary(), inputPcap())) {
                first.go();
                later.go();
                first.awaitProcessed(Duration.ofSeconds(30));
                later.awaitProcessed(Duration.ofSeconds(30));
                int each = toPort9().size();
                netcap.awaitStdoutLines(2 * each);
                stop(netcap);
                String json = netcap.stdout();
                assertEquals(each, count(json, "\"pid\":" + first.pid() + ","), json);
                assertEquals(each, count(json, "\"pid\":" + later.pid() + ","), json);
                assertEquals(2 * each, count(json, "\"dst_port\":9"), json);
                assertTrue(json.contains("\"port\":0,\"mbuf\":\"0x"), json);
            }
        }
    }

    @Test
    void aStrippedTargetIsRefusedSayingSo() throws Exception {
        try (NetcapProcess netcap = NetcapProcess.start("mbuf", "-f", DpdkApp.strippedBinary() + ":process_one")) {
            assertEquals(2, netcap.waitFor(30), netcap.stderr());
            assertTrue(netcap.stderr().contains("is stripped"), netcap.stderr());
            assertTrue(netcap.stderr().lines().count() <= 2, netcap.stderr());
        }
    }

    /** A bare name and the path it resolves to are one place: probing it twice would capture each packet twice. */
    @Test
    void twoSpellingsOfOnePlaceAreRefused() throws Exception {
        try (DpdkApp app = DpdkApp.start(DpdkApp.binary(), inputPcap());
             NetcapProcess netcap = NetcapProcess.start("mbuf", "-f", "process_one@1," + DpdkApp.binary() + ":process_one@1",
                     "-p", Long.toString(app.pid()))) {
            assertEquals(2, netcap.waitFor(30), netcap.stderr());
            assertTrue(netcap.stderr().contains("are the same place (process_one in "), netcap.stderr());
        }
    }

    /** --json on a full disk is an error, as -w is, not packets reported captured and lost. */
    @Test
    void jsonOnAFullDiskIsAnError() throws Exception {
        try (DpdkApp app = DpdkApp.start(DpdkApp.binary(), inputPcap())) {
            Process netcap = new ProcessBuilder("bash", "-c", "exec java -jar " + NetcapProcess.JAR.toAbsolutePath()
                    + " mbuf -f process_one -p " + app.pid() + " --json > /dev/full")
                    .redirectError(dir.resolve("stderr").toFile()).start();
            String stderr = "";
            try {
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
                while (!(stderr = java.nio.file.Files.readString(dir.resolve("stderr"))).contains("listening on")) {
                    assertTrue(netcap.isAlive() && System.nanoTime() < deadline, stderr);
                    Thread.sleep(50);
                }
                app.go();
                assertTrue(netcap.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "netcap did not stop");
                stderr = java.nio.file.Files.readString(dir.resolve("stderr"));
                assertEquals(1, netcap.exitValue(), stderr);
                assertTrue(stderr.contains("cannot write JSON to stdout"), stderr);
            } finally {
                netcap.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
    }

    /**
     * --json into head under load: when head leaves, writes fail, and that is the reader going
     * away (exit 0, counted as not written), not a write error.
     */
    @Test
    void jsonUnderLoadIntoHeadEndsCleanly() throws Exception {
        try (DpdkApp app = DpdkApp.startBench(DpdkApp.binary(), inputPcap(), 5)) {
            Process pipeline = new ProcessBuilder("bash", "-c", "java -jar " + NetcapProcess.JAR.toAbsolutePath()
                    + " mbuf -f process_burst@1@2 -p " + app.pid() + " --json 2>" + dir.resolve("stderr")
                    + " | head -n 2000 > /dev/null; echo \"${PIPESTATUS[0]}\" > " + dir.resolve("status"))
                    .redirectErrorStream(true).start();
            try {
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
                String stderr;
                while (!(stderr = read("stderr")).contains("listening on")) {
                    assertTrue(pipeline.isAlive() && System.nanoTime() < deadline, stderr);
                    Thread.sleep(50);
                }
                app.go();
                assertTrue(pipeline.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the pipeline did not end");
                stderr = read("stderr");
                assertEquals("0", read("status").strip(), stderr);
                assertTrue(stderr.contains("the reader of stdout went away"), stderr);
                assertTrue(!stderr.contains("cannot write"), stderr);
                app.awaitRate(Duration.ofSeconds(30));
            } finally {
                pipeline.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
    }

    private String read(String name) throws java.io.IOException {
        Path file = dir.resolve(name);
        return java.nio.file.Files.exists(file) ? java.nio.file.Files.readString(file) : "";
    }

    @Test
    void aPidThatIsNotThereIsRefused() throws Exception {
        try (NetcapProcess netcap = NetcapProcess.start("mbuf", "-f", "process_one", "-p", "999999999")) {
            assertEquals(2, netcap.waitFor(30), netcap.stderr());
            assertTrue(netcap.stderr().contains("no process with PID 999999999"), netcap.stderr());
        }
    }

    @Test
    void aFunctionTheProcessDoesNotHaveGetsCloseNames() throws Exception {
        try (DpdkApp app = DpdkApp.start(DpdkApp.binary(), inputPcap());
             NetcapProcess netcap = NetcapProcess.start("mbuf", "-f", "process_ones", "-p", Long.toString(app.pid()))) {
            assertEquals(2, netcap.waitFor(30), netcap.stderr());
            assertTrue(netcap.stderr().contains("process_one"), netcap.stderr());
        }
    }

    /**
     * An unmodified DPDK program: dpdk-testpmd forwarding the pcap. Its receive path calls no
     * exported function with its mbufs, except rte_eth_call_rx_callbacks (librte_ethdev), once
     * an rx callback is installed (--latencystats=1 installs one): mbufs in argument 3, their
     * count in argument 4, and called with a count of 0 on every empty poll.
     */
    @Test
    void anUnmodifiedTestpmdIsCapturedAtAnExportedLibraryFunction() throws Exception {
        Path out = dir.resolve("out.pcap");
        String point = "/usr/lib/x86_64-linux-gnu/librte_ethdev.so.23:rte_eth_call_rx_callbacks@3@4";
        try (Testpmd testpmd = Testpmd.start(inputPcap(), 1, dir.resolve("tx.pcap"), Testpmd.RX_TX_CALLBACKS);
             NetcapProcess netcap = NetcapProcess.start("mbuf", "-f", point, "-p", Long.toString(testpmd.pid()),
                     "-e", UDP9, "-w", out.toString())) {
            netcap.awaitListening();
            testpmd.go();
            testpmd.awaitReceived(FRAMES, Duration.ofSeconds(30));
            stop(netcap);
            assertFrames(toPort9(), PcapReader.read(out), netcap.stderr());
        }
    }

    /**
     * AF_XDP: the receiver's own process_raw(data, len) sees each frame in its UMEM; netcap raw
     * must capture what tcpdump captures leaving the peer's end of the veth.
     */
    @Test
    void anAfXdpReceiverIsCapturedAsTcpdumpSeesTheLink() throws Exception {
        int datagrams = 10;
        Path out = dir.resolve("out.pcap");
        Path reference = dir.resolve("tcpdump.pcap");
        try (TestNetwork net = TestNetwork.create()) {
            try (XskReceiver rx = XskReceiver.start(net, net.nsB, net.devB);
                 ReferenceTcpdump tcpdump = ReferenceTcpdump.start(net.nsA, net.devA, "out", reference, UDP9);
                 NetcapProcess netcap = NetcapProcess.start("raw", "-f", "process_raw", "-p", Long.toString(rx.pid()),
                         "-e", UDP9, "-w", out.toString())) {
                netcap.awaitListening();
                for (int i = 0; i < datagrams; i++) {
                    net.udp(9, "xsk-" + "x".repeat(i * 50) + i);
                }
                assertTrue(rx.stop() >= datagrams, rx.stderr());
                stop(netcap);
                tcpdump.close();
                List<PcapRecord> seen = PcapReader.read(reference);
                assertEquals(datagrams, seen.size());
                List<byte[]> want = seen.stream().map(PcapRecord::data).toList();
                assertFrames(want, PcapReader.read(out), netcap.stderr());
            }
        }
    }

    /**
     * --raw-ip: the buffers are taken as IP packets (link type RAW in the kernel, the L3 filter),
     * so the pcap, which is Ethernet, gets netcap's synthetic header in front of the bytes: here
     * an Ethernet frame read as IP, whose ethertype the synthetic header takes from the version
     * nibble of its first byte.
     */
    @Test
    void rawIpBuffersAreTakenAsIp() throws Exception {
        Path out = dir.resolve("out.pcap");
        Path reference = dir.resolve("tcpdump.pcap");
        try (TestNetwork net = TestNetwork.create()) {
            // no filter can pick the datagram out of buffers read as IP: nothing else may reach B
            TestNetwork.run("ip", "netns", "exec", net.nsA, "sysctl", "-qw",
                    "net.ipv6.conf." + net.devA + ".disable_ipv6=1");
            try (XskReceiver rx = XskReceiver.start(net, net.nsB, net.devB);
                 ReferenceTcpdump tcpdump = ReferenceTcpdump.start(net.nsA, net.devA, "out", reference, UDP9);
                 NetcapProcess netcap = NetcapProcess.start("raw", "-f", "process_raw", "-p", Long.toString(rx.pid()),
                         "--raw-ip", "-w", out.toString(), "-c", "1")) {
                netcap.awaitListening();
                net.udp(9, "raw-ip");
                assertEquals(0, netcap.waitFor(30), netcap.stderr());
                rx.stop();
                tcpdump.close();
                byte[] frame = PcapReader.read(reference).get(0).data();
                byte[] record = PcapReader.read(out).get(0).data();
                assertEquals(frame.length + 14, record.length);
                // the ethertype follows the version nibble of the bytes taken as IP: here the first
                // nibble of B's random MAC address
                int version = (frame[0] & 0xff) >> 4;
                int etherType = version == 4 ? 0x0800 : version == 6 ? 0x86dd : 0x88b6;
                assertArrayEquals(new byte[] {(byte) (etherType >> 8), (byte) etherType},
                        java.util.Arrays.copyOfRange(record, 12, 14));
                assertArrayEquals(frame, java.util.Arrays.copyOfRange(record, 14, record.length));
            }
        }
    }

    private static void stop(NetcapProcess netcap) throws Exception {
        netcap.signal("INT");
        assertEquals(0, netcap.waitFor(30), netcap.stderr());
    }

    private static void assertFrames(List<byte[]> want, List<PcapRecord> got, String stderr) {
        assertEquals(want.size(), got.size(), "records\n" + stderr);
        for (int i = 0; i < want.size(); i++) {
            assertArrayEquals(want.get(i), got.get(i).data(), "record " + i + "\n" + stderr);
            assertEquals(want.get(i).length, got.get(i).originalLength(), "record " + i + " length");
            assertEquals(LinkType.ETHERNET, got.get(i).linkType());
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}

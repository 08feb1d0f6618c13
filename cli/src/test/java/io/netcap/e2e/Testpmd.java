package io.netcap.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netcap.pcap.PcapReader;
import io.netcap.pcap.PcapRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DPDK's own, unmodified {@code dpdk-testpmd} (Debian dpdk-dev) forwarding the frames of a pcap in
 * io mode: net_pcap port 0 receives them from the file and sends them back out of port 0, into
 * another pcap file or, without one, nowhere (net_pcap drops them). Run interactively, so that
 * forwarding starts only at {@link #go()}, once probes are attached.
 *
 * <p>Where a probe sees its mbufs (measured on DPDK 22.11): receive and send are inline
 * wrappers around the driver's static burst functions, and mbufs are freed inline, so plain
 * forwarding calls no exported DPDK function with them. With {@link #RX_TX_CALLBACKS}, testpmd
 * puts the latency-stats callbacks on the port, and every burst then passes through
 * {@code librte_ethdev.so.23}'s exported {@code rte_eth_call_rx_callbacks(port, queue, struct
 * rte_mbuf **rx_pkts, uint16_t nb_rx, uint16_t nb_pkts, void *opaque)} (the array is argument 3,
 * its count argument 4; called on every poll, empty ones with nb_rx 0) and
 * {@code rte_eth_call_tx_callbacks(port, queue, struct rte_mbuf **tx_pkts, uint16_t nb_pkts,
 * void *opaque)} (array 3, count 4).
 */
final class Testpmd implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/dpdk-testpmd");
    /**
     * testpmd's option that makes every burst go through rte_eth_call_rx_callbacks and
     * rte_eth_call_tx_callbacks: latency statistics, computed on the forwarding lcore (1).
     */
    static final String RX_TX_CALLBACKS = "--latencystats=1";
    /** Mbufs in testpmd's pool: enough for forwarding; infinite_rx holds the whole pcap in them. */
    static final int MBUFS = 8192;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern RX_PACKETS = Pattern.compile("RX-packets:\\s+(\\d+)");
    private static final Pattern TX_PACKETS = Pattern.compile("TX-packets:\\s+(\\d+)");

    /** Packets testpmd counted over the whole run, from the statistics "stop" prints. */
    record ForwardStats(long rxPackets, long txPackets) {
    }

    private final AppProcess process;
    private final Path workDir;
    private boolean started;
    private ForwardStats stats;

    private Testpmd(AppProcess process, Path workDir) {
        this.process = process;
        this.workDir = workDir;
    }

    /**
     * Starts testpmd on {@code pcap} and waits (at most 30 s) until its command line answers.
     * Nothing is forwarded before {@link #go()}.
     *
     * @param passes  how often the pcap's frames are forwarded: {@code n >= 1} the frames n times
     *                over (then nothing more), {@code 0} endlessly until {@link #stop()} (net_pcap's
     *                infinite_rx, which holds the whole pcap in mbufs: at most a few thousand frames)
     * @param txPcap  where the forwarded frames are written, or null to drop them; must be null
     *                when {@code passes} is 0 (the file would grow without bound)
     * @param options further testpmd options, e.g. {@link #RX_TX_CALLBACKS}
     * @throws org.opentest4j.TestAbortedException if dpdk-testpmd is not installed or there is one CPU
     * @throws AssertionError                      with its output if it exits or does not get ready
     */
    static Testpmd start(Path pcap, int passes, Path txPcap, String... options)
            throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(BINARY), "needs " + BINARY + " (Debian package dpdk-dev)");
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "testpmd forwards on a second CPU");
        if (passes < 0 || (passes == 0 && txPcap != null)) {
            throw new IllegalArgumentException("passes must be >= 1, or 0 (endless) without a tx pcap");
        }
        Path workDir = Files.createTempDirectory("netcap-testpmd");
        AppProcess process = null;
        try {
            Path input = passes <= 1 ? pcap : repeat(pcap, passes, workDir.resolve("input.pcap"));
            StringBuilder vdev = new StringBuilder("--vdev=net_pcap0,rx_pcap=").append(input);
            if (passes == 0) {
                vdev.append(",infinite_rx=1");
            }
            if (txPcap != null) {
                vdev.append(",tx_pcap=").append(txPcap);
            }
            Path runtime = Files.createDirectory(workDir.resolve("runtime"));
            // testpmd prints its statistics with stdio, fully buffered into a pipe: stdbuf makes it
            // line-buffered (and execs testpmd, so the process started is testpmd itself)
            List<String> cmd = new ArrayList<>(List.of("stdbuf", "-oL", BINARY.toString(), "-l", "0-1", "--no-huge", "-m", "1024",
                    "--no-pci", "--no-shconf", "--no-telemetry", vdev.toString(), "--",
                    "-i", "--no-flush-rx", "--forward-mode=io", "--total-num-mbufs=" + MBUFS));
            cmd.addAll(List.of(options));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().put("RUNTIME_DIRECTORY", runtime.toString());
            process = new AppProcess("dpdk-testpmd", pb);
            Testpmd t = new Testpmd(process, workDir);
            t.rxPackets(READY_TIMEOUT); // answered once EAL and the port are up
            return t;
        } catch (IOException | RuntimeException | Error | InterruptedException e) {
            if (process != null) {
                process.close();
            }
            TestAppBuild.deleteTree(workDir);
            throw e;
        }
    }

    /** The frames of {@code pcap}, {@code passes} times over, as a new pcap. */
    private static Path repeat(Path pcap, int passes, Path into) throws IOException {
        List<byte[]> frames = new ArrayList<>();
        List<PcapRecord> records = PcapReader.read(pcap);
        for (int i = 0; i < passes; i++) {
            for (PcapRecord r : records) {
                frames.add(r.data());
            }
        }
        return TestFrames.writePcap(into, frames);
    }

    long pid() {
        return process.pid();
    }

    /** Starts forwarding (testpmd's "start"). */
    void go() throws IOException {
        process.sendLine("start");
        started = true;
    }

    /** Packets port 0 has received so far (testpmd's "show port stats 0"). */
    long rxPackets(Duration timeout) throws IOException, InterruptedException {
        process.sendLine("show port stats 0");
        return Long.parseLong(process.awaitMatch(RX_PACKETS, timeout).group(1));
    }

    /**
     * Waits until port 0 has received at least {@code frames} packets, asking every 100 ms.
     *
     * @return the count when it got there
     * @throws AssertionError with testpmd's output if the time runs out first
     */
    long awaitReceived(long frames, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long seen;
        while ((seen = rxPackets(Duration.ofSeconds(10))) < frames) {
            if (System.nanoTime() > deadline) {
                throw process.failure("received " + seen + " of " + frames + " frames within " + timeout.toMillis()
                        + " ms");
            }
            Thread.sleep(100);
        }
        return seen;
    }

    /**
     * Stops forwarding and testpmd ("stop", "quit"), bounded; later calls return the same numbers.
     *
     * @return what it received and sent, from its final statistics (zeros if forwarding never started)
     * @throws AssertionError with its output if it does not end cleanly
     */
    ForwardStats stop() throws IOException, InterruptedException {
        if (stats == null) {
            ForwardStats s = new ForwardStats(0, 0);
            if (started) {
                process.sendLine("stop");
                process.awaitMatch(Pattern.compile("Accumulated forward statistics"), Duration.ofSeconds(20));
                long rx = Long.parseLong(process.awaitMatch(RX_PACKETS, Duration.ofSeconds(5)).group(1));
                long tx = Long.parseLong(process.awaitMatch(TX_PACKETS, Duration.ofSeconds(5)).group(1));
                s = new ForwardStats(rx, tx);
            }
            process.sendLine("quit");
            int status = process.awaitExit(Duration.ofSeconds(20));
            if (status != 0) {
                throw process.failure("exited with status " + status);
            }
            stats = s;
        }
        return stats;
    }

    /** Makes sure testpmd is gone (EOF ends its command line, then signals) and deletes its files. */
    @Override
    public void close() throws InterruptedException {
        try {
            process.close();
        } finally {
            TestAppBuild.deleteTree(workDir);
        }
    }
}

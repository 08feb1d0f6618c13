package io.netcap.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The test DPDK application (resource {@code userspace/dpdk_app.c}; its header comment has the
 * details) run as a process: it receives a pcap's frames through DPDK's net_pcap device and hands
 * them to {@code process_burst(struct rte_mbuf **, uint16_t)}, {@code process_one(struct rte_mbuf *)},
 * {@code process_chain(struct rte_mbuf *)} (a copy as a chain of 40-byte segments) and the USDT
 * probes {@code netcap_test:rx_burst(pkts, n)} and {@code netcap_test:rx_mbuf(m, pkt_len)}.
 *
 * <p>Use: {@code start} (returns once EAL and the port are set up: attach probes then), {@link #go()},
 * {@link #awaitProcessed(Duration)}, {@link #close()}. Each instance has its own EAL runtime
 * directory, so several may run at once.
 */
final class DpdkApp implements AutoCloseable {
    private static final TestAppBuild.Recipe RECIPE = new TestAppBuild.Recipe("dpdk_app.c", "dpdk_app",
            List.of("libdpdk"), List.of(), List.of("sys/sdt.h"), "gcc pkg-config libdpdk-dev systemtap-sdt-dev");
    /** From start to "ready": EAL set-up takes about 0.2 s here. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final AppProcess process;
    private final Path runtimeDir;
    private final long pid;

    private DpdkApp(AppProcess process, Path runtimeDir, long pid) {
        this.process = process;
        this.runtimeDir = runtimeDir;
        this.pid = pid;
    }

    /**
     * The application built with symbols (gcc -O2 -g, no -rdynamic), once per JVM.
     *
     * @throws org.opentest4j.TestAbortedException if gcc, pkg-config, libdpdk-dev or sys/sdt.h are missing
     */
    static Path binary() throws IOException, InterruptedException {
        return TestAppBuild.build(RECIPE);
    }

    /** A stripped copy of {@link #binary()}: no .symtab, and the process_* functions are not in .dynsym. */
    static Path strippedBinary() throws IOException, InterruptedException {
        return TestAppBuild.stripped(binary());
    }

    /**
     * Starts it in test mode on {@code pcap} and waits for "ready" (at most 30 s). Frames are not
     * received before {@link #go()}.
     *
     * @throws AssertionError with its stderr if it exits or does not get ready
     */
    static DpdkApp start(Path binary, Path pcap) throws IOException, InterruptedException {
        return launch(List.of(binary.toString(), pcap.toString()));
    }

    /**
     * Starts it in benchmark mode: after {@link #go()} it receives the frames of {@code pcap}
     * over and over for {@code seconds}, calling process_burst and process_one (not process_chain),
     * then reports its rate ({@link #awaitRate(Duration)}), then how many frames
     * ({@link #awaitProcessed(Duration)}) and non-empty bursts ({@link #awaitBursts(Duration)}) it
     * received. The whole pcap is held in its mbuf pool
     * (8191 mbufs, shared with the receive ring): keep it to a few thousand frames.
     */
    static DpdkApp startBench(Path binary, Path pcap, double seconds) throws IOException, InterruptedException {
        return launch(List.of(binary.toString(), "--bench", Double.toString(seconds), pcap.toString()));
    }

    private static DpdkApp launch(List<String> cmd) throws IOException, InterruptedException {
        Path runtimeDir = Files.createTempDirectory("netcap-dpdk-run");
        AppProcess process = null;
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().put("RUNTIME_DIRECTORY", runtimeDir.toString());
            process = new AppProcess("dpdk_app", pb);
            long pid = Long.parseLong(process.awaitLine("ready ", READY_TIMEOUT));
            if (pid != process.pid()) {
                throw process.failure("said it is pid " + pid + ", but the process started is " + process.pid());
            }
            return new DpdkApp(process, runtimeDir, pid);
        } catch (IOException | RuntimeException | Error | InterruptedException e) {
            if (process != null) {
                process.close();
            }
            TestAppBuild.deleteTree(runtimeDir);
            throw e;
        }
    }

    /** Its process id, for netcap -p. */
    long pid() {
        return pid;
    }

    /** Lets it receive: call once, after probes are attached. */
    void go() throws IOException {
        process.sendLine("go");
    }

    /**
     * Waits for "processed N" (in benchmark mode it follows "rate": read the rate first).
     *
     * @return N, the frames it received (each went through process_burst and process_one, and in
     *         test mode process_chain)
     * @throws AssertionError with its stderr if it fails or the time runs out
     */
    long awaitProcessed(Duration timeout) throws InterruptedException {
        return Long.parseLong(process.awaitLine("processed ", timeout));
    }

    /**
     * Waits for benchmark mode's "rate R" (allow the run's seconds plus a margin).
     *
     * @return R, packets per second over the run
     */
    double awaitRate(Duration timeout) throws InterruptedException {
        return Double.parseDouble(process.awaitLine("rate ", timeout));
    }

    /**
     * Waits for benchmark mode's "bursts B", which follows "processed".
     *
     * @return B, the non-empty bursts it received (each one call of process_burst, at most 32 frames)
     */
    long awaitBursts(Duration timeout) throws InterruptedException {
        return Long.parseLong(process.awaitLine("bursts ", timeout));
    }

    /** What it wrote to stderr so far (EAL's log, errors). */
    String stderr() {
        return process.stderr();
    }

    /**
     * Closes its stdin so that it frees everything and exits; kills it if it does not within 10 s.
     * Deletes its runtime directory.
     *
     * @throws AssertionError if it exited with a status other than 0
     */
    @Override
    public void close() throws InterruptedException {
        try {
            int status = process.awaitExit(Duration.ofSeconds(10));
            if (status != 0) {
                throw process.failure("exited with status " + status);
            }
        } finally {
            process.close();
            TestAppBuild.deleteTree(runtimeDir);
        }
    }
}

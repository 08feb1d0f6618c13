package io.netcap.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The test AF_XDP receiver (resource {@code userspace/xsk_receiver.c}) run on one end of a
 * {@link TestNetwork}: an AF_XDP socket on queue 0 of the device (generic XDP, copy mode) takes
 * every frame that arrives there and hands it to {@code process_raw(char *data, uint16_t len)}.
 *
 * <p>The frames never reach the kernel stack, so the device no longer answers ARP: {@link #start}
 * therefore puts a permanent neighbour entry for the device's address into the peer namespace,
 * and IP traffic from the peer (e.g. {@link TestNetwork#udp}) still goes out.
 */
final class XskReceiver implements AutoCloseable {
    private static final TestAppBuild.Recipe RECIPE = new TestAppBuild.Recipe("xsk_receiver.c", "xsk_receiver",
            List.of("libxdp"), List.of("-lbpf"), List.of(), "gcc pkg-config libxdp-dev libbpf-dev");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final AppProcess process;
    private final long pid;
    private long received = -1;

    private XskReceiver(AppProcess process, long pid) {
        this.process = process;
        this.pid = pid;
    }

    /**
     * The receiver built with symbols (gcc -O2 -g), once per JVM.
     *
     * @throws org.opentest4j.TestAbortedException if gcc, pkg-config or libxdp-dev are missing
     */
    static Path binary() throws IOException, InterruptedException {
        return TestAppBuild.build(RECIPE);
    }

    /**
     * Starts the receiver in namespace {@code ns} (one of the network's two) on its device
     * {@code dev}, and waits (at most 30 s) until its socket is bound.
     *
     * @throws IllegalArgumentException if (ns, dev) is not one end of {@code net}
     * @throws AssertionError           with its stderr if it exits or does not get ready
     */
    static XskReceiver start(TestNetwork net, String ns, String dev) throws IOException, InterruptedException {
        String peerNs;
        String peerDev;
        String address;
        if (ns.equals(net.nsB) && dev.equals(net.devB)) {
            peerNs = net.nsA;
            peerDev = net.devA;
            address = net.addrB;
        } else if (ns.equals(net.nsA) && dev.equals(net.devA)) {
            peerNs = net.nsB;
            peerDev = net.devB;
            address = net.addrA;
        } else {
            throw new IllegalArgumentException(ns + "/" + dev + " is not an end of the test network");
        }
        Path binary = binary();
        TestNetwork.run("ip", "-n", peerNs, "neigh", "replace", address, "lladdr", net.mac(ns, dev), "dev", peerDev,
                "nud", "permanent");
        // ip netns exec execs the program: the process started is the receiver itself
        AppProcess process = new AppProcess("xsk_receiver",
                new ProcessBuilder("ip", "netns", "exec", ns, binary.toString(), dev));
        try {
            long pid = Long.parseLong(process.awaitLine("ready ", READY_TIMEOUT));
            return new XskReceiver(process, pid);
        } catch (RuntimeException | Error | InterruptedException e) {
            process.close();
            throw e;
        }
    }

    /** Its process id, for netcap -p. */
    long pid() {
        return pid;
    }

    /**
     * Ends it (EOF on stdin): it reports its count, deletes its socket and UMEM (which takes the XDP
     * program off the device) and exits. Later calls return the same count.
     *
     * @return the frames it received, each handed to process_raw once
     * @throws AssertionError with its stderr if it fails or takes more than 10 s
     */
    long stop() throws InterruptedException {
        if (received < 0) {
            process.closeStdin();
            long count = Long.parseLong(process.awaitLine("received ", Duration.ofSeconds(10)));
            int status = process.awaitExit(Duration.ofSeconds(10));
            if (status != 0) {
                throw process.failure("exited with status " + status);
            }
            received = count;
        }
        return received;
    }

    /** What it wrote to stderr so far (libxdp's messages, errors). */
    String stderr() {
        return process.stderr();
    }

    /** Makes sure the process is gone (EOF, then signals); use {@link #stop()} for the count. */
    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}

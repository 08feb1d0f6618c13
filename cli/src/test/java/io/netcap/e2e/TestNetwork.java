package io.netcap.e2e;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Two network namespaces joined by a veth pair, with addresses from the benchmark range
 * 198.18.0.0/15 (never routed anywhere). Each instance picks its own /24 and names, so tests can
 * tell their packets apart from anything else the machine does. Closing deletes the namespaces,
 * which also deletes the veth pair.
 */
final class TestNetwork implements AutoCloseable {
    final String nsA;
    final String nsB;
    final String devA;
    final String devB;
    final String addrA;
    final String addrB;
    private final List<String> namespaces = new ArrayList<>();
    /** Servers started in the namespaces (TCP sinks): stopped before the namespaces go. */
    private final List<Process> servers = new ArrayList<>();

    private TestNetwork(String tag, int subnet) {
        nsA = "nc-" + tag + "-a";
        nsB = "nc-" + tag + "-b";
        devA = "nc" + tag + "a";
        devB = "nc" + tag + "b";
        addrA = "198.18." + subnet + ".1";
        addrB = "198.18." + subnet + ".2";
    }

    static TestNetwork create() throws IOException {
        int n = ThreadLocalRandom.current().nextInt(1, 250);
        TestNetwork net = new TestNetwork(Integer.toString(ThreadLocalRandom.current().nextInt(10000, 99999)), n);
        try {
            net.setUp();
        } catch (IOException | RuntimeException e) {
            net.close();
            throw e;
        }
        return net;
    }

    private void setUp() throws IOException {
        run("ip", "netns", "add", nsA);
        namespaces.add(nsA);
        run("ip", "netns", "add", nsB);
        namespaces.add(nsB);
        run("ip", "link", "add", devA, "netns", nsA, "type", "veth", "peer", "name", devB, "netns", nsB);
        run("ip", "-n", nsA, "addr", "add", addrA + "/24", "dev", devA);
        run("ip", "-n", nsB, "addr", "add", addrB + "/24", "dev", devB);
        for (String[] nd : new String[][] {{nsA, devA}, {nsB, devB}}) {
            run("ip", "-n", nd[0], "link", "set", nd[1], "up");
            run("ip", "-n", nd[0], "link", "set", "lo", "up");
        }
    }

    /** Pings B from A: count echo requests, 0.2 s apart, bounded in time; every reply must come. */
    void ping(int count) throws IOException {
        ping(count, false);
    }

    /** Pings B from A; with {@code dropped} the replies are expected not to come (ping then exits 1). */
    void ping(int count, boolean dropped) throws IOException {
        exec(List.of("ip", "netns", "exec", nsA, "ping", "-n", "-q", "-c", Integer.toString(count), "-i", "0.2",
                "-W", dropped ? "1" : "2", "-w", Integer.toString(count + (dropped ? 1 : 5)), addrB), dropped);
    }

    /** Drops ICMP arriving at B with an iptables rule inside B's namespace. */
    void dropIcmpAtB() throws IOException {
        run("ip", "netns", "exec", nsB, "iptables", "-A", "INPUT", "-p", "icmp", "-j", "DROP");
    }

    /** The inode of a namespace, as netcap reports it and --netns takes it. */
    long netnsInode(String ns) throws IOException {
        return ((Number) java.nio.file.Files.getAttribute(java.nio.file.Path.of("/run/netns", ns), "unix:ino")).longValue();
    }

    /** One UDP datagram from A to B (nothing listens: B answers with ICMP port unreachable). */
    void udp(int port, String payload) throws IOException {
        run("ip", "netns", "exec", nsA, "bash", "-c",
                "echo -n '" + payload + "' > /dev/udp/" + addrB + "/" + port);
    }

    /** A device's MAC address, as aa:bb:cc:dd:ee:ff. */
    String mac(String ns, String dev) throws IOException {
        return run("ip", "netns", "exec", ns, "cat", "/sys/class/net/" + dev + "/address").strip();
    }

    /**
     * {@code count} 60-byte UDP frames from A to B's port 9, sent by trafgen through its mmap TX
     * ring: the kernel builds each skb with only the Ethernet header in the linear part and the
     * rest in page fragments (as TCP's sends and GRO do with payloads).
     */
    void udpFromPageFragments(int count, java.nio.file.Path dir) throws IOException {
        java.nio.file.Path cfg = dir.resolve("frags.cfg");
        java.nio.file.Files.writeString(cfg, "{ eth(da=" + mac(nsB, devB) + ", sa=" + mac(nsA, devA) + "), ipv4(saddr="
                + addrA + ", daddr=" + addrB + ", ttl=64), udp(sport=40000, dport=9), fill(0x41, 18) }\n");
        // trafgen writes a temporary file into its working directory, which may be read-only
        run("ip", "netns", "exec", nsA, "bash", "-c", "cd " + dir + " && exec timeout 20 trafgen --dev " + devA
                + " --conf " + cfg + " -n " + count + " -q");
    }

    /**
     * Starts trafgen sending {@code packets} 60-byte frames from A as fast as it can, shared out
     * over one worker per CPU (trafgen pins worker i to CPU i, and a veth receives on the sending
     * CPU, so every CPU both sends and receives). It ends by itself after at most {@code seconds};
     * destroy the process to end it sooner. The frames go to a MAC address no one has, so B drops
     * them at once: the cheapest receive path, which leaves the capture the most to do.
     */
    Process floodFromEveryCpu(long packets, int seconds, java.nio.file.Path dir) throws IOException {
        java.nio.file.Path cfg = dir.resolve("flood.cfg");
        java.nio.file.Files.writeString(cfg, "{ eth(da=02:00:00:00:00:01, sa=" + mac(nsA, devA) + "), ipv4(saddr="
                + addrA + ", daddr=" + addrB + ", ttl=64), udp(sport=40000, dport=9), fill(0x41, 18) }\n");
        int cpus = Runtime.getRuntime().availableProcessors();
        // trafgen writes a temporary file into its working directory, which may be read-only
        return new ProcessBuilder("timeout", "-s", "INT", Integer.toString(seconds), "ip", "netns", "exec", nsA,
                "trafgen", "--dev", devA, "--conf", cfg.toString(), "-P", Integer.toString(cpus),
                "-n", Long.toString(packets), "-q")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("trafgen.log").toFile())
                .start();
    }

    /** A TCP connect from A to a closed port on B: SYN, then RST. */
    void tcpConnect(int port) throws IOException {
        exec(List.of("ip", "netns", "exec", nsA, "timeout", "5", "bash", "-c",
                "exec 3<>/dev/tcp/" + addrB + "/" + port), true);
    }

    /**
     * A TCP sink on B: socat reads and discards what one connection sends (at most 60 s). Returns
     * once it listens (polled with ss, bounded); stopped with the network.
     */
    void tcpSink(int port) throws IOException {
        servers.add(new ProcessBuilder("ip", "netns", "exec", nsB, "timeout", "60", "socat", "-u",
                "TCP-LISTEN:" + port + ",reuseaddr", "OPEN:/dev/null").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        awaitListening(nsB, port);
    }

    /** iperf3 from A to B for {@code seconds}: a TCP bulk transfer of full-size (and GSO) segments. */
    void tcpBulk(int port, int seconds) throws IOException {
        servers.add(new ProcessBuilder("ip", "netns", "exec", nsB, "timeout", "60", "iperf3", "-s", "-1", "-p",
                Integer.toString(port)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        awaitListening(nsB, port);
        run("ip", "netns", "exec", nsA, "timeout", Integer.toString(seconds + 20), "iperf3", "-c", addrB, "-p",
                Integer.toString(port), "-t", Integer.toString(seconds));
    }

    /** Sends the file's bytes from A to B's port over one TCP connection (B must listen: {@link #tcpSink}). */
    void tcpSend(int port, java.nio.file.Path file) throws IOException {
        run("ip", "netns", "exec", nsA, "timeout", "20", "bash", "-c",
                "cat " + file + " > /dev/tcp/" + addrB + "/" + port);
    }

    private static void awaitListening(String ns, int port) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!run("ip", "netns", "exec", ns, "ss", "-Hltn", "sport = :" + port).isBlank()) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        throw new IOException("nothing listens on port " + port + " in " + ns + " after 10 s");
    }

    static String run(String... cmd) throws IOException {
        return exec(List.of(cmd), false);
    }

    static String exec(List<String> cmd, boolean mayFail) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", cmd));
            }
            String out = new String(p.getInputStream().readAllBytes());
            if (p.exitValue() != 0 && !mayFail) {
                throw new IOException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out.strip());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted: " + String.join(" ", cmd));
        }
    }

    @Override
    public void close() {
        for (Process p : servers) {
            p.destroyForcibly();
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        servers.clear();
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            try {
                run("ip", "netns", "del", namespaces.get(i));
            } catch (IOException e) {
                System.err.println("cleanup: " + e.getMessage());
            }
        }
        namespaces.clear();
    }
}

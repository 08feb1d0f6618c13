package io.netcap.capture.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netcap.capture.kernel.NetworkNamespaces.Answer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Namespaces and devices read from a made-up /proc: processes, an ip-netns mount, an uninspectable process. */
class NetworkNamespacesTest {
    static final long INIT = 4026531840L;
    static final long CONTAINER = 4026532200L;
    static final long MOUNTED = 4026532300L;
    static final long HIDDEN = 4026532400L;

    @TempDir
    Path proc;

    /** /proc/PID with its namespace link and device list; a null namespace makes a link nobody may read. */
    private void process(int pid, Long netns, String... devices) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.createDirectories(dir.resolve("ns"));
        if (netns != null) {
            Files.createSymbolicLink(dir.resolve("ns/net"), Path.of("net:[" + netns + "]"));
        } else {
            Files.writeString(dir.resolve("ns/net"), ""); // not a link: readlink fails as on a denied one
        }
        Files.createDirectories(dir.resolve("net"));
        StringBuilder dev = new StringBuilder("Inter-|   Receive                       |  Transmit\n"
                + " face |bytes    packets errs drop|bytes    packets errs drop\n");
        for (String d : devices) {
            dev.append(String.format("%6s: 1234 5 0 0 0 0 0 0 1234 5 0 0 0 0 0 0%n", d));
        }
        Files.writeString(dir.resolve("net/dev"), dev);
    }

    private NetworkNamespaces scan(Map<Path, Set<String>> mounted) throws IOException {
        Files.createDirectories(proc.resolve("self"));
        Files.writeString(proc.resolve("self/mountinfo"), String.join("\n",
                "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
                "51 43 0:4 net:[" + MOUNTED + "] /run/netns/test\\040a rw shared:4 - nsfs nsfs rw",
                "52 43 0:4 mnt:[4026532999] /run/mnt-ns rw shared:5 - nsfs nsfs rw",
                ""));
        return NetworkNamespaces.scan(proc, path -> Optional.ofNullable(mounted.get(path)));
    }

    private void machine() throws IOException {
        process(1, INIT, "lo", "eth0");
        process(2, INIT, "lo", "eth0");
        process(300, CONTAINER, "lo", "veth-c");
        process(400, null, "lo", "hidden0");
        Files.createDirectories(proc.resolve("sys")); // not a process
    }

    @Test
    void namespacesOfProcessesAndOfIpNetnsMountsExist() throws IOException {
        machine();
        NetworkNamespaces ns = scan(Map.of());
        assertEquals(Answer.YES, ns.exists(INIT));
        assertEquals(Answer.YES, ns.exists(CONTAINER));
        assertEquals(Answer.YES, ns.exists(MOUNTED));
        assertEquals(Answer.NO, ns.exists(12345));
        assertEquals(Answer.NO, ns.exists(4026532999L), "a mount namespace is not a network namespace");
        assertEquals(1, ns.uninspected());
    }

    @Test
    void devicesAreLookedUpInEveryNamespace() throws IOException {
        machine();
        NetworkNamespaces ns = scan(Map.of(Path.of("/run/netns/test a"), Set.of("lo", "veth-m")));
        assertEquals(Answer.YES, ns.hasDevice("eth0", 0));
        assertEquals(Answer.YES, ns.hasDevice("veth-c", 0));
        assertEquals(Answer.YES, ns.hasDevice("veth-m", 0), "entered through its mount, the escaped space decoded");
        assertEquals(Answer.YES, ns.hasDevice("hidden0", 0), "read through /proc/PID/net of a process not inspectable");
        assertEquals(Answer.NO, ns.hasDevice("nosuchdev0", 0));
        assertEquals(Answer.YES, ns.hasDevice("veth-c", CONTAINER));
        assertEquals(Answer.NO, ns.hasDevice("eth0", CONTAINER));
        assertEquals(Answer.NO, ns.hasDevice("eth0", MOUNTED));
        assertEquals(Answer.UNKNOWN, ns.hasDevice("eth0", 12345), "no such namespace: asked of exists()");
    }

    @Test
    void aNamespaceThatCannotBeEnteredLeavesTheAnswerOpen() throws IOException {
        machine();
        NetworkNamespaces ns = scan(Map.of()); // not root: setns refused
        assertEquals(Answer.YES, ns.hasDevice("eth0", 0));
        assertEquals(Answer.UNKNOWN, ns.hasDevice("nosuchdev0", 0));
        assertEquals(Answer.UNKNOWN, ns.hasDevice("eth0", MOUNTED));
    }

    @Test
    void withoutProcTheAnswerIsUnknown() {
        NetworkNamespaces ns = NetworkNamespaces.scan(proc.resolve("missing"), p -> Optional.empty());
        assertEquals(Answer.UNKNOWN, ns.exists(INIT));
        assertEquals(Answer.UNKNOWN, ns.hasDevice("eth0", 0));
    }

    @Test
    void netDevNamesAreWhatComesBeforeTheLastColon() {
        assertEquals(Set.of("lo", "eth0", "we:ird"), NetworkNamespaces.parseNetDev(List.of(
                "Inter-|   Receive |  Transmit", " face |bytes packets|bytes packets",
                "    lo: 1 2 3", "  eth0:    0 0 0", "we:ird: 0 0")));
        assertEquals(Set.of(), NetworkNamespaces.parseNetDev(List.of("only a header")));
    }

    @Test
    void thisMachinesOwnNamespaceHasItsLoopback() throws IOException {
        NetworkNamespaces ns = NetworkNamespaces.scan();
        long own = Long.parseLong(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString().replaceAll("\\D", ""));
        assertEquals(Answer.YES, ns.exists(own));
        assertEquals(Answer.YES, ns.hasDevice("lo", own));
    }
}

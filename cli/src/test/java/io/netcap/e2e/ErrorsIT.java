package io.netcap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user sees when something is wrong: one or two lines, the right exit code, no stack trace. */
class ErrorsIT extends KernelTest {
    private static final String RX = "tracepoint:net:netif_receive_skb";
    private static final List<String> AS_NOBODY = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");

    @TempDir
    Path dir;

    private static NetcapProcess finished(NetcapProcess p) throws InterruptedException {
        p.waitFor(60);
        return p;
    }

    private static void assertShort(NetcapProcess p, int code, String expected) throws InterruptedException {
        assertEquals(code, p.waitFor(60), p.stderr());
        assertTrue(p.stderr().contains(expected), () -> "expected \"" + expected + "\" in:\n" + p.stderr());
        assertFalse(p.stderr().contains("\tat "), "no stack trace:\n" + p.stderr());
        assertTrue(p.stderr().strip().split("\n").length <= 3, "short:\n" + p.stderr());
    }

    @Test
    void nonRootIsToldWhyAndDryRunStillWorks() throws Exception {
        try (NetcapProcess p = NetcapProcess.start(Map.of(), AS_NOBODY, "skb", "-f", "tp_btf:netif_receive_skb")) {
            assertShort(p, 1, "must run as root");
        }
        try (NetcapProcess p = NetcapProcess.start(Map.of(), AS_NOBODY, "skb", "-f", "tp_btf:netif_receive_skb",
                "-e", "icmp", "--dry-run")) {
            assertEquals(0, p.waitFor(60), p.stderr());
            assertTrue(p.stdout().contains("SEC(\"tp_btf/netif_receive_skb\")"), p.stdout());
        }
    }

    @Test
    void badFilterUnknownHookAndUnwritableFile() throws Exception {
        try (NetcapProcess p = NetcapProcess.start("skb", "-f", RX, "-e", "host 1.2.3.4.5")) {
            assertShort(p, 2, "host 1.2.3.4.5");
        }
        try (NetcapProcess p = NetcapProcess.start("skb", "-f", "tracepoint:net:netif_recieve_skb")) {
            assertShort(p, 2, "did you mean tracepoint:net:netif_receive_skb");
        }
        try (NetcapProcess p = NetcapProcess.start("skb", "-f", "tracepoint:net:netif_rx_exit")) {
            assertShort(p, 2, "has no skb field");
        }
        try (NetcapProcess p = NetcapProcess.start("skb", "-f", RX, "-w", "/nonexistent-dir/x.pcap")) {
            assertShort(p, 1, "cannot write /nonexistent-dir/x.pcap: No such file or directory");
            assertEquals(1, p.stderr().split("cannot write", -1).length - 1, "said once: " + p.stderr());
        }
        // opens, but refuses writes: said before anything is attached, naming the file
        try (NetcapProcess p = NetcapProcess.start("skb", "-f", RX, "-w", "/proc/version")) {
            assertShort(p, 1, "cannot write /proc/version: ");
            assertFalse(p.stderr().contains("listening on"), p.stderr());
        }
        try (NetcapProcess p = NetcapProcess.start("skb", "-f", RX, "-w", "")) {
            assertShort(p, 2, "-w: empty file name");
        }
        try (NetcapProcess p = NetcapProcess.start("skb", "-f", RX, "--netns", "/etc/passwd")) {
            assertShort(p, 2, "--netns: /etc/passwd is not a namespace file");
        }
    }

    /** A mistyped function is a usage error with the names it may have meant, @N or not. */
    @Test
    void aFunctionTheKernelHasNotIsNamedWithWhatItMayMean() throws Exception {
        for (String hook : List.of("icmp_rvc", "icmp_rvc@1")) {
            try (NetcapProcess p = NetcapProcess.start("skb", "-f", hook, "-e", "icmp")) {
                assertShort(p, 2, "the kernel has no function icmp_rvc");
                assertTrue(p.stderr().contains("did you mean icmp_rcv"), p.stderr());
            }
        }
    }

    @Test
    void functionHooksOnThisKernelPointToTracepoints() throws Exception {
        try (NetcapProcess p = NetcapProcess.start("skb", "-f", "icmp_rcv@1")) {
            assertEquals(1, p.waitFor(60), p.stderr());
            assertTrue(p.stderr().contains("icmp_rcv@1") && p.stderr().contains("tracepoint"), p.stderr());
        }
    }

    @Test
    void missingToolsNameTheirPackage() throws Exception {
        // A PATH without clang or tcpdump, and an empty object cache so clang is really needed.
        Map<String, String> env = Map.of("PATH", "/nonexistent", "NETCAP_CACHE_DIR", dir.resolve("cache").toString());
        try (NetcapProcess p = NetcapProcess.start(env, List.of(), "skb", "-f", RX, "-w", dir.resolve("x.pcap").toString())) {
            assertShort(p, 1, "clang");
            assertTrue(p.stderr().contains("install"), p.stderr());
        }
        // without tcpdump netcap shows packets itself (OutputsIT), unless tcpdump is asked for
        try (NetcapProcess p = NetcapProcess.start(Map.of("PATH", "/nonexistent"), List.of(), "skb", "-f", RX,
                "--decoder", "tcpdump")) {
            assertShort(p, 1, "tcpdump not found");
        }
    }

    /**
     * A library of the right name but the wrong kind (here zlib under a soname, found first
     * through LD_LIBRARY_PATH). libbpf's is passed over for the libbpf.so that libbpf-dev (which
     * scripts/setup installs) puts in the library directory, and the capture runs; libpcap's is
     * bound, and the function netcap cannot find in it is named with the packages to install,
     * in two lines, no stack trace.
     */
    @Test
    void aWrongNativeLibraryIsPassedOverOrNamed() throws Exception {
        try (NetcapProcess p = NetcapProcess.start(Map.of("LD_LIBRARY_PATH", wrongLibrary("libbpf.so.1").toString()),
                List.of(), "skb", "-f", RX, "-e", "udp", "-w", dir.resolve("x.pcap").toString())) {
            p.awaitListening();
            p.signal("INT");
            assertEquals(0, p.waitFor(60), p.stderr());
        }
        try (NetcapProcess p = NetcapProcess.start(Map.of("LD_LIBRARY_PATH", wrongLibrary("libpcap.so.0.8").toString()),
                List.of(), "skb", "-f", RX, "-e", "udp", "-w", dir.resolve("x.pcap").toString())) {
            assertShort(p, 1, "native library: the library loaded has no function pcap_");
            assertTrue(p.stderr().contains("libbpf1 and libpcap0.8"), p.stderr());
            assertFalse(p.stderr().contains("jnr.ffi"), "no Java names:\n" + p.stderr());
        }
    }

    /** A directory holding zlib under {@code soname}. */
    private Path wrongLibrary(String soname) throws IOException {
        Path libs = Files.createDirectories(dir.resolve("libs-" + soname));
        Files.createSymbolicLink(libs.resolve(soname), Path.of("/lib/x86_64-linux-gnu/libz.so.1"));
        return libs;
    }
}

package io.netcap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package as a user meets it: scripts/package makes it from this build, apt-get
 * installs it, /usr/bin/netcap captures real traffic, {@code man} renders netcap(1),
 * {@code --version} says what it is; then apt-get purges it again, whatever happened.
 */
class PackageIT extends KernelTest {
    private static final Path ROOT = Path.of(System.getProperty("netcap.root", "..")).toAbsolutePath().normalize();
    private static final String VERSION = System.getProperty("netcap.version", "unknown");
    private static final Path LAUNCHER = Path.of("/usr/bin/netcap");
    private static final Path MAN_PAGE = Path.of("/usr/share/man/man1/netcap.1.gz");
    private static final Path ARCHIVE = Path.of("/var/cache/netcap/netcap.jsa");

    @TempDir
    Path dir;

    @Test
    void theInstalledPackageCapturesShowsItsManPageAndVersionAndGoesAwayAgain() throws Exception {
        assumeFalse(installed(), "a netcap package is installed on this machine already: not replacing it");
        String built = run(Map.of(), 120, ROOT.resolve("scripts/package").toString(), "--no-build", "--output",
                dir.toString()).strip();
        Path deb = dir.resolve("netcap_" + VERSION + "_amd64.deb");
        assertEquals(deb.toString(), built.lines().reduce((a, b) -> b).orElse(""));
        try {
            run(Map.of("DEBIAN_FRONTEND", "noninteractive"), 600, "apt-get", "install", "-y", deb.toString());
            assertTrue(installed());
            assertTrue(Files.isExecutable(LAUNCHER));
            assertTrue(Files.size(ARCHIVE) > 0, "postinst made the class data sharing archive");
            assertTrue(Files.exists(Path.of("/usr/share/bash-completion/completions/netcap")));

            capturesAPing();
            showsItsVersion();
            manRendersItsPage();
        } finally {
            run(Map.of("DEBIAN_FRONTEND", "noninteractive"), 300, "apt-get", "purge", "-y", "netcap");
        }
        assertFalse(installed());
        assertFalse(Files.exists(LAUNCHER));
        assertFalse(Files.exists(ARCHIVE.getParent()), "postrm removes the archive");
    }

    private static void capturesAPing() throws Exception {
        try (TestNetwork net = TestNetwork.create();
             NetcapProcess netcap = NetcapProcess.startCommand(List.of(LAUNCHER.toString(),
                     "skb", "-f", "tracepoint:net:netif_receive_skb", "-e", "icmp", "-c", "1"))) {
            netcap.awaitListening();
            net.ping(2);
            assertEquals(0, netcap.waitFor(30), netcap.stderr());
            assertTrue(netcap.stderr().contains("1 packet captured"), netcap.stderr());
            assertTrue(netcap.stdout().contains("ICMP"), netcap.stdout());
        }
    }

    private static void showsItsVersion() throws Exception {
        List<String> lines = run(Map.of(), 60, LAUNCHER.toString(), "--version").lines().toList();
        assertTrue(lines.get(0).matches("netcap version " + VERSION.replace(".", "\\.")
                + " \\(git ([0-9a-f]{7}(-dirty)?|unknown)\\)"), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.matches("libbpf version \\d+\\.\\d+.*")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("libpcap version ")), lines.toString());
        String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        assertTrue(lines.contains("Linux kernel " + release), lines.toString());
    }

    private static void manRendersItsPage() throws Exception {
        // man finds the page by name, as `man netcap` does
        assertEquals(MAN_PAGE.toString(), run(Map.of(), 60, "man", "-w", "netcap").strip());
        String page = run(Map.of("MANWIDTH", "200", "MANPAGER", "cat", "PAGER", "cat"), 60, "man", "-l",
                MAN_PAGE.toString());
        for (String heading : List.of("NAME", "SYNOPSIS", "NETCAP SKB", "NETCAP DUMP", "NETCAP BACKTRACE",
                "NETCAP MBUF", "NETCAP RAW", "NETCAP LIST", "EXIT STATUS", "EXAMPLES")) {
            assertTrue(page.lines().anyMatch(l -> l.equals(heading)), heading + " missing from:\n" + page);
        }
        // the README's first example, in EXAMPLES
        assertTrue(page.contains("netcap skb -f tracepoint:net:netif_receive_skb -e icmp"), page);
        assertTrue(page.contains("--write-file=FILE"), page);
    }

    private static boolean installed() throws IOException {
        String status = TestNetwork.exec(List.of("dpkg-query", "-W", "-f=${db:Status-Status}", "netcap"), true);
        return status.strip().equals("installed");
    }

    /** Runs a command, bounded in time; fails with its output when it fails. */
    private static String run(Map<String, String> env, long seconds, String... command)
            throws IOException, InterruptedException {
        Path output = Files.createTempFile("netcap-package-it", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", command) + " did not end within " + seconds + " s:\n"
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), () -> String.join(" ", command) + " failed:\n" + text);
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }

}

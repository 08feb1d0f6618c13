package io.netcap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netcap.pcap.PcapReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outputs of a real capture: pcapng read by tshark and tcpdump, rotated files each valid
 * after Ctrl-C, the last packets kept on every way out, the built-in display on a machine
 * without tcpdump, and the errors of writing (unwritable directory, full disk, bad options).
 */
class OutputsIT extends KernelTest {
    @TempDir
    Path dir;

    /** Output of a tool run to its end (bounded); fails the test on a non-zero exit. */
    private static String run(List<String> command) throws IOException, InterruptedException {
        Path err = Files.createTempFile("tool", ".err");
        Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "finished: " + command);
        String errText = Files.readString(err).replaceAll("(?m)^Running as user.*\\n?", "")
                .replaceAll("(?m)^reading from file .*\\n?", "");
        Files.delete(err);
        assertEquals(0, p.exitValue(), command + ":\n" + errText);
        assertTrue(errText.isBlank(), "no complaint from " + command + ":\n" + errText);
        return out;
    }

    /** tshark's fields per packet, separated by |. */
    private static List<String> tshark(Path file, String... fields) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-r", file.toString(), "-T", "fields", "-E", "separator=|"));
        for (String f : fields) {
            cmd.addAll(List.of("-e", f));
        }
        String out = run(cmd);
        return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }

    /** tcpdump -nn -r's lines: fails on a truncated or damaged file. */
    private static List<String> tcpdump(Path file) throws Exception {
        String out = run(List.of("tcpdump", "-nn", "-r", file.toString()));
        return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }

    @Test
    void pcapngNamesInterfacesByNamespaceAndCarriesDirectionAndComments() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            Path file = dir.resolve("dump.pcapng");
            try (NetcapProcess p = NetcapProcess.start("dump", "-e", "icmp and host " + net.addrB, "-S",
                    "-w", file.toString())) {
                p.awaitListening();
                net.ping(2);
                Thread.sleep(300);
                p.signal("INT");
                assertEquals(0, p.waitFor(30), p.stderr());
                assertEquals("", p.stdout(), "the stacks are in the file, not on stdout");
            }
            String nameA = net.devA + "@netns:" + net.netnsInode(net.nsA);
            String nameB = net.devB + "@netns:" + net.netnsInode(net.nsB);
            List<String> rows = tshark(file, "frame.interface_name", "frame.packet_flags_direction", "frame.comment");
            assertEquals(8, rows.size(), "2 pings x 2 packets x 2 ends:\n" + String.join("\n", rows));
            for (String row : rows) {
                String[] f = row.split("\\|", -1);
                assertTrue(f[0].equals(nameA) || f[0].equals(nameB), row);
                String hook = f[1].equals("0x00000001") ? "netif_receive_skb" : "net_dev_queue";
                assertTrue(f[1].equals("0x00000001") || f[1].equals("0x00000002"), "inbound or outbound: " + row);
                String netns = f[0].substring(f[0].indexOf(':') + 1);
                assertTrue(f[2].startsWith("hook tp_btf:" + hook + ", netns " + netns + ", skb 0x"), row);
                assertTrue(f[2].contains(", cpu "), row);
                assertTrue(f[2].contains("\\n\\t"), "the -S stack follows: " + row);
            }
            assertEquals(8, tcpdump(file).size(), "tcpdump reads it too");
            // pcapng by the name alone (no --pcapng): the section header still names netcap and its command
            String info = run(List.of("capinfos", file.toString()));
            assertTrue(info.matches("(?s).*Capture application: +netcap version [^\\n]*: netcap dump -e [^\\n]*dump[.]pcapng\\n.*"), info);
        }
    }

    /** tcpdump's lines that cannot reach stdout are an error, as a file's are, not packets shown to nobody. */
    @Test
    void theTcpdumpDisplayOnAFullDiskIsAnError() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            List<String> toFull = List.of("bash", "-c", "exec \"$0\" \"$@\" > /dev/full");
            try (NetcapProcess p = NetcapProcess.start(Map.of(), toFull, "dump", "-c", "2", "-e",
                    "icmp and host " + net.addrB)) {
                p.awaitListening();
                net.ping(1);
                assertEquals(1, p.waitFor(30), p.stderr());
                assertTrue(p.stderr().contains("netcap: cannot write to stdout: a write failed"), p.stderr());
            }
        }
    }

    @Test
    void pcapngGoesToStdout() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            Path file = dir.resolve("stdout.pcapng");
            List<String> toFile = List.of("bash", "-c", "exec \"$0\" \"$@\" > " + file);
            try (NetcapProcess p = NetcapProcess.start(Map.of(), toFile, "dump", "--pcapng", "-w", "-", "-c", "4",
                    "-e", "icmp and host " + net.addrB)) {
                p.awaitListening();
                net.ping(1);
                assertEquals(0, p.waitFor(30), p.stderr());
            }
            assertEquals(4, tshark(file, "frame.interface_name").size());
        }
    }

    @Test
    void everyRotatedFileIsCompleteAfterCtrlC() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            Path base = dir.resolve("ring.pcap");
            try (NetcapProcess p = NetcapProcess.start("dump", "-e", "icmp and host " + net.addrB, "-C", "2k", "-W", "3",
                    "-w", base.toString())) {
                p.awaitListening();
                net.ping(12); // 48 records of 114 bytes: more than three files of 2 KiB, so the ring turns
                p.signal("INT");
                assertEquals(0, p.waitFor(30), p.stderr());
            }
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.sorted().toList();
            }
            assertEquals(List.of(dir.resolve("ring.pcap0"), dir.resolve("ring.pcap1"), dir.resolve("ring.pcap2")), files);
            for (Path f : files) {
                assertTrue(Files.size(f) <= 2048 + 200, f + " holds about 2 KiB");
                assertEquals(PcapReader.read(f).size(), tcpdump(f).size(), f + " is whole");
            }
        }
    }

    @Test
    void theLastPacketsAreWrittenOnSigtermAndAtTheCount() throws Exception {
        try (TestNetwork net = TestNetwork.create()) {
            Path onSignal = dir.resolve("term.pcap");
            try (NetcapProcess p = NetcapProcess.start("dump", "-e", "icmp and host " + net.addrB,
                    "--write-file-rotate", "3", "-w", onSignal.toString())) {
                p.awaitListening();
                net.ping(3);
                Thread.sleep(300);
                p.signal("TERM");
                assertEquals(0, p.waitFor(30), p.stderr());
                assertTrue(p.stderr().contains("--write-file-rotate 3: wrote the last 3 of 12 packets to " + onSignal),
                        p.stderr());
            }
            List<String> lines = tcpdump(onSignal);
            assertEquals(3, lines.size());
            assertTrue(lines.get(2).contains("echo reply, id") && lines.get(2).contains("seq 3"), lines.toString());

            Path atCount = dir.resolve("count.pcapng");
            try (NetcapProcess p = NetcapProcess.start("dump", "-e", "icmp and host " + net.addrB, "-c", "6",
                    "--write-file-rotate", "2", "-w", atCount.toString())) {
                p.awaitListening();
                net.ping(2);
                assertEquals(0, p.waitFor(30), p.stderr());
                assertTrue(p.stderr().contains("wrote the last 2 of 6 packets"), p.stderr());
            }
            assertEquals(2, tshark(atCount, "frame.comment").size());
        }
    }

    /** A directory of links to every program on the PATH except tcpdump: a machine without it. */
    private Path pathWithoutTcpdump() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String d : System.getenv("PATH").split(":")) {
            Path from = Path.of(d);
            if (!Files.isDirectory(from)) {
                continue;
            }
            try (Stream<Path> s = Files.list(from)) {
                for (Path program : s.toList()) {
                    Path link = bin.resolve(program.getFileName().toString());
                    if (!program.getFileName().toString().equals("tcpdump") && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(link, program);
                    }
                }
            }
        }
        return bin;
    }

    @Test
    void withoutTcpdumpTheBuiltInDecoderShowsPacketsAndStacksUnderThem() throws Exception {
        Map<String, String> env = Map.of("PATH", pathWithoutTcpdump().toString());
        try (TestNetwork net = TestNetwork.create()) {
            try (NetcapProcess p = NetcapProcess.start(env, List.of(), "skb", "-f", "tp_btf:netif_receive_skb",
                    "-e", "icmp and host " + net.addrB, "-S", "-c", "2")) {
                p.awaitListening();
                net.ping(1);
                assertEquals(0, p.waitFor(30), p.stderr());
                assertTrue(p.stderr().contains("netcap: tcpdump is not installed; showing packets with the built-in"
                        + " decoder (--decoder builtin)"), p.stderr());
                List<String> lines = List.of(p.stdout().split("\n"));
                assertTrue(lines.get(0).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{6} IP " + net.addrA.replace(".", "\\.")
                        + " > " + net.addrB.replace(".", "\\.") + ": ICMP echo request, id \\d+, seq 1, length 64"),
                        lines.get(0));
                assertTrue(lines.get(1).startsWith("\t"), "the stack under its packet: " + p.stdout());
                long packetLines = lines.stream().filter(l -> !l.startsWith("\t")).count();
                assertEquals(2, packetLines, p.stdout());
            }
            try (NetcapProcess p = NetcapProcess.start(env, List.of(), "dump", "-e", "icmp", "-t", "-v")) {
                assertEquals(1, p.waitFor(60), p.stderr());
                assertTrue(p.stderr().contains("tcpdump not found"), p.stderr());
            }
        }
    }

    private static void assertShort(NetcapProcess p, int code, String expected) throws InterruptedException {
        assertEquals(code, p.waitFor(60), p.stderr());
        assertTrue(p.stderr().contains(expected), () -> "expected \"" + expected + "\" in:\n" + p.stderr());
        assertFalse(p.stderr().contains("\tat "), "no stack trace:\n" + p.stderr());
        assertTrue(p.stderr().strip().split("\n").length <= 5, "short:\n" + p.stderr());
    }

    @Test
    void badOptionsAreUsageErrors() throws Exception {
        try (NetcapProcess p = NetcapProcess.start("dump", "-w", dir.resolve("x.pcap").toString(), "-W", "3")) {
            assertShort(p, 2, "-W limits the files that -C or --rotate-seconds make;"
                    + " give -C SIZE or --rotate-seconds SECONDS with it");
        }
        try (NetcapProcess p = NetcapProcess.start("dump", "-w", dir.resolve("x.pcap").toString(), "-C", "0")) {
            assertShort(p, 2, "-C: the file size must be at least 1, not '0'");
        }
        try (NetcapProcess p = NetcapProcess.start("dump", "-w", "-", "-C", "1")) {
            assertShort(p, 2, "-C and --rotate-seconds write a series of files: give -w a file name, not -");
        }
        try (NetcapProcess p = NetcapProcess.start("dump", "--decoder", "builtin", "-t", "-v")) {
            assertShort(p, 2, "-t passes flags to tcpdump; the built-in decoder takes none");
        }
        assertFalse(Files.exists(dir.resolve("x.pcap")), "nothing is created for a usage error");
    }

    /** Mounts a tmpfs at {@code at} with these options; unmounted by the caller. */
    private static void tmpfs(Path at, String options) throws IOException {
        Files.createDirectories(at);
        TestNetwork.run("mount", "-t", "tmpfs", "-o", options, "tmpfs", at.toString());
    }

    @Test
    void anUnwritableDirectoryAndAFullDiskAreSaidAndTheFileStaysValid() throws Exception {
        Path readOnly = dir.resolve("ro");
        tmpfs(readOnly, "ro,size=1m");
        try (NetcapProcess p = NetcapProcess.start("dump", "-w", readOnly.resolve("x.pcapng").toString())) {
            assertShort(p, 1, "cannot write " + readOnly.resolve("x.pcapng") + ": Read-only file system");
        } finally {
            TestNetwork.run("umount", readOnly.toString());
        }
        Path small = dir.resolve("small");
        tmpfs(small, "size=64k");
        Path file = small.resolve("full.pcap");
        try (TestNetwork net = TestNetwork.create();
             NetcapProcess p = NetcapProcess.start("dump", "-e", "icmp and host " + net.addrB, "-w", file.toString())) {
            p.awaitListening();
            // 1442-byte records: 64 KiB fill up within 12 pings (4 records each)
            TestNetwork.exec(List.of("ip", "netns", "exec", net.nsA, "ping", "-n", "-q", "-s", "1400", "-c", "30",
                    "-i", "0.05", "-w", "10", net.addrB), true);
            assertEquals(1, p.waitFor(30), "stops by itself:\n" + p.stderr());
            String err = p.stderr();
            assertTrue(err.contains("cannot write " + file + ": No space left on device; stopped, and " + file
                    + " is complete with the "), err);
            assertFalse(err.contains("\tat "), err);
            int said = Integer.parseInt(err.replaceAll("(?s).*complete with the (\\d+) packets.*", "$1"));
            assertTrue(said > 0, err);
            assertEquals(said, tcpdump(file).size(), "the file holds what the message says, and nothing partial");
        } finally {
            TestNetwork.run("umount", small.toString());
        }
    }
}

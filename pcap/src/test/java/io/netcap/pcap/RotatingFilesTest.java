package io.netcap.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** -C, --rotate-seconds and -W: the files netcap makes are the ones tcpdump makes from the same packets. */
class RotatingFilesTest {
    private static final long T0 = 1_700_000_000_000_000_000L; // 2023-11-14T22:13:20Z

    @TempDir
    Path dir;

    /** Packets of varied sizes, one every 100 ms. */
    private static List<CapturedPacket> packets(int n) {
        return packets(n, 400);
    }

    /** Packets of sizes from 60 to 60 + spread bytes, one every 100 ms. */
    private static List<CapturedPacket> packets(int n, int spread) {
        List<CapturedPacket> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] frame = new byte[60 + (i * 37) % spread];
            frame[12] = 0x08;
            frame[14] = (byte) i;
            list.add(CapturedPacket.of(T0 + i * 100_000_000L, LinkType.ETHERNET, frame));
        }
        return list;
    }

    private RotatingFiles rotating(Path base, FileOutput spec, StringWriter err) throws IOException {
        return new RotatingFiles(base.toString(), spec, path -> PcapWriter.open(path, 65535), new PrintWriter(err, true),
                ZoneOffset.UTC, T0);
    }

    /** Each file of {@code in} and how many packets it holds, by name. */
    private static Map<String, Integer> files(Path in) throws Exception {
        Map<String, Integer> counts = new TreeMap<>();
        try (Stream<Path> s = Files.list(in)) {
            for (Path f : s.toList()) {
                counts.put(f.getFileName().toString(), PcapReader.read(f).size());
            }
        }
        return counts;
    }

    /** What tcpdump -r input -w out/NAME ARGS makes. */
    private static void tcpdump(Path input, Path output, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tcpdump", "-r", input.toString(), "-w", output.toString()));
        cmd.addAll(List.of(args));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.addAll(List.of("-Z", "root")); // else it writes as user tcpdump, which may not enter the temp dir
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), text);
    }

    private void sameAsTcpdump(String tcpdumpSize, long bytes, int limit, int count) throws Exception {
        List<CapturedPacket> packets = packets(count, 1400);
        Path input = dir.resolve("input.pcap");
        try (PcapWriter w = PcapWriter.open(input, 65535)) {
            for (CapturedPacket p : packets) {
                w.write(p);
            }
        }
        Path theirs = Files.createDirectories(dir.resolve("tcpdump" + limit));
        Path mine = Files.createDirectories(dir.resolve("netcap" + limit));
        List<String> args = new ArrayList<>(List.of("-C", tcpdumpSize));
        if (limit > 0) {
            args.addAll(List.of("-W", Integer.toString(limit)));
        }
        tcpdump(input, theirs.resolve("out.pcap"), args.toArray(String[]::new));
        StringWriter err = new StringWriter();
        try (RotatingFiles r = rotating(mine.resolve("out.pcap"), new FileOutput(false, bytes, 0, limit, 0, null), err)) {
            for (CapturedPacket p : packets) {
                r.write(p);
            }
        }
        Map<String, Integer> expected = files(theirs);
        assertTrue(expected.size() > 2, "the test should make tcpdump rotate: " + expected);
        assertEquals(expected, files(mine));
        assertEquals("", err.toString());
    }

    @Test
    void sizeRotationNamesAndSplitsAsTcpdump() throws Exception {
        // Debian 12's tcpdump 4.99.3 takes -C in millions of bytes only (4.99.4 added k, m, g)
        sameAsTcpdump("1", 1_000_000, 0, 3000); // out.pcap, out.pcap1, out.pcap2, ...
    }

    @Test
    void aRingOfFilesNamesAndReusesAsTcpdump() throws Exception {
        sameAsTcpdump("1", 1_000_000, 3, 4000); // out.pcap0, out.pcap1, out.pcap2, reused
        sameAsTcpdump("1", 1_000_000, 11, 3000); // two digits (of 10): out.pcap00, out.pcap01, ...
    }

    @Test
    void timeRotationNamesFilesByStrftimeAtTheirStart() throws Exception {
        StringWriter err = new StringWriter();
        try (RotatingFiles r = rotating(dir.resolve("t-%Y%m%d-%H%M%S.pcap"), new FileOutput(false, 0, 2, 0, 0, null), err)) {
            for (CapturedPacket p : packets(50)) { // 5 seconds of packets
                r.write(p);
            }
        }
        assertEquals(Map.of("t-20231114-221320.pcap", 20, "t-20231114-221322.pcap", 20, "t-20231114-221324.pcap", 10),
                files(dir));
    }

    @Test
    void timeAndSizeTogetherNumberWithinEachTimeSlice() throws Exception {
        StringWriter err = new StringWriter();
        try (RotatingFiles r = rotating(dir.resolve("g%S.pcap"), new FileOutput(false, 2048, 2, 0, 0, null), err)) {
            for (CapturedPacket p : packets(40)) {
                r.write(p);
            }
        }
        Map<String, Integer> files = files(dir);
        assertTrue(files.containsKey("g20.pcap") && files.containsKey("g20.pcap1") && files.containsKey("g22.pcap")
                && files.containsKey("g22.pcap1"), files.toString());
        assertEquals(40, files.values().stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void aFileLimitWithTimeRotationAloneStopsAfterThatManyFiles() throws Exception {
        StringWriter err = new StringWriter();
        RotatingFiles r = rotating(dir.resolve("s%S.pcap"), new FileOutput(false, 0, 1, 2, 0, null), err);
        int written = 0;
        for (CapturedPacket p : packets(35)) {
            r.write(p);
            written++;
            if (r.finished()) {
                break;
            }
        }
        assertTrue(r.finished());
        r.write(packets(1).get(0)); // arrives in the same batch: counted, not written
        r.flush(); // the capture loop flushes each batch: past the limit that is not an error
        r.close();
        assertEquals(Map.of("s20.pcap", 10, "s21.pcap", 10), files(dir));
        assertEquals(21, written, "the packet that opened a third file is the first not written");
        assertTrue(err.toString().contains("maximum file limit reached: 2 files"), err.toString());
        assertTrue(err.toString().contains("2 packets captured after the file limit not written"), err.toString());
    }

    @Test
    void pcapngFilesRotateToo() throws Exception {
        StringWriter err = new StringWriter();
        PcapngSection section = new PcapngSection(null, null, "t");
        try (RotatingFiles r = new RotatingFiles(dir.resolve("n.pcapng").toString(), new FileOutput(true, 1500, 0, 0, 0, null),
                path -> PcapngWriter.open(path, 65535, section), new PrintWriter(err, true), ZoneOffset.UTC, T0)) {
            for (CapturedPacket p : packets(30)) {
                r.write(p);
            }
        }
        int total = 0;
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> all = s.sorted().toList();
            assertTrue(all.size() > 2, all.toString());
            for (Path f : all) {
                total += Tshark.fields(f, "frame.number").size();
                PcapngWriterTest.blockTypes(Files.readAllBytes(f));
            }
        }
        assertEquals(30, total);
    }

    @Test
    void aFileThatCannotBeOpenedIsAnError() throws Exception {
        StringWriter err = new StringWriter();
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> rotating(dir.resolve("missing/dir/x.pcap"), new FileOutput(false, 1000, 0, 0, 0, null), err));
        assertTrue(e.getMessage().startsWith("cannot write " + dir.resolve("missing/dir/x.pcap")), e.getMessage());
        assertFalse(Files.exists(dir.resolve("missing")));
    }
}

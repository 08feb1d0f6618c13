package io.netcap.pcap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Wireshark's tshark on a file, for tests that let Wireshark judge what we wrote. */
final class Tshark {
    private Tshark() {
    }

    /**
     * One row per packet of {@code tshark -r file -T fields -E separator=| -e FIELD...}, each row
     * split into its fields; fails the test on a non-zero exit or any complaint about the file.
     */
    static List<String[]> fields(Path file, String... fields) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tshark", "-r", file.toString(), "-T", "fields",
                "-E", "separator=|", "-E", "occurrence=a"));
        for (String f : fields) {
            command.add("-e");
            command.add(f);
        }
        Path errFile = java.nio.file.Files.createTempFile("tshark", ".err");
        Process p = new ProcessBuilder(command).redirectError(errFile.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("tshark did not finish: " + command);
        }
        String errText = java.nio.file.Files.readString(errFile).replaceAll("(?m)^Running as user.*\\n?", "");
        java.nio.file.Files.delete(errFile);
        if (p.exitValue() != 0 || !errText.isBlank()) {
            throw new AssertionError("tshark exited " + p.exitValue() + ": " + errText + "\n" + command);
        }
        List<String[]> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isEmpty()) {
                rows.add(line.split("\\|", -1));
            }
        }
        return rows;
    }
}

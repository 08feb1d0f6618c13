package io.netcap.pcap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real tcpdump on a file, for tests that let tcpdump judge what we wrote. */
final class Tcpdump {
    private Tcpdump() {
    }

    /** stdout lines of {@code tcpdump -r file args...}; fails the test on a non-zero exit. */
    static List<String> read(Path file, String... args) throws IOException, InterruptedException {
        return read(null, file, args);
    }

    /** As {@link #read(Path, String...)}, with tcpdump's times in UTC. */
    static List<String> readUtc(Path file, String... args) throws IOException, InterruptedException {
        return read("UTC", file, args);
    }

    private static List<String> read(String timeZone, Path file, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tcpdump", "-r", file.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        if (timeZone != null) {
            pb.environment().put("TZ", timeZone);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("tcpdump did not finish: " + command);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("tcpdump exited " + p.exitValue() + ": " + command);
        }
        return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }
}

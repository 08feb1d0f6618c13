package io.netcap.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * tcpdump capturing on one device inside a namespace, as the reference netcap's captures are
 * compared against byte for byte.
 */
final class ReferenceTcpdump implements AutoCloseable {
    private final Process process;
    private final CountDownLatch listening = new CountDownLatch(1);
    private final StringBuffer stderr = new StringBuffer();

    private ReferenceTcpdump(Process process) {
        this.process = process;
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream()))) {
                for (String line; (line = r.readLine()) != null; ) {
                    stderr.append(line).append('\n');
                    if (line.contains("listening on")) {
                        listening.countDown();
                    }
                }
            } catch (IOException ignored) {
                // tcpdump exited
            }
        });
        t.setDaemon(true);
        t.start();
    }

    /** @param direction "in", "out" or "inout" (tcpdump -Q) */
    static ReferenceTcpdump start(String netns, String device, String direction, Path file, String filter)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of("ip", "netns", "exec", netns, "tcpdump", "-i", device, "-Q", direction,
                "-U", "--immediate-mode", "-s", "65535", "--time-stamp-precision=nano", "-w", file.toString(), filter))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        ReferenceTcpdump t = new ReferenceTcpdump(p);
        if (!t.listening.await(20, TimeUnit.SECONDS)) {
            t.close();
            throw new AssertionError("reference tcpdump did not start: " + t.stderr);
        }
        return t;
    }

    /** Stops tcpdump the way a user would, so it writes out everything it captured. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            try {
                TestNetwork.run("kill", "-INT", Long.toString(process.pid()));
            } catch (IOException e) {
                process.destroy();
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}

package io.netcap.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The built netcap jar run as a real process, the way a user runs it. Waits for the
 * "listening on" line instead of sleeping; stops it with a real signal; always reaps it.
 */
final class NetcapProcess implements AutoCloseable {
    static final Path JAR = Path.of(System.getProperty("netcap.jar", "target/netcap.jar"));
    /** Seconds to wait for "listening on": generous under emulation (scripts/test-function-hooks). */
    static final long START_SECONDS = Long.getLong("netcap.startSeconds", 60);
    /** Extra JVM options for netcap, e.g. to pin the JIT under emulation. */
    static final String JAVA_OPTIONS = System.getProperty("netcap.javaOptions", "");

    private final Process process;
    private final StringBuffer stdout = new StringBuffer();
    private final StringBuffer stderr = new StringBuffer();
    private final CountDownLatch listening = new CountDownLatch(1);
    private final Thread outPump;
    private final Thread errPump;

    private NetcapProcess(Process process) {
        this.process = process;
        outPump = pump(process.getInputStream(), stdout, false);
        errPump = pump(process.getErrorStream(), stderr, true);
    }

    static NetcapProcess start(String... args) throws IOException {
        return start(Map.of(), List.of(), args);
    }

    /** @param prefix command words before java (e.g. setpriv to drop privileges) */
    static NetcapProcess start(Map<String, String> env, List<String> prefix, String... args) throws IOException {
        return start(env, prefix, List.of(), args);
    }

    /** @param javaOptions JVM options after netcap.javaOptions, e.g. the launcher's -Xss1m */
    static NetcapProcess startWithJavaOptions(List<String> javaOptions, String... args) throws IOException {
        return start(Map.of(), List.of(), javaOptions, args);
    }

    private static NetcapProcess start(Map<String, String> env, List<String> prefix, List<String> javaOptions,
                                       String... args) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String option : JAVA_OPTIONS.split(" ")) {
            if (!option.isBlank()) {
                cmd.add(option);
            }
        }
        cmd.addAll(javaOptions);
        cmd.add("-jar");
        cmd.add(JAR.toAbsolutePath().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        return new NetcapProcess(pb.start());
    }

    /** netcap started by another command than java -jar, e.g. an installed /usr/bin/netcap. */
    static NetcapProcess startCommand(List<String> command) throws IOException {
        return new NetcapProcess(new ProcessBuilder(command).start());
    }

    private Thread pump(java.io.InputStream in, StringBuffer into, boolean watchListening) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    into.append(line).append('\n');
                    if (watchListening && line.startsWith("netcap: listening on")) {
                        listening.countDown();
                    }
                }
            } catch (IOException ignored) {
                // the process went away; what was read is kept
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits for the listening line; fails with netcap's own output when it exits or times out. */
    void awaitListening() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (!listening.await(100, TimeUnit.MILLISECONDS)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("netcap did not start listening (alive=" + process.isAlive() + ")\nstderr:\n"
                        + stderr + "\nstdout:\n" + stdout);
            }
        }
    }

    /** Waits (up to 20 s) until netcap has written at least {@code lines} lines to stdout. */
    void awaitStdoutLines(int lines) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (stdout.chars().filter(c -> c == '\n').count() < lines) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("netcap wrote fewer than " + lines + " lines (alive=" + process.isAlive()
                        + ")\nstderr:\n" + stderr + "\nstdout:\n" + stdout);
            }
            Thread.sleep(50);
        }
    }

    void signal(String name) throws IOException {
        TestNetwork.run("kill", "-" + name, Long.toString(process.pid()));
    }

    /**
     * Stops netcap (SIGSTOP) for {@code ms}, then lets it go on (SIGCONT): a reader descheduled
     * under load, whose kernel buffers fill meanwhile.
     */
    void pause(long ms) throws IOException, InterruptedException {
        signal("STOP");
        try {
            Thread.sleep(ms);
        } finally {
            signal("CONT");
        }
    }

    /** Waits for exit and for both output pumps; returns the exit code. */
    int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("netcap did not exit within " + seconds + " s\nstderr:\n" + stderr);
        }
        outPump.join(5000);
        errPump.join(5000);
        return process.exitValue();
    }

    String stdout() {
        return stdout.toString();
    }

    String stderr() {
        return stderr.toString();
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}

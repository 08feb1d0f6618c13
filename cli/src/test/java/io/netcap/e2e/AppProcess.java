package io.netcap.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test program that speaks a line protocol: it writes status lines ("ready 123", "processed 40")
 * to stdout and takes commands, and finally EOF, on stdin. Collects stderr for failure messages;
 * every wait is bounded, and {@link #close()} always reaps the process.
 */
final class AppProcess implements AutoCloseable {
    /** Marks the end of stdout in the line queue. */
    private static final String EOF = new String("<eof>");

    private final String name;
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuffer stdout = new StringBuffer();
    private final StringBuffer stderr = new StringBuffer();
    private final Thread outPump;
    private final Thread errPump;
    private boolean stdinClosed;

    /**
     * Starts the program.
     *
     * @param name what messages call it, e.g. "dpdk_app"
     * @throws IOException if it cannot be started at all
     */
    AppProcess(String name, ProcessBuilder builder) throws IOException {
        this.name = name;
        this.process = builder.start();
        outPump = pump(process.getInputStream(), stdout, true);
        errPump = pump(process.getErrorStream(), stderr, false);
    }

    private Thread pump(java.io.InputStream in, StringBuffer into, boolean queue) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    into.append(line).append('\n');
                    if (queue) {
                        lines.add(line);
                    }
                }
            } catch (IOException ignored) {
                // the process went away; what was read is kept
            } finally {
                if (queue) {
                    lines.add(EOF);
                }
            }
        }, name + "-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * Waits for the next stdout line starting with {@code prefix} (earlier lines are skipped) and
     * returns what follows the prefix, trimmed.
     *
     * @throws AssertionError if the program ends its output or the time runs out first; the
     *                        message has its stdout and stderr
     */
    String awaitLine(String prefix, Duration timeout) throws InterruptedException {
        return awaitMatch(Pattern.compile("^" + Pattern.quote(prefix) + "(.*)$"), timeout).group(1).strip();
    }

    /**
     * Waits for the next stdout line in which {@code pattern} is found (earlier lines are skipped).
     *
     * @return the match, for its groups
     * @throws AssertionError if the program ends its output or the time runs out first; the
     *                        message has its stdout and stderr
     */
    Matcher awaitMatch(Pattern pattern, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                throw failure("no line matching \"" + pattern + "\" within " + timeout.toMillis() + " ms");
            }
            if (line == EOF) {
                lines.add(EOF); // later waits see the end too
                throw failure("ended its output without a line matching \"" + pattern + "\"");
            }
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                return m;
            }
        }
    }

    /** An AssertionError saying what went wrong, with the program's output. */
    AssertionError failure(String what) {
        String state = process.isAlive() ? "running" : "exit code " + process.exitValue();
        return new AssertionError(name + ": " + what + " (" + state + ")\nstderr:\n" + stderr + "stdout:\n" + stdout);
    }

    /** Writes one line to its stdin. */
    void sendLine(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Closes its stdin: the programs' signal to finish. */
    void closeStdin() {
        if (!stdinClosed) {
            stdinClosed = true;
            try {
                process.getOutputStream().close();
            } catch (IOException ignored) {
                // it already exited: nothing to tell it
            }
        }
    }

    /**
     * Closes stdin and waits for the program to exit by itself.
     *
     * @return its exit code
     * @throws AssertionError if it has not exited within the timeout (it is then killed)
     */
    int awaitExit(Duration timeout) throws InterruptedException {
        closeStdin();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            AssertionError e = failure("did not exit within " + timeout.toMillis() + " ms after EOF on stdin");
            close();
            throw e;
        }
        outPump.join(5000);
        errPump.join(5000);
        return process.exitValue();
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String stderr() {
        return stderr.toString();
    }

    /** Ends the program if it still runs: EOF, then SIGTERM, then SIGKILL, each waited for boundedly. */
    @Override
    public void close() throws InterruptedException {
        closeStdin();
        if (process.isAlive() && !process.waitFor(2, TimeUnit.SECONDS)) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}

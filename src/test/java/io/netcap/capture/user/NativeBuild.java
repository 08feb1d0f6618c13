package io.netcap.capture.user;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds the small C programs and libraries the user-space tests look into, with gcc, and runs
 * the binutils tools whose output the tests check against. A missing tool or header skips the
 * test, naming the Debian package that brings it.
 */
final class NativeBuild {
    /**
     * A program with the shapes user-space capture meets: exported noinline functions, a static
     * one (only in .symtab), USDT probes of 0 and 2 arguments, one with a semaphore (gated.c) and
     * one fired from two places. It prints "ready" and waits for stdin to close, so a test can
     * look at it running.
     */
    static final String APP = """
            #include <stdio.h>
            #include <sys/sdt.h>

            int process_gated(void **packets, unsigned short count);

            __attribute__((noinline)) int process_one(void *packet, int length)
            {
                DTRACE_PROBE2(netcap_test, one, packet, length);
                return length + 1;
            }

            __attribute__((noinline, noclone)) static int helper_twice(int x)
            {
                DTRACE_PROBE(netcap_test, bare);
                return 2 * x;
            }

            __attribute__((noinline)) int process_burst(void **packets, unsigned short count)
            {
                DTRACE_PROBE3(netcap_test, burst, packets, count, 7);
                if (count > 1)
                    DTRACE_PROBE3(netcap_test, burst, packets + 1, count - 1, 8);
                return count;
            }

            int main(void)
            {
                char line[64];
                void *packets[2] = { line, line };
                int total = 0;
                printf("ready\\n");
                fflush(stdout);
                while (fgets(line, sizeof line, stdin))
                    total += process_one(line, 1) + helper_twice(2) + process_burst(packets, 2)
                            + process_gated(packets, 2);
                return total == -1;
            }
            """;

    /** A second source file whose probes have semaphores, which sdt.h makes per translation unit. */
    static final String GATED = """
            #define _SDT_HAS_SEMAPHORES 1
            #include <sys/sdt.h>

            __extension__ unsigned short netcap_test_gated_semaphore
                __attribute__((unused)) __attribute__((section(".probes")));

            __attribute__((noinline)) int process_gated(void **packets, unsigned short count)
            {
                STAP_PROBE2(netcap_test, gated, packets, count);
                return count;
            }
            """;

    private NativeBuild() {
    }

    /** Compiles {@code sources} (file name, then text, repeated) with {@code flags} into {@code dir/output}. */
    static Path gcc(Path dir, String output, List<String> flags, String... sources) throws Exception {
        assumeTrue(onPath("gcc"), "needs gcc (Debian package gcc)");
        List<String> command = new ArrayList<>(List.of("gcc", "-o", dir.resolve(output).toString()));
        for (int i = 0; i < sources.length; i += 2) {
            Path source = Files.writeString(dir.resolve(sources[i]), sources[i + 1]);
            command.add(source.toString());
        }
        command.addAll(flags);
        run(command);
        return dir.resolve(output);
    }

    /** Builds {@link #APP} (+ {@link #GATED}) as {@code name}, with extra gcc flags. */
    static Path app(Path dir, String name, String... flags) throws Exception {
        assumeSdt(dir);
        List<String> all = new ArrayList<>(List.of("-O2"));
        all.addAll(List.of(flags));
        return gcc(dir, name, all, name + ".c", APP, name + "-gated.c", GATED);
    }

    /** Skips the test when {@code <sys/sdt.h>} cannot be compiled. */
    static void assumeSdt(Path dir) throws Exception {
        assumeTrue(onPath("gcc"), "needs gcc (Debian package gcc)");
        Path probe = Files.writeString(dir.resolve("sdt-check.c"), "#include <sys/sdt.h>\n");
        Process gcc = new ProcessBuilder("gcc", "-fsyntax-only", probe.toString()).redirectErrorStream(true).start();
        gcc.getInputStream().readAllBytes();
        assumeTrue(gcc.waitFor(60, TimeUnit.SECONDS) && gcc.exitValue() == 0,
                "needs <sys/sdt.h> (Debian package systemtap-sdt-dev)");
    }

    /** A copy of {@code binary} with its symbol table and debug sections stripped. */
    static Path stripped(Path binary, String name) throws Exception {
        assumeTrue(onPath("strip"), "needs strip (Debian package binutils)");
        Path out = binary.resolveSibling(name);
        run(List.of("strip", "-o", out.toString(), binary.toString()));
        return out;
    }

    /** readelf's output for {@code args}. */
    static String readelf(String... args) throws Exception {
        assumeTrue(onPath("readelf"), "needs readelf (Debian package binutils)");
        List<String> command = new ArrayList<>(List.of("readelf"));
        command.addAll(List.of(args));
        return run(command);
    }

    /** Runs {@code command}, fails the test with its output if it fails, returns its output. */
    static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), command + " did not finish");
        assertTrue(p.exitValue() == 0, command + " failed:\n" + out);
        return out;
    }

    static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** A started program that printed its first line; closing it closes its stdin and waits for it. */
    static final class Running implements AutoCloseable {
        final Process process;
        final String firstLine;

        Running(Path program) throws IOException {
            process = new ProcessBuilder(program.toString()).redirectErrorStream(true).start();
            // The first line comes once main runs: /proc/PID/exe is the program by then, not the JVM's helper.
            StringBuilder line = new StringBuilder();
            for (int c; (c = process.getInputStream().read()) >= 0 && c != '\n'; ) {
                line.append((char) c);
            }
            firstLine = line.toString();
        }

        int pid() {
            return (int) process.pid();
        }

        @Override
        public void close() throws Exception {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}

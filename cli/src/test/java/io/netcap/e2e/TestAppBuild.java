package io.netcap.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Compiles the C test programs under {@code /io/netcap/e2e/userspace/} with gcc, once per JVM,
 * into one temporary directory that is deleted when the JVM exits. When gcc, pkg-config or a
 * library's development files are missing, the calling test is skipped (a JUnit assumption) with
 * the Debian packages to install; a compile error fails it with gcc's output.
 */
final class TestAppBuild {
    private static final String RESOURCES = "/io/netcap/e2e/userspace/";
    private static final long COMPILE_SECONDS = 120;
    /** Results by output name: the binary, or the failure to rethrow to every later caller. */
    private static final Map<String, Object> BUILT = new HashMap<>();
    private static Path dir;

    private TestAppBuild() {
    }

    /**
     * One program to build.
     *
     * @param source         the C file's name under the resources directory
     * @param output         the binary's name
     * @param pkgConfig      pkg-config modules whose --cflags --libs go on the command line
     * @param extraLibs      further linker words, e.g. "-lbpf"
     * @param headers        headers the source includes that no pkg-config module covers, e.g. "sys/sdt.h"
     * @param debianPackages what to install when something is missing, e.g. "libdpdk-dev pkg-config"
     */
    /** The header every test program includes (how probe targets are declared), next to them. */
    private static final String SHARED_HEADER = "probe_target.h";

    record Recipe(String source, String output, List<String> pkgConfig, List<String> extraLibs, List<String> headers,
                  String debianPackages) {
    }

    /**
     * The binary of {@code recipe}, built on first use.
     *
     * @throws org.opentest4j.TestAbortedException if a tool, library or header is missing
     * @throws AssertionError                      if gcc fails (its output is in the message)
     */
    static synchronized Path build(Recipe recipe) throws IOException, InterruptedException {
        Object done = BUILT.get(recipe.output());
        if (done == null) {
            assumeBuildable(recipe);
            try {
                done = compile(recipe);
            } catch (AssertionError e) {
                done = e;
            }
            BUILT.put(recipe.output(), done);
        }
        if (done instanceof AssertionError e) {
            throw new AssertionError(e.getMessage(), e);
        }
        return (Path) done;
    }

    /**
     * A copy of {@code binary} with its symbol table and debug sections removed ({@code strip}),
     * built on first use. What stays: .dynsym (only what the program imports, since it is linked
     * without -rdynamic) and the .note.stapsdt notes.
     */
    static synchronized Path stripped(Path binary) throws IOException, InterruptedException {
        String name = binary.getFileName() + ".stripped";
        Object done = BUILT.get(name);
        if (done == null) {
            Path copy = binary.resolveSibling(name);
            Files.deleteIfExists(copy);
            Files.copy(binary, copy);
            run(List.of("strip", copy.toString()), "strip " + binary.getFileName());
            BUILT.put(name, copy);
            done = copy;
        }
        return (Path) done;
    }

    private static void assumeBuildable(Recipe recipe) throws InterruptedException {
        String install = " (Debian packages: " + recipe.debianPackages() + ")";
        assumeTrue(succeeds(List.of("gcc", "--version"), null), "needs gcc to build " + recipe.source() + install);
        if (!recipe.pkgConfig().isEmpty()) {
            List<String> exists = new ArrayList<>(List.of("pkg-config", "--exists"));
            exists.addAll(recipe.pkgConfig());
            assumeTrue(succeeds(exists, null), "needs pkg-config and the development files of "
                    + String.join(", ", recipe.pkgConfig()) + " to build " + recipe.source() + install);
        }
        for (String header : recipe.headers()) {
            assumeTrue(succeeds(List.of("gcc", "-E", "-x", "c", "-o", "/dev/null", "-"), "#include <" + header + ">\n"),
                    "needs <" + header + "> to build " + recipe.source() + install);
        }
    }

    private static Path compile(Recipe recipe) throws IOException, InterruptedException {
        Path source = directory().resolve(recipe.source());
        for (String file : List.of(recipe.source(), SHARED_HEADER)) {
            Path copy = directory().resolve(file);
            if (Files.exists(copy)) {
                continue; // the shared header, copied for an earlier program
            }
            try (InputStream in = TestAppBuild.class.getResourceAsStream(RESOURCES + file)) {
                if (in == null) {
                    throw new AssertionError("test resource " + RESOURCES + file + " is missing");
                }
                Files.copy(in, copy);
            }
        }
        Path binary = directory().resolve(recipe.output());
        List<String> cmd = new ArrayList<>(List.of("gcc", "-O2", "-g", "-Wall", source.toString(), "-o",
                binary.toString()));
        if (!recipe.pkgConfig().isEmpty()) {
            List<String> flags = new ArrayList<>(List.of("pkg-config", "--cflags", "--libs"));
            flags.addAll(recipe.pkgConfig());
            for (String word : run(flags, "pkg-config").strip().split("\\s+")) {
                if (!word.isEmpty()) {
                    cmd.add(word);
                }
            }
        }
        cmd.addAll(recipe.extraLibs());
        run(cmd, "building " + recipe.source());
        return binary;
    }

    private static Path directory() throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory("netcap-test-apps");
            Path toDelete = dir;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(toDelete)));
        }
        return dir;
    }

    /** Deletes a directory and everything under it; what cannot be deleted is left, with a line on stderr. */
    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            System.err.println("cleanup: cannot delete " + root + ": " + e.getMessage());
        }
    }

    private static boolean succeeds(List<String> cmd, String stdin) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false; // not installed
        }
    }

    /** Runs a build step; its output, or an AssertionError with the command and its output. */
    private static String run(List<String> cmd, String what) throws IOException, InterruptedException {
        Path log = Files.createTempFile(directory(), "build", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(COMPILE_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(what + ": no result within " + COMPILE_SECONDS + " s: "
                        + String.join(" ", cmd));
            }
            String text = Files.readString(log);
            if (p.exitValue() != 0) {
                throw new AssertionError(what + " failed (exit " + p.exitValue() + "): " + String.join(" ", cmd)
                        + "\n" + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}

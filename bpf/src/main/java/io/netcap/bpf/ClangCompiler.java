package io.netcap.bpf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Compiles BPF C into an ELF object with clang, caching objects on disk: the key covers which
 * clang it is, the flags and every input file, so an unchanged program skips the (slow) compiler.
 *
 * <p>Which clang: its executable's real path, size and modification time, as ccache checks its
 * compiler by default. A package upgrade replaces the file and so changes the key, and a cache
 * hit starts no process at all ({@code clang --version} would cost a process start on every
 * run). Only when the executable cannot be found on PATH is the version text used instead.
 */
public final class ClangCompiler {
    /** -g makes clang emit BTF, which CO-RE relocations and global data need. */
    public static final List<String> FLAGS = List.of(
            "-O2", "-g", "-target", "bpf", "-D__TARGET_ARCH_x86", "-I/usr/include/x86_64-linux-gnu");
    private static final int ERROR_LINES = 20;

    private final String clang;
    private final Path cacheDir;
    private String versionText;
    private String identity;

    /** The result of {@link #compile}. {@code command} is the clang command line that produced (or, on a cache hit, would produce) the object. */
    public record Compilation(byte[] object, boolean cacheHit, List<String> command, String cacheKey) {
    }

    /** clang from PATH, caching under {@link #defaultCacheDir()}. */
    public ClangCompiler() {
        this("clang", defaultCacheDir());
    }

    /** @param cacheDir where to cache objects; null disables caching */
    public ClangCompiler(String clang, Path cacheDir) {
        this.clang = clang;
        this.cacheDir = cacheDir;
    }

    /** {@code $NETCAP_CACHE_DIR}, else {@code $XDG_CACHE_HOME/netcap}, else {@code ~/.cache/netcap}. */
    public static Path defaultCacheDir() {
        String explicit = System.getenv("NETCAP_CACHE_DIR");
        if (explicit != null && !explicit.isEmpty()) {
            return Path.of(explicit);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isEmpty()) {
            return Path.of(xdg, "netcap");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "netcap");
    }

    public Path cacheDir() {
        return cacheDir;
    }

    /** The command line compiling {@code mainFile} in {@code sourceDir} into {@code output}. */
    public List<String> commandLine(Path sourceDir, String mainFile, Path output) {
        return commandLine(sourceDir, mainFile, output, List.of());
    }

    /** As above, with {@code extraFlags} after netcap's own. */
    public List<String> commandLine(Path sourceDir, String mainFile, Path output, List<String> extraFlags) {
        List<String> command = new ArrayList<>();
        command.add(clang);
        command.addAll(FLAGS);
        command.addAll(extraFlags);
        command.add("-I" + sourceDir);
        command.add("-c");
        command.add(sourceDir.resolve(mainFile).toString());
        command.add("-o");
        command.add(output.toString());
        return command;
    }

    /** Compiles the first entry of {@code files} (iteration order), which may include the others. */
    public Compilation compile(Map<String, String> files) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no source file to compile");
        }
        return compile(files.keySet().iterator().next(), files);
    }

    /** @param files file name → text, written side by side; {@code mainFile} must be one of them */
    public Compilation compile(String mainFile, Map<String, String> files) {
        return compile(mainFile, files, List.of(), true);
    }

    /**
     * @param extraFlags clang flags after netcap's own (part of the cache key)
     * @param cacheable  false when the object depends on files the key cannot see (headers a
     *                   user's C includes from its own directory): compiled every time
     */
    public Compilation compile(String mainFile, Map<String, String> files, List<String> extraFlags, boolean cacheable) {
        if (!files.containsKey(mainFile)) {
            throw new IllegalArgumentException("main file " + mainFile + " is not among " + files.keySet());
        }
        files.keySet().forEach(ClangCompiler::checkFileName);
        Map<String, String> keyed = files;
        if (!extraFlags.isEmpty()) {
            keyed = new java.util.LinkedHashMap<>(files);
            keyed.put("\0flags", String.join("\0", extraFlags)); // no file can have that name
        }
        String key = cacheKey(mainFile, keyed);
        Path cached = cacheDir == null || !cacheable ? null : cacheDir.resolve(key + ".bpf.o");
        if (cached != null && Files.isRegularFile(cached)) {
            try {
                byte[] object = Files.readAllBytes(cached);
                List<String> command = commandLine(Path.of("<sources>"), mainFile, cached, extraFlags);
                return new Compilation(object, true, command, key);
            } catch (IOException e) {
                // An unreadable cache entry is just a miss.
            }
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("netcap-clang-");
            for (Map.Entry<String, String> file : files.entrySet()) {
                Files.writeString(dir.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
            }
            Path output = dir.resolve("out.o");
            List<String> command = commandLine(dir, mainFile, output, extraFlags);
            Result result = run(command);
            if (result.exitCode != 0) {
                throw new ClangException("clang failed to compile " + mainFile, firstErrors(result.output), result.output);
            }
            byte[] object = Files.readAllBytes(output);
            if (cached != null) {
                store(cached, object);
            }
            return new Compilation(object, false, command, key);
        } catch (IOException e) {
            throw new UncheckedIOException("compiling " + mainFile + ": " + e.getMessage(), e);
        } finally {
            deleteTree(dir);
        }
    }

    private static void checkFileName(String name) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..") || name.contains("\0")) {
            throw new IllegalArgumentException("not a plain file name: \"" + name + "\"");
        }
    }

    /** Makes the first {@link #cacheKey} cheaper: looks SHA-256 up once, which loads the JCA providers. */
    static void warmUpCacheKey() {
        try {
            MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // cacheKey says so when it runs
        }
    }

    /** SHA-256 of which clang it is, the flags and every file's name and text, as hex. */
    String cacheKey(String mainFile, Map<String, String> files) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        // Each part is length-prefixed so that no two different inputs hash the same bytes.
        update(sha, clangIdentity());
        update(sha, String.join("\0", FLAGS));
        update(sha, mainFile);
        files.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(file -> {
            update(sha, file.getKey());
            update(sha, file.getValue());
        });
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void update(MessageDigest sha, String part) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        sha.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) ':');
        sha.update(bytes);
    }

    /**
     * "file PATH SIZE MTIME" of the clang executable, or "version TEXT" from {@link #clangVersion}
     * when it is not a file found on PATH (which is also where a missing clang is reported).
     */
    private synchronized String clangIdentity() {
        if (identity == null) {
            Path executable = executable(clang);
            if (executable != null) {
                try {
                    Path real = executable.toRealPath();
                    identity = "file " + real + " " + Files.size(real) + " "
                            + Files.getLastModifiedTime(real).toInstant();
                } catch (IOException e) {
                    // Fall back to asking clang itself.
                }
            }
            if (identity == null) {
                identity = "version " + clangVersion();
            }
        }
        return identity;
    }

    /** The executable a process start would run for {@code command}: PATH is searched when it has no slash. */
    private static Path executable(String command) {
        if (command.contains("/")) {
            Path path = Path.of(command);
            return Files.isRegularFile(path) && Files.isExecutable(path) ? path : null;
        }
        String searchPath = System.getenv("PATH");
        if (searchPath == null) {
            return null;
        }
        for (String dir : searchPath.split(":", -1)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir).resolve(command);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** clang --version, run once. */
    public synchronized String clangVersion() {
        if (versionText == null) {
            Result result = run(List.of(clang, "--version"));
            if (result.exitCode != 0) {
                throw new ClangException(clang + " --version failed", firstErrors(result.output));
            }
            versionText = result.output;
        }
        return versionText;
    }

    private record Result(int exitCode, String output) {
    }

    private Result run(List<String> command) {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new ClangException("clang not found: install the Debian package clang (scripts/setup does)", e);
        }
        try (InputStream in = process.getInputStream()) {
            String output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Result(process.waitFor(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("reading clang output", e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ClangException("interrupted while clang was running", e);
        }
    }

    /** From the first "error:" line on, a few lines: enough to see what broke without the noise. */
    static String firstErrors(String output) {
        List<String> lines = output.lines().toList();
        int first = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("error:")) {
                first = i;
                break;
            }
        }
        return String.join("\n", lines.subList(first, Math.min(lines.size(), first + ERROR_LINES)));
    }

    /** Temp file + rename, so a concurrent reader never sees half an object. Failure to cache is not an error. */
    private static void store(Path target, byte[] object) {
        Path temp = null;
        try {
            Files.createDirectories(target.getParent());
            temp = Files.createTempFile(target.getParent(), ".tmp-", ".bpf.o");
            Files.write(temp, object);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
        } catch (IOException e) {
            // The object is still returned; the next run just compiles again.
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // nothing more to do
                }
            }
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp dir is harmless
        }
    }
}

package io.netcap.capture.user;

import io.netcap.capture.CaptureException;
import io.netcap.capture.kernel.Suggestions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The file a TARGET the user wrote names: a path (anything with a {@code /}, relative to the
 * current directory), or a bare name, which is looked up as libbpf 1.1 itself looks up bare
 * names: one with {@code .so} in it among the libraries ({@code LD_LIBRARY_PATH}, then
 * {@link #LIBRARY_DIRS}), any other along {@code PATH}, then /usr/bin and /usr/sbin. With
 * {@code -p PID} a bare name is first matched against the files that process maps: exactly, or
 * as a prefix up to a dot ({@code libc} and {@code libc.so.6} both name
 * {@code /usr/lib/x86_64-linux-gnu/libc.so.6}; {@code librte_mbuf.so.23} names the
 * {@code librte_mbuf.so.23.0} the symlink points to).
 */
final class TargetFiles {
    /** Where shared libraries are looked for after LD_LIBRARY_PATH (Debian's multiarch directories first). */
    static final List<String> LIBRARY_DIRS = List.of("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
            "/lib64", "/usr/lib64", "/lib", "/usr/lib");
    private static final List<String> PROGRAM_DIRS = List.of("/usr/bin", "/usr/sbin");

    private final Map<String, String> environment;

    TargetFiles(Map<String, String> environment) {
        this.environment = environment;
    }

    /**
     * The file {@code target} names, checked to be an existing, readable regular file.
     *
     * @param process the process of {@code -p}, or null
     * @throws CaptureException usage: no such file, a directory or device, a bare name found
     *                          nowhere; runtime: a file netcap may not read
     */
    Path locate(String target, ProcessMaps process) {
        if (target.isEmpty()) {
            throw CaptureException.usage("an empty file name before ':'; give a program or library path");
        }
        if (target.contains("/")) {
            Path path;
            try {
                path = Path.of(target).toAbsolutePath();
            } catch (InvalidPathException e) {
                throw CaptureException.usage(target + ": not a usable path (" + e.getReason() + ")");
            }
            return checked(target, path);
        }
        if (process != null) {
            Optional<ProcessMaps.MappedFile> mapped = mappedByName(target, process);
            if (mapped.isPresent()) {
                if (mapped.get().deleted()) {
                    throw CaptureException.usage(target + ": process " + process.pid() + " maps "
                            + mapped.get().path() + ", but that file was deleted or replaced after it was mapped;"
                            + " restart the process, or give the new file's path");
                }
                return checked(target, mapped.get().openPath());
            }
        }
        List<String> dirs = searchDirs(target);
        for (String dir : dirs) {
            Path candidate = Path.of(dir, target);
            if (Files.isRegularFile(candidate)) {
                return checked(target, candidate);
            }
        }
        throw notFound(target, process, dirs);
    }

    /** The directories a bare name is looked for in, in order. */
    List<String> searchDirs(String name) {
        boolean library = name.endsWith(".so") || name.contains(".so.");
        List<String> dirs = new ArrayList<>(split(environment.get(library ? "LD_LIBRARY_PATH" : "PATH")));
        dirs.addAll(library ? LIBRARY_DIRS : PROGRAM_DIRS);
        return List.copyOf(new LinkedHashSet<>(dirs));
    }

    private static Optional<ProcessMaps.MappedFile> mappedByName(String name, ProcessMaps process) {
        Optional<ProcessMaps.MappedFile> exact = process.files().stream()
                .filter(f -> fileName(f.path()).equals(name)).findFirst();
        return exact.isPresent() ? exact : process.files().stream()
                .filter(f -> fileName(f.path()).startsWith(name + ".")).findFirst();
    }

    private static Path checked(String target, Path path) {
        if (!Files.exists(path)) {
            throw CaptureException.usage(target + ": no such file");
        }
        if (Files.isDirectory(path)) {
            throw CaptureException.usage(target + " is a directory; give the program or library file to probe");
        }
        if (!Files.isRegularFile(path)) {
            throw CaptureException.usage(target + " is not a regular file (a device, pipe or socket?);"
                    + " give the program or library file to probe");
        }
        if (!Files.isReadable(path)) {
            throw CaptureException.runtime("cannot read " + target + ": permission denied; run netcap as root");
        }
        return path;
    }

    private CaptureException notFound(String target, ProcessMaps process, List<String> dirs) {
        Set<String> names = new LinkedHashSet<>();
        if (process != null) {
            process.files().forEach(f -> names.add(fileName(f.path())));
        }
        for (String dir : dirs) {
            try (Stream<Path> files = Files.list(Path.of(dir))) {
                files.forEach(f -> names.add(f.getFileName().toString()));
            } catch (IOException | InvalidPathException e) {
                // a directory of the search path that is missing or unreadable holds nothing to suggest
            }
        }
        String where = (process == null ? "" : "mapped by process " + process.pid() + " (" + process.command()
                + ") nor ") + "in " + String.join(":", dirs);
        return CaptureException.usage("no file " + target + " " + where + "; give its path"
                + Suggestions.didYouMean(Suggestions.closest(target, names, 3)));
    }

    private static List<String> split(String pathList) {
        if (pathList == null) {
            return List.of();
        }
        // An empty entry means the current directory to the dynamic linker; libbpf skips it, and so do we.
        return Stream.of(pathList.split(":")).filter(s -> !s.isEmpty()).toList();
    }

    static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}

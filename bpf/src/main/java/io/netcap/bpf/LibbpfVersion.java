package io.netcap.bpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Which libbpf netcap runs with, for {@code netcap --version}: the version the library reports
 * itself (major.minor; libbpf keeps no patch level) and the file it was loaded from, which names
 * the patch level in its soname ({@code libbpf.so.1.1.2}) and tells a distribution's copy from one
 * built from source into /usr/local.
 */
public final class LibbpfVersion {
    private static final Path MAPS = Path.of("/proc/self/maps");

    private LibbpfVersion() {
    }

    /**
     * E.g. {@code "libbpf version 1.1 (/usr/lib/x86_64-linux-gnu/libbpf.so.1.1.2)"}; without the
     * part in brackets when /proc/self/maps does not show the file.
     *
     * @throws LinkageError libbpf is not installed (UnsatisfiedLinkError, or NoClassDefFoundError
     *                      when an earlier attempt in this JVM already failed)
     */
    public static String describe() {
        int major = NativeLibbpf.LIB.libbpf_major_version();
        int minor = NativeLibbpf.LIB.libbpf_minor_version();
        String version = "libbpf version " + Integer.toUnsignedString(major) + "." + Integer.toUnsignedString(minor);
        return loadedFile(MAPS).map(file -> version + " (" + file + ")").orElse(version);
    }

    /** The first file mapped into this process whose name starts with {@code libbpf.so}. */
    static Optional<String> loadedFile(Path maps) {
        List<String> lines;
        try {
            lines = Files.readAllLines(maps);
        } catch (IOException e) {
            return Optional.empty();
        }
        for (String line : lines) {
            // address perms offset dev inode pathname: the path is the sixth field and may hold spaces
            String[] fields = line.trim().split("\\s+", 6);
            if (fields.length == 6 && fields[5].startsWith("/")
                    && Path.of(fields[5]).getFileName().toString().startsWith("libbpf.so")) {
                return Optional.of(fields[5]);
            }
        }
        return Optional.empty();
    }
}

package io.netcap.capture.user;

import io.netcap.capture.CaptureException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The program a process runs and the files it has mapped executable (its shared libraries), from
 * {@code /proc/PID/exe} and {@code /proc/PID/maps}: where to look for a function or USDT probe
 * when the user gave {@code -p PID} and no file.
 *
 * <p>{@code /proc/PID/maps} has one line per mapping (proc(5)):
 * {@code START-END PERMS OFFSET DEV INODE [PATH]}, e.g.
 * {@code 7f3c1c228000-7f3c1c3bd000 r-xp 00028000 fe:01 1831 /usr/lib/x86_64-linux-gnu/libc.so.6};
 * PATH may contain spaces, is {@code [vdso]}-like for kernel pseudo-mappings and ends in
 * {@code " (deleted)"} when the file was removed or replaced after it was mapped. Only mappings
 * with {@code x} in PERMS, an inode and an absolute path are kept: the code a uprobe can hit.
 *
 * <p>Paths are as the process sees them. When it lives in another mount namespace (a container),
 * {@link MappedFile#openPath()} reaches the same file through {@code /proc/PID/root}.
 */
public final class ProcessMaps {
    /**
     * One file the process maps executable.
     *
     * @param path     its path as the process names it (without the " (deleted)" mark)
     * @param openPath how netcap reaches the same file: {@code path}, or under {@code /proc/PID/root}
     *                 when the process is in another mount namespace; for a deleted executable,
     *                 {@code /proc/PID/exe}, which still opens it
     * @param deleted  the file was deleted or replaced after the process mapped it: {@code path} no
     *                 longer names what the process runs
     */
    public record MappedFile(String path, Path openPath, boolean deleted) {
    }

    private static final String DELETED = " (deleted)";
    private static final Path PROC = Path.of("/proc");

    private final int pid;
    private final String command;
    private final MappedFile executable;
    private final List<MappedFile> libraries;

    private ProcessMaps(int pid, String command, MappedFile executable, List<MappedFile> libraries) {
        this.pid = pid;
        this.command = command;
        this.executable = executable;
        this.libraries = libraries;
    }

    /**
     * Reads process {@code pid}'s executable and executable file mappings.
     *
     * @throws CaptureException usage: no such process, or one with no program (a kernel thread, a
     *                          zombie); runtime: its maps cannot be read (another user's process
     *                          when not root)
     */
    public static ProcessMaps of(int pid) {
        if (pid <= 0) {
            throw CaptureException.usage("-p " + pid + ": not a process ID (a positive number, as ps shows)");
        }
        Path dir = PROC.resolve(Integer.toString(pid));
        if (!Files.isDirectory(dir)) {
            throw noProcess(pid);
        }
        String command = command(dir);
        List<String> lines;
        try {
            lines = Files.readAllLines(dir.resolve("maps"));
        } catch (NoSuchFileException e) {
            throw noProcess(pid);
        } catch (AccessDeniedException e) {
            throw CaptureException.runtime("cannot read /proc/" + pid + "/maps of process " + pid + " (" + command
                    + "): permission denied; run netcap as root", e);
        } catch (IOException e) {
            throw CaptureException.runtime("cannot read /proc/" + pid + "/maps: " + e.getMessage(), e);
        }
        String exe;
        try {
            exe = Files.readSymbolicLink(dir.resolve("exe")).toString();
        } catch (NoSuchFileException e) {
            if (!Files.isDirectory(dir)) {
                throw noProcess(pid);
            }
            throw CaptureException.usage("process " + pid + " (" + command + ") runs no program to probe:"
                    + " it is a kernel thread or has exited");
        } catch (AccessDeniedException e) {
            throw CaptureException.runtime("cannot read /proc/" + pid + "/exe of process " + pid + " (" + command
                    + "): permission denied; run netcap as root", e);
        } catch (IOException e) {
            throw CaptureException.runtime("cannot read /proc/" + pid + "/exe: " + e.getMessage(), e);
        }
        Path root = sameMountNamespace(dir) ? null : dir.resolve("root");
        MappedFile executable = mapped(exe, root);
        if (executable.deleted()) {
            // The magic link still opens the program the process runs (and a uprobe can be put on
            // it by that path, as ByteDance's netcap does), where the path names a newer file or none.
            executable = new MappedFile(executable.path(), dir.resolve("exe"), true);
        }
        Map<String, MappedFile> files = new LinkedHashMap<>();
        for (String line : lines) {
            MappedFile file = parse(line, root);
            if (file != null && !file.path().equals(executable.path())) {
                files.putIfAbsent(file.path(), file);
            }
        }
        return new ProcessMaps(pid, command, executable, List.copyOf(files.values()));
    }

    public int pid() {
        return pid;
    }

    /** The process's command name ({@code /proc/PID/comm}), for messages; "?" if it could not be read. */
    public String command() {
        return command;
    }

    /** The program the process runs ({@code /proc/PID/exe}). */
    public MappedFile executable() {
        return executable;
    }

    /** The other files mapped executable, each once, in the order of their first mapping (by address). */
    public List<MappedFile> libraries() {
        return libraries;
    }

    /** The executable, then the libraries: the order functions are looked for in. */
    public List<MappedFile> files() {
        List<MappedFile> all = new ArrayList<>(libraries.size() + 1);
        all.add(executable);
        all.addAll(libraries);
        return all;
    }

    /** The mapped file of one maps line, or null if it is not an executable mapping of a file. */
    static MappedFile parse(String line, Path root) {
        // Five fields, then (after padding) the path, which may itself contain spaces.
        int at = 0;
        String perms = null;
        String inode = null;
        for (int field = 0; field < 5; field++) {
            int end = line.indexOf(' ', at);
            if (end < 0) {
                return null; // no path: an anonymous mapping
            }
            if (field == 1) {
                perms = line.substring(at, end);
            } else if (field == 4) {
                inode = line.substring(at, end);
            }
            at = end + 1;
        }
        String path = line.substring(at).stripLeading();
        if (perms.length() < 3 || perms.charAt(2) != 'x' || "0".equals(inode) || !path.startsWith("/")) {
            return null;
        }
        return mapped(path, root);
    }

    private static MappedFile mapped(String path, Path root) {
        boolean deleted = path.endsWith(DELETED);
        String name = deleted ? path.substring(0, path.length() - DELETED.length()) : path;
        Path open = root == null ? Path.of(name) : root.resolve(name.substring(1));
        return new MappedFile(name, open, deleted);
    }

    private static boolean sameMountNamespace(Path dir) {
        try {
            return Objects.equals(Files.readSymbolicLink(PROC.resolve("self/ns/mnt")),
                    Files.readSymbolicLink(dir.resolve("ns/mnt")));
        } catch (IOException e) {
            return true; // cannot tell (not root): the plain path is the better guess
        }
    }

    private static String command(Path dir) {
        try {
            return Files.readString(dir.resolve("comm")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    private static CaptureException noProcess(int pid) {
        return CaptureException.usage("no process with PID " + pid + " (has it exited?)");
    }
}

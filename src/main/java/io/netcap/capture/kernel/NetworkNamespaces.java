package io.netcap.capture.kernel;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The network namespaces that exist now and the devices in them, to tell a user at start that
 * -i or --netns selects nothing. Namespaces are found where the kernel lists them: each
 * process's {@code /proc/PID/ns/net} link ({@code net:[INODE]}), whose devices
 * {@code /proc/PID/net/dev} lists without entering it, and each nsfs bind mount in
 * {@code /proc/self/mountinfo} ({@code ip netns add} keeps a namespace no process is in as
 * /run/netns/NAME), whose devices are read by entering it ({@link NamespaceEntry}).
 *
 * <p>Limits, so that callers word their warnings honestly: a namespace kept only by an open
 * descriptor, or entered by a single thread, is not seen; a process whose namespace link even
 * root may not read (another user without root; some sandboxes' init) is counted in
 * {@link #uninspected()}, and its devices are still read through its /proc/PID/net, which needs
 * no such permission. {@link Answer#UNKNOWN} means something needed could not be read.
 */
public final class NetworkNamespaces {
    /** What netcap can say for sure. */
    public enum Answer { YES, NO, UNKNOWN }

    private static final Pattern NET_LINK = Pattern.compile("net:\\[(\\d+)]");
    private static final Pattern DIGITS = Pattern.compile("\\d+");

    private final Path proc;
    private final Function<Path, Optional<Set<String>>> enterAndList;
    /** Per namespace inode: a process in it (its /proc/PID directory), then a mount of it. */
    private final Map<Long, Path> processes = new LinkedHashMap<>();
    private final Map<Long, Path> mounts = new LinkedHashMap<>();
    /** Processes whose namespace link could not be read: in some namespace, but which is unknown. */
    private final List<Path> uninspected = new ArrayList<>();
    /** False when /proc itself or the mount table could not be read. */
    private boolean complete = true;

    private NetworkNamespaces(Path proc, Function<Path, Optional<Set<String>>> enterAndList) {
        this.proc = proc;
        this.enterAndList = enterAndList;
        scanProcesses();
        scanMounts();
    }

    /** This machine's namespaces now, as root sees them (others see only their own processes' namespaces). */
    public static NetworkNamespaces scan() {
        return scan(Path.of("/proc"), NamespaceEntry::devices);
    }

    /**
     * The namespaces a procfs tree shows (one mounted elsewhere, or a copy made by a test).
     *
     * @param enterAndList the device names of the namespace mounted at a path, read from inside
     *                     it; empty when it cannot be entered
     */
    public static NetworkNamespaces scan(Path proc, Function<Path, Optional<Set<String>>> enterAndList) {
        return new NetworkNamespaces(proc, enterAndList);
    }

    /**
     * Whether a network namespace with this inode exists now. NO leaves out the namespaces of
     * {@link #uninspected()} processes, which may hold one.
     */
    public Answer exists(long inode) {
        if (processes.containsKey(inode) || mounts.containsKey(inode)) {
            return Answer.YES;
        }
        return complete ? Answer.NO : Answer.UNKNOWN;
    }

    /** Processes whose namespace could not be told (see the class comment); 0 as root on most machines. */
    public int uninspected() {
        return uninspected.size();
    }

    /**
     * Whether a device of this name exists now in the namespace with this inode, or in any with
     * 0 (uninspected processes' namespaces included).
     */
    public Answer hasDevice(String name, long inode) {
        if (inode != 0) {
            if (!processes.containsKey(inode) && !mounts.containsKey(inode)) {
                return Answer.UNKNOWN; // whether the namespace exists is the question to ask first
            }
            Optional<Set<String>> devices = devices(inode);
            return devices.isEmpty() ? Answer.UNKNOWN : devices.get().contains(name) ? Answer.YES : Answer.NO;
        }
        boolean allRead = complete;
        Set<Long> namespaces = new LinkedHashSet<>(processes.keySet());
        namespaces.addAll(mounts.keySet());
        for (long ns : namespaces) {
            Optional<Set<String>> devices = devices(ns);
            if (devices.isEmpty()) {
                allRead = false;
            } else if (devices.get().contains(name)) {
                return Answer.YES;
            }
        }
        for (Path process : uninspected) {
            try {
                if (parseNetDev(Files.readAllLines(process.resolve("net/dev"))).contains(name)) {
                    return Answer.YES;
                }
            } catch (NoSuchFileException gone) {
                // the process exited: its namespace, if still there, was counted elsewhere or is gone
            } catch (IOException e) {
                allRead = false;
            }
        }
        return allRead ? Answer.NO : Answer.UNKNOWN;
    }

    /** One namespace's device names: through a process in it if one is still there, else by entering its mount. */
    private Optional<Set<String>> devices(long inode) {
        Path process = processes.get(inode);
        if (process != null) {
            try {
                return Optional.of(parseNetDev(Files.readAllLines(process.resolve("net/dev"))));
            } catch (IOException e) {
                // the process went away: try the mount, if any
            }
        }
        Path mount = mounts.get(inode);
        return mount == null ? Optional.empty() : enterAndList.apply(mount);
    }

    /** Device names from /proc/net/dev: two header lines, then "NAME: counters" per device. */
    static Set<String> parseNetDev(List<String> lines) {
        Set<String> names = new HashSet<>();
        for (String line : lines.subList(Math.min(2, lines.size()), lines.size())) {
            int colon = line.lastIndexOf(':'); // counters have no colon; a name may
            if (colon > 0) {
                names.add(line.substring(0, colon).strip());
            }
        }
        return names;
    }

    private void scanProcesses() {
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, p -> DIGITS.matcher(p.getFileName().toString()).matches())) {
            for (Path pid : pids) {
                try {
                    Matcher m = NET_LINK.matcher(Files.readSymbolicLink(pid.resolve("ns/net")).toString());
                    if (m.matches()) {
                        processes.putIfAbsent(Long.parseLong(m.group(1)), pid);
                    }
                } catch (NoSuchFileException gone) {
                    // the process exited while we looked
                } catch (IOException | UnsupportedOperationException | SecurityException e) {
                    uninspected.add(pid); // not ours to inspect: its namespace is unknown
                }
            }
        } catch (IOException e) {
            complete = false;
        }
    }

    /** nsfs mounts of network namespaces: mountinfo's root field is "net:[INODE]", the fifth the mount point. */
    private void scanMounts() {
        List<String> lines;
        try {
            lines = Files.readAllLines(proc.resolve("self/mountinfo"));
        } catch (IOException e) {
            complete = false;
            return;
        }
        for (String line : lines) {
            String[] fields = line.split(" ");
            int separator = List.of(fields).indexOf("-");
            if (fields.length < 5 || separator < 0 || separator + 1 >= fields.length || !fields[separator + 1].equals("nsfs")) {
                continue;
            }
            Matcher m = NET_LINK.matcher(fields[3]);
            if (m.matches()) {
                mounts.putIfAbsent(Long.parseLong(m.group(1)), Path.of(unescape(fields[4])));
            }
        }
    }

    /** mountinfo writes space, tab, newline and backslash in paths as octal escapes (\040). */
    static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}

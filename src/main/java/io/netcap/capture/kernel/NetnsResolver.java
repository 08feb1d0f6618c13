package io.netcap.capture.kernel;

import io.netcap.capture.CaptureException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * --netns takes an inode number (as `ls -i /proc/PID/ns/net` or `lsns` show), a path such as
 * /proc/PID/ns/net, or a name under /run/netns (as `ip netns` makes). The kernel compares the
 * inode, so every form is turned into one.
 */
public final class NetnsResolver {
    private NetnsResolver() {
    }

    public static long resolve(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        String v = value.strip();
        if (v.matches("\\d{1,10}")) {
            long inode = Long.parseLong(v);
            if (inode <= 0 || inode > 0xFFFFFFFFL) {
                throw CaptureException.usage("--netns: " + v + " is not a namespace inode");
            }
            return inode;
        }
        Path path = v.contains("/") ? Path.of(v) : Path.of("/run/netns", v);
        Path parent = path.getParent();
        if (parent != null && parent.endsWith("ns") && parent.startsWith("/proc") && path.getFileName() != null
                && !path.getFileName().toString().equals("net")) {
            throw CaptureException.usage("--netns: " + v + " is a " + path.getFileName() + " namespace, not a network"
                    + " one; give an inode, /proc/PID/ns/net or a name from `ip netns`");
        }
        long inode;
        try {
            inode = ((Number) Files.getAttribute(path, "unix:ino")).longValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            throw CaptureException.usage("--netns: cannot find network namespace \"" + v + "\" (" + path
                    + (e instanceof java.nio.file.NoSuchFileException ? " does not exist" : ": " + e.getMessage())
                    + "); give an inode, /proc/PID/ns/net or a name from `ip netns`");
        }
        checkNamespaceFile(v, path);
        return inode;
    }

    /**
     * A path must be a namespace file, and a network one where that can be told: every namespace
     * file (/proc/PID/ns/*, and the bind mounts `ip netns` makes of them) lives on the one nsfs
     * filesystem, so its device is that of our own /proc/self/ns/net; a /proc/PID/ns link names
     * its type ("mnt:[4026531841]"). A plain file's inode can never name a namespace, so it is a
     * usage error rather than the warning an unknown inode gets.
     */
    static void checkNamespaceFile(String value, Path path) {
        Object nsfs;
        Object dev;
        try {
            nsfs = Files.getAttribute(Path.of("/proc/self/ns/net"), "unix:dev");
            dev = Files.getAttribute(path, "unix:dev");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return; // cannot tell: the inode alone decides
        }
        if (!nsfs.equals(dev)) {
            throw CaptureException.usage("--netns: " + value + " is not a namespace file; give an inode,"
                    + " /proc/PID/ns/net or a name from `ip netns`");
        }
        try {
            if (Files.isSymbolicLink(path)) {
                String target = Files.readSymbolicLink(path).toString();
                if (target.matches("[a-z_]+:\\[\\d+\\]") && !target.startsWith("net:")) {
                    throw CaptureException.usage("--netns: " + value + " is a " + target.substring(0, target.indexOf(':'))
                            + " namespace, not a network one; give /proc/PID/ns/net");
                }
            }
        } catch (IOException e) {
            // unreadable link: the device check above has passed
        }
    }
}

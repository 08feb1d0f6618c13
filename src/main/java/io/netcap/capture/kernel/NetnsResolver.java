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
        try {
            Object ino = Files.getAttribute(path, "unix:ino");
            return ((Number) ino).longValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            throw CaptureException.usage("--netns: cannot find network namespace \"" + v + "\" (" + path
                    + " is not readable); give an inode, /proc/PID/ns/net or a name from `ip netns`");
        }
    }
}

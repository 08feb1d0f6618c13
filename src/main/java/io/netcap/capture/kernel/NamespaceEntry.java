package io.netcap.capture.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import io.netcap.bpf.SharedLibraries;

/**
 * Lists the devices of a network namespace that no process is in (an {@code ip netns add}
 * mount), which /proc shows only from inside it: a fresh thread joins the namespace with
 * setns(2) and reads {@code /proc/thread-self/net/dev}, then ends. setns moves only the calling
 * thread, and that thread is never used again, so the rest of netcap stays where it was.
 * Needs CAP_SYS_ADMIN (root); without it the answer is empty, never a guess.
 */
final class NamespaceEntry {
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    /** CLONE_NEWNET: setns refuses the descriptor unless it is a network namespace. */
    private static final int CLONE_NEWNET = 0x40000000;

    private NamespaceEntry() {
    }

    /** libc's calls, as in {@code <fcntl.h>}, {@code <sched.h>} and {@code <unistd.h>}; public for jnr-ffi only. */
    public interface LibC {
        int open(String path, int flags);

        int setns(int fd, int nstype);

        int close(int fd);
    }

    /** Loaded on first use: most runs never enter a namespace. */
    private static final class Holder {
        static final LibC LIB = SharedLibraries.load(LibC.class, "libc.so.6", "c");
    }

    /** The device names in the network namespace mounted at {@code mount}; empty if it cannot be entered. */
    static Optional<Set<String>> devices(Path mount) {
        AtomicReference<Set<String>> found = new AtomicReference<>();
        Thread thread = new Thread(() -> found.set(readFromInside(mount)), "netns-devices");
        thread.setDaemon(true);
        thread.start();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.ofNullable(found.get());
    }

    /** On the throwaway thread: join the namespace, read its device list; null on any failure. */
    private static Set<String> readFromInside(Path mount) {
        LibC libc;
        try {
            libc = Holder.LIB;
        } catch (LinkageError e) {
            return null;
        }
        int fd = libc.open(mount.toString(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            return null;
        }
        try {
            if (libc.setns(fd, CLONE_NEWNET) != 0) {
                return null;
            }
        } finally {
            libc.close(fd);
        }
        try {
            return NetworkNamespaces.parseNetDev(Files.readAllLines(Path.of("/proc/thread-self/net/dev")));
        } catch (IOException e) {
            return null;
        }
    }
}

package io.netcap.bpf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the current process may do with BPF. Loading programs needs root here. */
public final class Privileges {
    private static final Path STATUS = Path.of("/proc/self/status");

    private Privileges() {
    }

    /** Effective uid 0. */
    public static boolean isRoot() {
        return effectiveUid() == 0;
    }

    /** The effective uid: second field of the {@code Uid:} line of /proc/self/status. */
    public static int effectiveUid() {
        try {
            return effectiveUid(Files.readString(STATUS));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + STATUS, e);
        }
    }

    /** Parses the text of a /proc/PID/status file ("Uid:" real effective saved fs). */
    static int effectiveUid(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("Uid:")) {
                String[] fields = line.substring(4).trim().split("\\s+");
                if (fields.length >= 2) {
                    return Integer.parseInt(fields[1]);
                }
            }
        }
        throw new IllegalStateException("no Uid line in /proc/self/status");
    }
}

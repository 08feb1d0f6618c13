package io.netcap.cli;

import io.netcap.bpf.LibbpfVersion;
import io.netcap.filter.Pcap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * The lines of {@code netcap --version}: netcap's own version and revision, then what it runs
 * with, as {@code tcpdump --version} lists its libraries. A bug report needs all of them: the
 * same netcap behaves differently on another libbpf, libpcap, kernel or JVM.
 */
final class VersionReport {
    static final Path OSRELEASE = Path.of("/proc/sys/kernel/osrelease");

    private VersionReport() {
    }

    static List<String> lines(BuildInfo build) {
        return List.of(
                firstLine(build),
                library("libbpf", "libbpf1", LibbpfVersion::describe),
                library("libpcap", "libpcap0.8", Pcap::libraryVersion),
                "Linux kernel " + kernelRelease(OSRELEASE),
                "Java " + System.getProperty("java.runtime.version", "unknown")
                        + " (" + System.getProperty("java.vm.vendor", "unknown vendor") + ")");
    }

    /** "netcap version 0.2.0 (git abc1234)": no library loaded for it, so a capture can afford it. */
    static String firstLine(BuildInfo build) {
        return "netcap version " + build.version() + " (git " + build.revision() + ")";
    }

    /** The library's own words, or that it cannot be loaded (netcap --version still answers then). */
    static String library(String name, String debianPackage, Supplier<String> describe) {
        try {
            return describe.get();
        } catch (LinkageError e) {
            return name + ": not found (the Debian package " + debianPackage + " provides it)";
        }
    }

    /** The running kernel's release, e.g. "6.1.0-26-amd64"; "unknown" where /proc is not mounted. */
    static String kernelRelease(Path osrelease) {
        try {
            return Files.readString(osrelease).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}

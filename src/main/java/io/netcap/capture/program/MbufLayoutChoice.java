package io.netcap.capture.program;

import io.netcap.capture.CaptureException;
import io.netcap.capture.user.DpdkVersion;
import io.netcap.capture.user.ProcessMaps;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Decides how netcap mbuf reads struct rte_mbuf when the user gave no --mbuf-layout: from the
 * probed program's debug information where it has some ({@link MbufLayoutReader}); else DPDK
 * 17.05's 64-bit layout, which has not changed since, after checking the DPDK version the target
 * carries: an older DPDK is refused rather than read wrongly, and a target that shows neither a
 * version nor debug information gets a one-line warning.
 */
public final class MbufLayoutChoice {
    private MbufLayoutChoice() {
    }

    /**
     * @throws CaptureException (usage) the target runs a DPDK older than 17.05
     */
    public static MbufLayout choose(CaptureProgram program, PrintWriter err) {
        Set<Path> binaries = new LinkedHashSet<>();
        int pid = -1;
        for (Hook hook : program.hooks()) {
            binaries.add(Path.of(hook.user().binary()));
            pid = Math.max(pid, hook.user().pid());
        }
        for (Path binary : binaries) {
            Optional<MbufLayoutReader.Found> found = MbufLayoutReader.read(binary);
            if (found.isPresent()) {
                if (!found.get().layout().equals(MbufLayout.DPDK_17_05)) {
                    err.println("netcap: struct rte_mbuf as the " + found.get().source() + " lays it out: "
                            + found.get().layout());
                }
                return found.get().layout();
            }
        }
        Optional<DpdkVersion> version = version(binaries, pid);
        if (version.isPresent() && !version.get().atLeast(17, 5)) {
            if (version.get().exact()) {
                throw CaptureException.usage(version.get().file() + " is " + version.get() + ", whose struct rte_mbuf"
                        + " netcap does not know (it reads DPDK 17.05 and later); give the offsets with --mbuf-layout "
                        + "FIELD=OFFSET,... or build the program with -g");
            }
            // only a lower bound older than 17.05: it may be older, or newer and exporting nothing newer
            err.println("netcap: warning: " + version.get().file() + " may be a DPDK older than 17.05 (its symbols say "
                    + version.get() + "), whose struct rte_mbuf differs; reading mbufs with 17.05's layout"
                    + " (--mbuf-layout to change it)");
        }
        if (version.isEmpty()) {
            err.println("netcap: warning: " + String.join(", ", binaries.stream().map(Path::toString).toList())
                    + " shows neither its DPDK version nor debug information for struct rte_mbuf; reading mbufs with the"
                    + " layout of DPDK 17.05 and later (--mbuf-layout to change it)");
        }
        return MbufLayout.DPDK_17_05;
    }

    private static Optional<DpdkVersion> version(Set<Path> binaries, int pid) {
        try {
            if (pid > 0) {
                Optional<DpdkVersion> running = DpdkVersion.ofProcess(ProcessMaps.of(pid));
                if (running.isPresent()) {
                    return running;
                }
            }
            for (Path binary : binaries) {
                Optional<DpdkVersion> v = DpdkVersion.ofFile(binary);
                if (v.isPresent()) {
                    return v;
                }
            }
        } catch (IOException | IllegalArgumentException | CaptureException e) {
            // unreadable or gone: as if it showed no version, which is said
        }
        return Optional.empty();
    }
}

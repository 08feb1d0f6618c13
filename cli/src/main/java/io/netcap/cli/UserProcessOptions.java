package io.netcap.cli;

import io.netcap.capture.CaptureException;
import io.netcap.capture.program.HookSpec;
import io.netcap.capture.program.PacketSource;
import java.util.List;
import picocli.CommandLine.Option;

/** Which process and which points of it: the options netcap mbuf and netcap raw share (a picocli mixin). */
public final class UserProcessOptions {
    @Option(names = {"-p", "--pid"}, paramLabel = "PID",
            description = "only this process; a point without TARGET is looked up in its executable and the libraries"
                    + " it maps. Without -p, each TARGET is probed in every process that maps it, now or later")
    Integer pid;

    /** The -f points for this source, with -p; a malformed point or PID is a usage error. */
    List<HookSpec> points(String value, PacketSource source) {
        if (pid != null && pid < 1) {
            throw CaptureException.usage("-p: " + pid + " is not a process ID");
        }
        try {
            return HookSpec.parseUserList(value, source, pid == null ? -1 : pid);
        } catch (IllegalArgumentException e) {
            throw CaptureException.usage(e.getMessage());
        }
    }
}

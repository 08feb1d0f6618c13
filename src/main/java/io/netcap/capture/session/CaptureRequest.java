package io.netcap.capture.session;

import io.netcap.bpf.EventTransport;
import io.netcap.capture.CaptureException;
import io.netcap.capture.extension.Extensions;
import io.netcap.capture.gather.GatherSettings;
import io.netcap.capture.program.HookSpec;
import io.netcap.capture.program.ProgramConfig;
import java.util.List;
import java.util.Objects;

/**
 * What the user asked of a capture or a backtrace, independent of how the command line spelled
 * it. The checks of these values are here and in {@link ProgramConfig}, once.
 *
 * @param hooks       where, in -f order
 * @param expression  the tcpdump filter; empty for every packet
 * @param config      the program's run-time settings (-s, -S, -i, --netns, --skb-data, --fake-hdr)
 * @param count       stop after this many packets (-c); null for no limit
 * @param transport   ring or perf buffer (--transport); null to take what the kernel has
 * @param ringSizeMiB the kernel-to-user buffer in MiB, a power of two 1..1024 (--ring-size)
 * @param dryRun      print the generated C instead of loading it
 * @param debug       libbpf's messages and Java stack traces
 * @param gather      follow each packet from the first hook through the others (--gather), or null;
 *                    -c then counts followed packets
 * @param extensions  the user's C: --ext-filter, --ext-action
 */
public record CaptureRequest(List<HookSpec> hooks, String expression, ProgramConfig config, Long count,
                             EventTransport transport, int ringSizeMiB, boolean dryRun, boolean debug,
                             GatherSettings gather, Extensions extensions) {
    public static final int DEFAULT_RING_MIB = 32;

    public CaptureRequest {
        hooks = List.copyOf(hooks);
        expression = expression == null ? "" : expression;
        Objects.requireNonNull(config);
        Objects.requireNonNull(extensions);
        if (count != null && count < 1) {
            throw CaptureException.usage("-c must be at least 1, not " + count);
        }
        if (ringSizeMiB < 1 || ringSizeMiB > 1024 || Integer.bitCount(ringSizeMiB) != 1) {
            throw CaptureException.usage("--ring-size must be a power of two from 1 to 1024 MiB, not " + ringSizeMiB);
        }
        if (gather != null && hooks.size() < 2) {
            throw CaptureException.usage("--gather follows packets from the first hook of -f to the later ones:"
                    + " give two hooks or more, e.g. -f tracepoint:net:net_dev_queue,tracepoint:net:net_dev_start_xmit");
        }
    }

    /** A request without extensions. */
    public CaptureRequest(List<HookSpec> hooks, String expression, ProgramConfig config, Long count,
                          EventTransport transport, int ringSizeMiB, boolean dryRun, boolean debug,
                          GatherSettings gather) {
        this(hooks, expression, config, count, transport, ringSizeMiB, dryRun, debug, gather, Extensions.NONE);
    }

    /** A request without --gather or extensions. */
    public CaptureRequest(List<HookSpec> hooks, String expression, ProgramConfig config, Long count,
                          EventTransport transport, int ringSizeMiB, boolean dryRun, boolean debug) {
        this(hooks, expression, config, count, transport, ringSizeMiB, dryRun, debug, null, Extensions.NONE);
    }

    /** This request with these extensions. */
    public CaptureRequest withExtensions(Extensions ext) {
        return new CaptureRequest(hooks, expression, config, count, transport, ringSizeMiB, dryRun, debug, gather, ext);
    }

    /** The -c limit, or 0 for none. */
    public long limit() {
        return count == null ? 0 : count;
    }

    public int ringBytes() {
        return ringSizeMiB << 20;
    }
}

package io.netcap.capture.user;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a USDT probe a user named is, as {@link UserTargets#resolveUsdt} found it: what libbpf's
 * {@code bpf_program__attach_usdt(prog, pid, binary, provider, name, opts)} takes, and how many
 * arguments the probe passes (argument positions 1..{@code argumentCount} exist).
 *
 * @param binary        the file that has the probe (as for {@link ResolvedFunction#binary()})
 * @param provider      the probe's provider
 * @param name          the probe's name
 * @param argumentCount arguments the probe passes; where its sites differ, the fewest
 * @param arguments     the argument format of its first site, e.g. {@code "8@%rdi -2@%si"}
 * @param sites         how many places in {@code binary} fire it (libbpf attaches to all)
 * @param warnings      one-line notes for the user, as for {@link ResolvedFunction#warnings()}
 */
public record ResolvedUsdt(Path binary, String provider, String name, int argumentCount, String arguments,
                           int sites, List<String> warnings) {
    public ResolvedUsdt {
        warnings = List.copyOf(warnings);
    }
}

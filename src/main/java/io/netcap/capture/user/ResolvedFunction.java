package io.netcap.capture.user;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a uprobe for a user's {@code [TARGET:]FUNC} goes, as {@link UserTargets#resolveFunction}
 * found it.
 *
 * @param binary     the file to give libbpf as {@code binary_path}: absolute; under
 *                   {@code /proc/PID/root} for a process in another mount namespace, or
 *                   {@code /proc/PID/exe} for a program deleted or replaced since it started
 * @param function   the function's name, without a version suffix
 * @param address    its st_value (link-time virtual address)
 * @param fileOffset where it starts in {@code binary}, in bytes: attach with libbpf's
 *                   {@code func_offset} set to this and no {@code func_name}. By name, libbpf 1.1
 *                   refuses names with several versioned definitions (libc's
 *                   {@code pthread_cond_wait}), which this offset has already settled
 * @param table      the symbol table it was found in
 * @param warnings   one-line notes for the user (without a "netcap: warning: " prefix), e.g. that
 *                   the {@code -p} process does not map {@code binary} yet; empty if none
 */
public record ResolvedFunction(Path binary, String function, long address, long fileOffset,
                               ElfSymbols.Table table, List<String> warnings) {
    public ResolvedFunction {
        warnings = List.copyOf(warnings);
    }
}

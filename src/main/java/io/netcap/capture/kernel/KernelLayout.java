package io.netcap.capture.kernel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where this kernel keeps page_offset_base and vmemmap_base, the two variables that say where it
 * maps physical memory and its struct pages (randomized at boot). The capture program needs
 * them to read packet bytes held in page fragments (netcap_packet.h, netcap_copy_frags). They
 * come from /proc/kallsyms, which lists data symbols only on kernels built with
 * CONFIG_KALLSYMS_ALL (Debian's and most distributions' are); elsewhere fragments are not read.
 */
public final class KernelLayout {
    private static CompletableFuture<Optional<Addresses>> lookup;

    /** The addresses of the two variables (not their values: the program reads those). */
    public record Addresses(long pageOffsetBase, long vmemmapBase) {
    }

    private KernelLayout() {
    }

    /** Starts reading /proc/kallsyms in the background (it is long), for {@link #addresses}. */
    public static synchronized void prefetch() {
        if (lookup == null) {
            lookup = CompletableFuture.supplyAsync(() -> find(KernelSymbols.KALLSYMS));
        }
    }

    /** This kernel's addresses, or empty where kallsyms does not list them. */
    public static Optional<Addresses> addresses() {
        prefetch();
        return lookup.join();
    }

    /** Both addresses from a kallsyms file, or empty when it lacks either (or hides addresses as 0). */
    static Optional<Addresses> find(Path kallsyms) {
        long[] found;
        try {
            found = KernelSymbols.addressesOf(kallsyms, "page_offset_base", "vmemmap_base");
        } catch (IOException e) {
            return Optional.empty();
        }
        return found[0] != 0 && found[1] != 0 ? Optional.of(new Addresses(found[0], found[1])) : Optional.empty();
    }
}

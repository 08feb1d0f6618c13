package io.netcap.capture;

import io.netcap.bpf.BpfObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
final class KernelLayout {
    static final Path KALLSYMS = Path.of("/proc/kallsyms");
    private static final String MAP = "netcap_layout";
    private static CompletableFuture<Optional<Addresses>> lookup;

    /** The addresses of the two variables (not their values: the program reads those). */
    record Addresses(long pageOffsetBase, long vmemmapBase) {
    }

    private KernelLayout() {
    }

    /** Starts reading /proc/kallsyms in the background (it is long), for {@link #writeTo}. */
    static synchronized void prefetch() {
        if (lookup == null) {
            lookup = CompletableFuture.supplyAsync(() -> find(KALLSYMS));
        }
    }

    /** Gives the program the addresses, where this kernel lists them; a no-op elsewhere. */
    static void writeTo(BpfObject object) {
        prefetch();
        Optional<Addresses> found = lookup.join();
        if (found.isEmpty()) {
            return;
        }
        ByteBuffer value = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        value.putLong(found.get().pageOffsetBase()).putLong(found.get().vmemmapBase());
        object.map(MAP).update(new byte[4], value.array());
    }

    /** Both addresses from a kallsyms file, or empty when it lacks either (or hides addresses as 0). */
    static Optional<Addresses> find(Path kallsyms) {
        String text;
        try {
            // One bulk read and two intrinsic searches: kallsyms is megabytes, and this runs
            // while netcap starts, when a line-by-line loop would still be interpreted.
            text = new String(Files.readAllBytes(kallsyms), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return Optional.empty();
        }
        long pageOffsetBase = symbol(text, "page_offset_base");
        long vmemmapBase = symbol(text, "vmemmap_base");
        return pageOffsetBase != 0 && vmemmapBase != 0
                ? Optional.of(new Addresses(pageOffsetBase, vmemmapBase)) : Optional.empty();
    }

    /** The address on the line "ADDRESS TYPE name", or 0 when there is none. */
    private static long symbol(String kallsyms, String name) {
        int at = kallsyms.indexOf(" " + name + "\n");
        if (at < 0) {
            return 0;
        }
        int start = kallsyms.lastIndexOf('\n', at) + 1;
        try {
            return address(kallsyms.substring(start, at));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long address(String line) {
        int space = line.indexOf(' ');
        return space <= 0 ? 0 : Long.parseUnsignedLong(line.substring(0, space), 16);
    }
}

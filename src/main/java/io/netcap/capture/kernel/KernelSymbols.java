package io.netcap.capture.kernel;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * netcap's one reader of /proc/kallsyms ("ADDRESS TYPE name[\t[module]]" per line; real addresses
 * only for root, zeros otherwise): code addresses to "function+0xoffset" for stacks, and the
 * addresses of named data symbols for {@link KernelLayout}.
 */
public final class KernelSymbols {
    public static final Path KALLSYMS = Path.of("/proc/kallsyms");

    private final long[] addresses;
    private final String[] names;

    private KernelSymbols(long[] addresses, String[] names) {
        this.addresses = addresses;
        this.names = names;
    }

    /**
     * Whether /proc/kallsyms lists a code symbol (t, T, w, W) called {@code name}, in the kernel or
     * a module; empty when kallsyms cannot be read. Reads the whole file (~5 MB): for error paths,
     * such as telling a function the BTF does not describe from one that does not exist.
     */
    public static java.util.Optional<Boolean> listsFunction(String name) {
        try (BufferedReader r = Files.newBufferedReader(KALLSYMS)) {
            for (String line; (line = r.readLine()) != null; ) {
                int s1 = line.indexOf(' ');
                int s2 = line.indexOf(' ', s1 + 1);
                if (s1 <= 0 || s2 < 0 || !line.startsWith(name, s2 + 1)) {
                    continue;
                }
                int end = s2 + 1 + name.length();
                char type = Character.toLowerCase(line.charAt(s1 + 1));
                if ((type == 't' || type == 'w') && (end == line.length() || line.charAt(end) == '\t')) {
                    return java.util.Optional.of(true);
                }
            }
            return java.util.Optional.of(false);
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    public static KernelSymbols load() throws IOException {
        return parse(KALLSYMS);
    }

    static KernelSymbols parse(Path kallsyms) throws IOException {
        int n = 0;
        long[] addr = new long[1 << 18];
        String[] name = new String[addr.length];
        try (BufferedReader r = Files.newBufferedReader(kallsyms)) {
            for (String line; (line = r.readLine()) != null; ) {
                // "ffffffff81000000 T _stext" or "... t name\t[module]"
                int s1 = line.indexOf(' ');
                int s2 = line.indexOf(' ', s1 + 1);
                if (s1 <= 0 || s2 < 0) {
                    continue;
                }
                char type = Character.toLowerCase(line.charAt(s1 + 1));
                if (type != 't' && type != 'w') {
                    continue; // only code symbols can be in a stack
                }
                long a = Long.parseUnsignedLong(line.substring(0, s1), 16);
                if (a == 0) {
                    continue;
                }
                if (n == addr.length) {
                    addr = Arrays.copyOf(addr, n * 2);
                    name = Arrays.copyOf(name, n * 2);
                }
                int tab = line.indexOf('\t', s2 + 1);
                addr[n] = a;
                name[n] = tab < 0 ? line.substring(s2 + 1) : line.substring(s2 + 1, tab) + " " + line.substring(tab + 1);
                n++;
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        final long[] a0 = addr;
        Arrays.sort(order, (x, y) -> Long.compareUnsigned(a0[x], a0[y]));
        long[] sortedA = new long[n];
        String[] sortedN = new String[n];
        for (int i = 0; i < n; i++) {
            sortedA[i] = addr[order[i]];
            sortedN[i] = name[order[i]];
        }
        return new KernelSymbols(sortedA, sortedN);
    }

    /**
     * The address of each named symbol, 0 for one not listed (or hidden as 0). One bulk read and
     * intrinsic searches: kallsyms is megabytes, and this runs while netcap starts, when a
     * line-by-line loop would still be interpreted.
     */
    static long[] addressesOf(Path kallsyms, String... symbols) throws IOException {
        String text = new String(Files.readAllBytes(kallsyms), java.nio.charset.StandardCharsets.ISO_8859_1);
        long[] found = new long[symbols.length];
        for (int i = 0; i < symbols.length; i++) {
            int at = text.indexOf(" " + symbols[i] + "\n");
            if (at >= 0) {
                String line = text.substring(text.lastIndexOf('\n', at) + 1, at);
                int space = line.indexOf(' ');
                try {
                    found[i] = space <= 0 ? 0 : Long.parseUnsignedLong(line.substring(0, space), 16);
                } catch (NumberFormatException e) {
                    found[i] = 0;
                }
            }
        }
        return found;
    }

    public boolean isEmpty() {
        return addresses.length == 0;
    }

    /** "icmp_rcv+0x1a4", or the address in hex when no symbol covers it. */
    public String symbolize(long address) {
        int best = lookup(address);
        if (best < 0) {
            return String.format("0x%x", address);
        }
        return names[best] + String.format("+0x%x", address - addresses[best]);
    }

    /** "icmp_rcv" (no offset, so stacks through the same functions read alike), or the address in hex. */
    public String function(long address) {
        int best = lookup(address);
        return best < 0 ? String.format("0x%x", address) : names[best];
    }

    private int lookup(long address) {
        int lo = 0;
        int hi = addresses.length - 1;
        int best = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(addresses[mid], address) <= 0) {
                best = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return best;
    }
}

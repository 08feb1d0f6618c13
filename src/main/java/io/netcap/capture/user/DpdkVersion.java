package io.netcap.capture.user;

import io.netcap.bpf.ElfFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The DPDK release a program or library was built from, for refusing one whose {@code rte_mbuf}
 * layout netcap does not know (before 17.05) rather than reading it wrongly.
 *
 * <p>No file carries the text "DPDK 22.11.11": {@code rte_version()} formats it at run time from
 * the numbers with {@code "%s %d.%02d.%d"} (seen with {@code strings} and {@code objdump} on
 * Debian's {@code librte_eal.so.23}; up to 19.08 it was an inline function in
 * {@code rte_version.h} doing the same). Two things in the file do tell:
 * <ol>
 *   <li>exactly: the functions {@code rte_version_year()}, {@code rte_version_month()} and
 *   {@code rte_version_minor()} (in librte_eal since about 20.11; 21.05's API documentation has
 *   them, 19.08's does not) each return a constant. Compiled for x86-64 each is
 *   {@code [endbr64] mov $N,%eax; ret} ({@code b8 N32 c3}), {@code xor %eax,%eax; ret} for 0,
 *   or with {@code -O0} the same inside {@code push %rbp; mov %rsp,%rbp … pop %rbp}; that code
 *   is read back for N. Any other code makes this way give up rather than guess.</li>
 *   <li>as a lower bound: the newest DPDK symbol version the library defines. Up to 19.08 these
 *   were named after the release that added the symbols ({@code DPDK_2.0}, {@code DPDK_17.05});
 *   since 19.11 after the ABI, one per LTS release ({@code DPDK_20.0} in 19.11, {@code DPDK_21}
 *   in 20.11, … {@code DPDK_23} in 22.11, and the releases between two LTS keep the older one),
 *   so ABI N means release (N−1).11 or later.</li>
 * </ol>
 *
 * @param year  the release year, e.g. 22 for 22.11
 * @param month the release month, e.g. 11
 * @param patch the stable patch level, e.g. 11 for 22.11.11; 0 when not {@code exact}
 * @param exact true: read from rte_version_*(); false: a lower bound from a symbol version name
 * @param file  the file it was read from
 */
public record DpdkVersion(int year, int month, int patch, boolean exact, Path file) {
    private static final Pattern VERSION_NODE = Pattern.compile("DPDK_(\\d+)(?:\\.(\\d+))?(?:\\.\\d+)?");
    /** The first ABI-numbered version name: DPDK_20.0, in 19.11. */
    private static final int FIRST_ABI = 20;
    private static final byte[] ENDBR64 = {(byte) 0xf3, 0x0f, 0x1e, (byte) 0xfa};
    private static final byte[] FRAME = {0x55, 0x48, (byte) 0x89, (byte) 0xe5};

    /**
     * The DPDK version {@code file} carries: exact where it defines the rte_version_*() functions
     * (librte_eal, or a program linked with DPDK statically and not stripped), else the lower
     * bound its DPDK symbol versions give (any shared DPDK library); empty if it has neither.
     *
     * @throws IOException              if it cannot be read
     * @throws IllegalArgumentException if it is not an ELF64 little-endian file
     */
    public static Optional<DpdkVersion> ofFile(Path file) throws IOException {
        try (ElfFile elf = ElfFile.open(file)) {
            Optional<DpdkVersion> exact = fromFunctions(elf, ElfSymbols.of(elf, file), file);
            return exact.isPresent() ? exact : fromVersionNames(VersionDefinitions.names(elf), file);
        }
    }

    /**
     * The DPDK version a process runs: exact from its program or a librte_eal it maps, else the
     * highest lower bound among its program and the librte_* libraries it maps; empty if it
     * shows no DPDK. Deleted files and mapped files that are not ELF64 are passed over.
     *
     * @throws IOException if a mapped file cannot be read
     */
    public static Optional<DpdkVersion> ofProcess(ProcessMaps process) throws IOException {
        List<Path> files = new ArrayList<>();
        for (ProcessMaps.MappedFile mapped : process.files()) {
            boolean program = mapped == process.files().get(0);
            if (program || (!mapped.deleted() && TargetFiles.fileName(mapped.path()).startsWith("librte_"))) {
                files.add(mapped.openPath());
            }
        }
        DpdkVersion best = null;
        for (Path file : files) {
            Optional<DpdkVersion> found;
            try {
                found = ofFile(file);
            } catch (IllegalArgumentException e) {
                continue; // not ELF64: it carries no DPDK this can read
            }
            if (found.isPresent() && found.get().exact()) {
                return found;
            }
            if (found.isPresent() && (best == null || found.get().number() > best.number())) {
                best = found.get();
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * Whether this is release {@code year.month} or later; for a lower bound, whether it is
     * certainly so (false then means "maybe older").
     */
    public boolean atLeast(int wantedYear, int wantedMonth) {
        return number() >= wantedYear * 100 + wantedMonth;
    }

    /** "DPDK 22.11.11", or "DPDK 22.11 or later" for a lower bound ("DPDK 2.0 or later" for the 2015 numbering). */
    @Override
    public String toString() {
        String release = "DPDK " + year + "." + (year >= 16 ? String.format("%02d", month) : Integer.toString(month));
        return exact ? release + "." + patch : release + " or later";
    }

    private int number() {
        return year * 100 + month;
    }

    private static Optional<DpdkVersion> fromFunctions(ElfFile elf, ElfSymbols symbols, Path file) throws IOException {
        if (elf.machine() != ElfFile.EM_X86_64) {
            return Optional.empty(); // the code pattern below is x86-64's
        }
        Optional<Integer> year = constant(elf, symbols, "rte_version_year");
        Optional<Integer> month = constant(elf, symbols, "rte_version_month");
        Optional<Integer> minor = constant(elf, symbols, "rte_version_minor");
        if (year.isEmpty() || month.isEmpty() || minor.isEmpty()
                || year.get() < 1 || year.get() > 99 || month.get() < 1 || month.get() > 12 || minor.get() < 0) {
            return Optional.empty();
        }
        return Optional.of(new DpdkVersion(year.get(), month.get(), minor.get(), true, file));
    }

    /** The constant function {@code name} returns, read from its code; empty if it is not one such function. */
    private static Optional<Integer> constant(ElfFile elf, ElfSymbols symbols, String name) throws IOException {
        List<FunctionSymbol> definitions = symbols.definitions(name);
        if (definitions.size() != 1 || definitions.get(0).fileOffset() < 0 || definitions.get(0).indirect()) {
            return Optional.empty();
        }
        long offset = definitions.get(0).fileOffset();
        ByteBuffer code = elf.read(offset, Math.min(16, elf.length() - offset));
        int at = skip(code, 0, ENDBR64);
        int framed = skip(code, at, FRAME);
        boolean frame = framed != at;
        at = framed;
        int value;
        if (byteAt(code, at) == 0xb8 && code.limit() >= at + 5) {
            value = code.getInt(at + 1);
            at += 5;
        } else if ((byteAt(code, at) == 0x31 || byteAt(code, at) == 0x33) && byteAt(code, at + 1) == 0xc0) {
            value = 0;
            at += 2;
        } else {
            return Optional.empty();
        }
        if (frame) {
            if (byteAt(code, at) != 0x5d) { // pop %rbp
                return Optional.empty();
            }
            at++;
        }
        if (byteAt(code, at) == 0xf3) { // "rep ret", which older compilers emit
            at++;
        }
        return byteAt(code, at) == 0xc3 ? Optional.of(value) : Optional.empty();
    }

    private static int skip(ByteBuffer code, int at, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (at + i >= code.limit() || code.get(at + i) != prefix[i]) {
                return at;
            }
        }
        return at + prefix.length;
    }

    private static int byteAt(ByteBuffer code, int at) {
        return at < code.limit() ? Byte.toUnsignedInt(code.get(at)) : -1;
    }

    static Optional<DpdkVersion> fromVersionNames(List<String> names, Path file) {
        DpdkVersion best = null;
        for (String name : names) {
            Matcher m = VERSION_NODE.matcher(name);
            if (!m.matches()) {
                continue;
            }
            int major = Integer.parseInt(m.group(1));
            DpdkVersion v = major >= FIRST_ABI
                    ? new DpdkVersion(major - 1, 11, 0, false, file)
                    : new DpdkVersion(major, m.group(2) == null ? 0 : Integer.parseInt(m.group(2)), 0, false, file);
            if (best == null || v.number() > best.number()) {
                best = v;
            }
        }
        return Optional.ofNullable(best);
    }
}

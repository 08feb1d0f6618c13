package io.netcap.capture.user;

import io.netcap.capture.CaptureException;
import io.netcap.capture.kernel.Suggestions;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Picks the one definition of a function name a uprobe goes on, among those one file's symbol
 * table holds, the way the program's own calls are bound: the default symbol version over old
 * ones kept for compatibility (libc's {@code memcpy@GLIBC_2.2.5}), a strong definition over weak
 * aliases; aliases at one address are one function. What is left must be one ordinary function.
 */
final class FunctionChoice {
    private FunctionChoice() {
    }

    /**
     * The definition to probe.
     *
     * @param definitions {@link ElfSymbols#definitions} of {@code function}, not empty
     * @throws CaptureException usage: the name is an indirect function (IFUNC), or names several
     *                          functions at different addresses (static functions of one name)
     */
    static FunctionSymbol choose(String function, Path file, ElfSymbols symbols, List<FunctionSymbol> definitions) {
        List<FunctionSymbol> left = definitions;
        if (left.stream().anyMatch(FunctionSymbol::defaultVersion)) {
            left = left.stream().filter(FunctionSymbol::defaultVersion).toList();
        }
        if (left.stream().anyMatch(d -> !d.weak())) {
            left = left.stream().filter(d -> !d.weak()).toList();
        }
        List<Long> addresses = left.stream().map(FunctionSymbol::address).distinct().toList();
        if (addresses.size() > 1) {
            throw CaptureException.usage(function + " names " + addresses.size() + " different functions in " + file
                    + " (at " + addresses.stream().map(a -> "0x" + Long.toHexString(a)).collect(Collectors.joining(", "))
                    + "), such as static functions of one name in different source files; probe a caller with a unique name");
        }
        FunctionSymbol chosen = left.get(0);
        if (chosen.indirect()) {
            // The implementations are usually local functions, named in .symtab only (glibc's
            // __memcpy_avx_unaligned_erms): a stripped library cannot offer them, and names that
            // merely contain the function's (wmemcpy) would mislead.
            List<String> implementations = !symbols.hasSymtab() ? List.of() : symbols.names().stream()
                    .filter(n -> !n.equals(function) && n.contains(function))
                    .filter(n -> symbols.definitions(n).stream().noneMatch(FunctionSymbol::indirect))
                    .toList();
            List<String> listed = Suggestions.closest(function, implementations, 3);
            throw CaptureException.usage(function + " in " + file + " is an indirect function (GNU IFUNC): it runs"
                    + " once, when the file is loaded, to pick the implementation calls go to; probe that"
                    + " implementation" + (!listed.isEmpty() ? ", perhaps " + String.join(", ", listed)
                    : symbols.hasSymtab() ? "" : " (" + file.getFileName() + " has no .symtab to name it)"));
        }
        if (chosen.fileOffset() < 0) {
            throw CaptureException.usage(function + " in " + file + " lies in no section with bytes in the file"
                    + " (symbol at 0x" + Long.toHexString(chosen.address()) + "); netcap cannot place a probe on it");
        }
        return chosen;
    }
}

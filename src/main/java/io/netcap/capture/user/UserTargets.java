package io.netcap.capture.user;

import io.netcap.bpf.ElfFile;
import io.netcap.capture.CaptureException;
import io.netcap.capture.Plural;
import io.netcap.capture.kernel.Suggestions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns the user-space probe points a user wrote ({@code [TARGET:]FUNC}, {@code usdt:PROVIDER:NAME},
 * with or without {@code -p PID}) into the file and symbol libbpf attaches to, or into a one- or
 * two-line error saying what is wrong and what to do: {@link CaptureException#usage} for the
 * user's mistakes (no such file, function, probe or process; a stripped program), runtime for
 * trouble reading what exists.
 *
 * <p>Where a function is looked for: in TARGET ({@link TargetFiles} says which file that names),
 * its .symtab first, then its .dynsym; without TARGET, in the program of the {@code -p} process,
 * then in each library it maps, in map order, the first file defining it winning. USDT probes
 * likewise, in each file's {@code .note.stapsdt}.
 */
public final class UserTargets {
    /** libbpf 1.1's USDT_MAX_ARG_CNT: it will not attach to a probe that passes more arguments. */
    public static final int USDT_MAX_ARGUMENTS = 12;
    /** How many probe names a "no such probe" error lists. */
    private static final int LISTED_PROBES = 5;

    private final TargetFiles files;

    /** Bare TARGET names are looked up along this process's LD_LIBRARY_PATH and PATH. */
    public UserTargets() {
        this(System.getenv());
    }

    UserTargets(Map<String, String> environment) {
        this.files = new TargetFiles(environment);
    }

    /**
     * The file and function a uprobe for {@code [target:]function} goes on.
     *
     * @param target   a program or shared library: a path, or a bare name (see {@link TargetFiles});
     *                 null to search the {@code pid} process's program and libraries
     * @param function the function's name, as in the symbol table (C++ names mangled)
     * @param pid      the {@code -p} process, or null
     * @throws CaptureException see the class comment
     */
    public ResolvedFunction resolveFunction(String target, String function, Integer pid) {
        Objects.requireNonNull(function, "function");
        if (function.isBlank()) {
            throw CaptureException.usage("an empty function name; give TARGET:FUNCTION or FUNCTION with -p PID");
        }
        ProcessMaps process = pid == null ? null : ProcessMaps.of(pid);
        if (target != null) {
            Path file = files.locate(target, process);
            ElfSymbols symbols = program(target, file, ElfSymbols::of);
            List<FunctionSymbol> definitions = symbols.definitions(function);
            if (definitions.isEmpty()) {
                throw notInFile(target, symbols, function);
            }
            return resolved(file, function, FunctionChoice.choose(function, file, symbols, definitions),
                    mappingWarning(process, file));
        }
        if (process == null) {
            throw CaptureException.usage(function + ": give -p PID, or the program or library that has it as"
                    + " TARGET:" + function);
        }
        Search<ElfSymbols> search = new Search<>(process);
        for (ProcessMaps.MappedFile mapped : process.files()) {
            ElfSymbols symbols = search.read(mapped, ElfSymbols::of);
            if (symbols == null) {
                continue;
            }
            List<FunctionSymbol> definitions = symbols.definitions(function);
            if (!definitions.isEmpty()) {
                return resolved(mapped.openPath(), function,
                        FunctionChoice.choose(function, mapped.openPath(), symbols, definitions), List.of());
            }
        }
        throw notInProcess(function, search);
    }

    /**
     * The file a USDT probe {@code provider:name} is in, and how many arguments it passes.
     *
     * @param target   a program or shared library as for {@link #resolveFunction}; null to search
     *                 the {@code pid} process's program and libraries
     * @param provider the probe's provider
     * @param name     the probe's name
     * @param pid      the {@code -p} process, or null
     * @throws CaptureException see the class comment; also usage for a probe with more than
     *                          {@link #USDT_MAX_ARGUMENTS} arguments, which libbpf cannot attach to
     */
    public ResolvedUsdt resolveUsdt(String target, String provider, String name, Integer pid) {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(name, "name");
        if (provider.isBlank() || name.isBlank()) {
            throw CaptureException.usage("usdt:" + provider + ":" + name + ": give both the provider and the probe"
                    + " name, as usdt:PROVIDER:NAME");
        }
        String id = provider + ":" + name;
        ProcessMaps process = pid == null ? null : ProcessMaps.of(pid);
        if (target != null) {
            Path file = files.locate(target, process);
            UsdtNotes notes = program(target, file, (elf, f) -> UsdtNotes.of(elf));
            if (notes.probes().isEmpty()) {
                throw CaptureException.usage(target + " has no USDT probes (" + (notes.hasSection()
                        ? "its " + UsdtNotes.SECTION + " section lists none" : "no " + UsdtNotes.SECTION + " section")
                        + "); probe one of its functions instead, as " + target + ":FUNCTION");
            }
            List<UsdtProbe> sites = notes.sites(provider, name);
            if (sites.isEmpty()) {
                throw CaptureException.usage("no USDT probe " + id + " in " + target + "; it has "
                        + listed(id, notes.ids()));
            }
            return resolvedUsdt(file, id, sites, mappingWarning(process, file));
        }
        if (process == null) {
            throw CaptureException.usage("usdt:" + id + ": give -p PID, or the program or library that has the probe");
        }
        Search<UsdtNotes> search = new Search<>(process);
        Set<String> ids = new LinkedHashSet<>();
        for (ProcessMaps.MappedFile mapped : process.files()) {
            UsdtNotes notes = search.read(mapped, (elf, f) -> UsdtNotes.of(elf));
            if (notes == null) {
                continue;
            }
            List<UsdtProbe> sites = notes.sites(provider, name);
            if (!sites.isEmpty()) {
                return resolvedUsdt(mapped.openPath(), id, sites, List.of());
            }
            ids.addAll(notes.ids());
        }
        if (ids.isEmpty()) {
            throw CaptureException.usage("process " + process.pid() + " (" + process.command() + ") has no USDT"
                    + " probes: none of " + search.searched() + " has a " + UsdtNotes.SECTION + " section"
                    + search.skipped());
        }
        throw CaptureException.usage("no USDT probe " + id + " in process " + process.pid() + " ("
                + process.command() + "); " + search.searched() + " have " + listed(id, ids) + search.skipped());
    }

    private static ResolvedFunction resolved(Path file, String function, FunctionSymbol chosen, List<String> warnings) {
        return new ResolvedFunction(file, function, chosen.address(), chosen.fileOffset(), chosen.table(), warnings);
    }

    private static ResolvedUsdt resolvedUsdt(Path file, String id, List<UsdtProbe> sites, List<String> warnings) {
        int arguments = sites.stream().mapToInt(UsdtProbe::argumentCount).min().orElseThrow();
        int most = sites.stream().mapToInt(UsdtProbe::argumentCount).max().orElseThrow();
        if (most > USDT_MAX_ARGUMENTS) {
            throw CaptureException.usage("USDT probe " + id + " in " + file + " passes " + most + " arguments;"
                    + " libbpf attaches only to probes of up to " + USDT_MAX_ARGUMENTS);
        }
        UsdtProbe first = sites.get(0);
        return new ResolvedUsdt(file, first.provider(), first.name(), arguments, first.arguments(), sites.size(),
                warnings);
    }

    /** What {@code read} makes of {@code file}, which must be a linked ELF program or shared library. */
    private static <T> T program(String shown, Path file, ElfReader<T> read) {
        ElfFile elf;
        try {
            elf = ElfFile.open(file);
        } catch (IllegalArgumentException e) { // not ELF64 at all: a script, a text file, a 32-bit program
            throw CaptureException.usage(shown + ": " + e.getMessage() + "; give a program or shared library");
        } catch (IOException e) {
            throw CaptureException.runtime("cannot read " + shown + ": " + e.getMessage(), e);
        }
        try (elf) {
            checkType(shown, elf.type());
            if (elf.machine() != ElfFile.EM_X86_64) {
                // uprobe arguments are read from x86-64's argument registers
                throw CaptureException.usage(shown + " is built for another machine (ELF e_machine " + elf.machine()
                        + "); netcap probes x86-64 programs only");
            }
            return read.apply(elf, file);
        } catch (IllegalArgumentException e) { // a damaged symbol table or note
            throw CaptureException.usage(shown + ": " + e.getMessage());
        } catch (IOException e) {
            throw CaptureException.runtime("cannot read " + shown + ": " + e.getMessage(), e);
        }
    }

    private static void checkType(String shown, int type) {
        switch (type) {
            case ElfFile.ET_EXEC, ElfFile.ET_DYN -> {
            }
            case ElfFile.ET_REL -> throw CaptureException.usage(shown + " is an object file (ELF type ET_REL), not"
                    + " a linked program; give the program or library built from it");
            case ElfFile.ET_CORE -> throw CaptureException.usage(shown + " is a core dump, not a program;"
                    + " give the program or library to probe");
            default -> throw CaptureException.usage(shown + " is not a program or shared library (ELF type "
                    + type + ")");
        }
    }

    private static CaptureException notInFile(String shown, ElfSymbols symbols, String function) {
        String close = Suggestions.didYouMean(Suggestions.closest(function, symbols.names(), 3));
        if (!symbols.hasSymtab()) {
            return CaptureException.usage(shown + " is stripped (no .symtab) and does not export " + function
                    + close + "\nprobe an unstripped build of it, or a library function it calls (LIBRARY:FUNCTION)");
        }
        return CaptureException.usage("no function " + function + " in " + shown + close);
    }

    private static CaptureException notInProcess(String function, Search<ElfSymbols> search) {
        List<String> close = List.of();
        for (ElfSymbols symbols : search.results) { // the program's names first, then each library's
            close = Suggestions.closest(function, symbols.names(), 3);
            if (!close.isEmpty()) {
                break;
            }
        }
        ProcessMaps process = search.process;
        String stripped = search.program && !search.results.get(0).hasSymtab()
                ? "\n" + process.executable().path() + " is stripped (no .symtab), so only the functions it exports"
                        + " were searched; probe an unstripped build of it, or a library function it calls"
                : "";
        return CaptureException.usage("no function " + function + " in process " + process.pid() + " ("
                + process.command() + "): searched " + search.searched() + search.skipped()
                + Suggestions.didYouMean(close) + stripped);
    }

    /** Up to {@link #LISTED_PROBES} of {@code ids}, those closest to {@code wanted} first. */
    private static String listed(String wanted, java.util.Collection<String> ids) {
        Set<String> shown = new LinkedHashSet<>(Suggestions.closest(wanted, ids, LISTED_PROBES));
        for (String id : ids) {
            if (shown.size() >= LISTED_PROBES) {
                break;
            }
            shown.add(id);
        }
        int more = ids.size() - shown.size();
        return String.join(", ", shown) + (more > 0 ? " and " + more + " more" : "");
    }

    private static List<String> mappingWarning(ProcessMaps process, Path file) {
        if (process == null) {
            return List.of();
        }
        for (ProcessMaps.MappedFile mapped : process.files()) {
            try {
                if (Files.isSameFile(mapped.openPath(), file)) {
                    return List.of();
                }
            } catch (IOException e) {
                // a mapped file that is gone cannot be the one given
            }
        }
        return List.of("process " + process.pid() + " (" + process.command() + ") does not map " + file
                + " now: the probe fires only if it loads it later");
    }

    /** Reads a file's symbols or notes from its opened ELF headers. */
    @FunctionalInterface
    private interface ElfReader<T> {
        T apply(ElfFile elf, Path file) throws IOException;
    }

    /** The files of one process read so far, and those that could not be. */
    private static final class Search<T> {
        final ProcessMaps process;
        final List<T> results = new ArrayList<>();
        int libraries;
        boolean program;
        int deleted;
        int notElf;

        Search(ProcessMaps process) {
            this.process = process;
        }

        /** {@code read} of one mapped file; null (counted) for a deleted library or one that is not ELF64. */
        T read(ProcessMaps.MappedFile mapped, ElfReader<T> read) {
            boolean isProgram = mapped == process.files().get(0);
            if (mapped.deleted() && !isProgram) {
                deleted++;
                return null; // the path names another file now, or none
            }
            T result;
            try (ElfFile elf = ElfFile.open(mapped.openPath())) {
                result = read.apply(elf, mapped.openPath());
            } catch (IllegalArgumentException e) {
                if (isProgram) {
                    throw CaptureException.usage("the program of process " + process.pid() + ", " + mapped.path()
                            + ": " + e.getMessage());
                }
                notElf++;
                return null;
            } catch (IOException e) {
                throw CaptureException.runtime("cannot read " + mapped.openPath() + ", mapped by process "
                        + process.pid() + ": " + e.getMessage(), e);
            }
            if (isProgram) {
                program = true;
            } else {
                libraries++;
            }
            results.add(result);
            return result;
        }

        /** "its program /usr/bin/x and the 12 libraries it maps", as far as the search went. */
        String searched() {
            String exe = "its program " + process.executable().path();
            return switch (libraries) {
                case 0 -> exe;
                case 1 -> exe + " and the library it maps";
                default -> exe + " and the " + libraries + " libraries it maps";
            };
        }

        /** ", not N deleted …" for what could not be searched; empty if nothing was skipped. */
        String skipped() {
            List<String> parts = new ArrayList<>();
            if (deleted > 0) {
                parts.add(Plural.of(deleted, "mapped file") + " deleted or replaced since mapped");
            }
            if (notElf > 0) {
                parts.add(Plural.of(notElf, "mapped file") + " not ELF64");
            }
            return parts.isEmpty() ? "" : " (not searched: " + String.join(", ", parts) + ")";
        }
    }
}

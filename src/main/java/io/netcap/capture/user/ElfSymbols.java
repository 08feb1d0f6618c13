package io.netcap.capture.user;

import io.netcap.bpf.ElfFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The functions an ELF64 little-endian program or library defines, from its full symbol table
 * ({@code .symtab}, gone once the file is stripped) and its dynamic one ({@code .dynsym}, the
 * exported functions, which stripping keeps), for finding where to put a uprobe.
 *
 * <p>Layouts from the System V gABI, "Symbol Table", and {@code /usr/include/elf.h}:
 * <pre>
 * symbol table: a section of sh_type SHT_SYMTAB (2) or SHT_DYNSYM (11), entries of sh_entsize
 *   (24) bytes, names in the string table section sh_link
 * Elf64_Sym (24 bytes): st_name u32 @0, st_info u8 @4 (bind = st_info >> 4, type = st_info &amp; 0xf),
 *   st_other u8 @5, st_shndx u16 @6, st_value u64 @8, st_size u64 @16
 * kept: type STT_FUNC (2) or STT_GNU_IFUNC (10), st_shndx not SHN_UNDEF (0) nor reserved
 *   (0xff00..0xfffe: SHN_ABS, SHN_COMMON), st_value not 0, a non-empty name
 * .gnu.version (SHT_GNU_VERSYM): one u16 per .dynsym entry; bit 0x8000 marks a hidden,
 *   non-default version (GNU symbol versioning, as in the LSB "Symbol Versioning" chapter)
 * </pre>
 * In .symtab a versioned definition is named {@code name@VER} (old) or {@code name@@VER}
 * (default); the suffix is dropped from {@link FunctionSymbol#name()}. With more than 0xff00
 * sections (st_shndx = SHN_XINDEX) the containing section is found by address instead.
 *
 * <p>Reads only the section headers, the two symbol tables, their string tables and
 * .gnu.version, mapped rather than copied when large: libc's 73 KB .dynsym or a big unstripped
 * binary's tens of megabytes cost no heap copy.
 */
public final class ElfSymbols {
    /** Which symbol table a symbol came from. */
    public enum Table { SYMTAB, DYNSYM }

    private static final int SYM_SIZE = 24;
    private static final int STT_FUNC = 2;
    private static final int STT_GNU_IFUNC = 10;
    private static final int STB_WEAK = 2;
    private static final int SHN_UNDEF = 0;
    private static final int SHN_LORESERVE = 0xff00;
    private static final int SHN_XINDEX = 0xffff;
    private static final int VERSYM_HIDDEN = 0x8000;
    private static final long SHF_ALLOC = 0x2;

    private final Path file;
    private final int elfType;
    private final boolean hasSymtab;
    private final boolean hasDynsym;
    private final Map<String, List<FunctionSymbol>> symtab;
    private final Map<String, List<FunctionSymbol>> dynsym;

    private ElfSymbols(Path file, int elfType, boolean hasSymtab, boolean hasDynsym,
                       Map<String, List<FunctionSymbol>> symtab, Map<String, List<FunctionSymbol>> dynsym) {
        this.file = file;
        this.elfType = elfType;
        this.hasSymtab = hasSymtab;
        this.hasDynsym = hasDynsym;
        this.symtab = symtab;
        this.dynsym = dynsym;
    }

    /**
     * Reads the function symbols of {@code file}.
     *
     * @throws IOException              if it cannot be opened or read
     * @throws IllegalArgumentException if it is not an ELF64 little-endian file or its headers
     *                                  point outside it (the message says which)
     */
    public static ElfSymbols read(Path file) throws IOException {
        try (ElfFile elf = ElfFile.open(file)) {
            return of(elf, file);
        }
    }

    /** The function symbols of an already opened file; {@code file} is only kept for {@link #file()}. */
    public static ElfSymbols of(ElfFile elf, Path file) throws IOException {
        Optional<ElfFile.Section> full = elf.firstOfType(ElfFile.SHT_SYMTAB);
        Optional<ElfFile.Section> dynamic = elf.firstOfType(ElfFile.SHT_DYNSYM);
        Map<String, List<FunctionSymbol>> fromFull = full.isPresent()
                ? functions(elf, full.get(), Table.SYMTAB, null) : Map.of();
        Map<String, List<FunctionSymbol>> fromDynamic = Map.of();
        if (dynamic.isPresent()) {
            Optional<ElfFile.Section> versions = elf.firstOfType(ElfFile.SHT_GNU_VERSYM)
                    .filter(v -> v.link() == dynamic.get().index());
            ByteBuffer versym = versions.isPresent() ? elf.content(versions.get()) : null;
            fromDynamic = functions(elf, dynamic.get(), Table.DYNSYM, versym);
        }
        return new ElfSymbols(file, elf.type(), full.isPresent(), dynamic.isPresent(), fromFull, fromDynamic);
    }

    /** The file the symbols were read from. */
    public Path file() {
        return file;
    }

    /** e_type: {@link ElfFile#ET_EXEC}, {@link ElfFile#ET_DYN} (a shared library or a PIE), {@link ElfFile#ET_REL}, … */
    public int elfType() {
        return elfType;
    }

    /** Whether the file still has its full symbol table (.symtab), i.e. is not stripped. */
    public boolean hasSymtab() {
        return hasSymtab;
    }

    /** Whether the file has a dynamic symbol table (.dynsym): every dynamically linked file does. */
    public boolean hasDynsym() {
        return hasDynsym;
    }

    /**
     * Every definition of the function called {@code name} (without a version suffix) in
     * .symtab, or, when .symtab has none, in .dynsym; empty if neither defines it. Several
     * definitions are symbol versions, weak aliases or static functions of one name in different
     * source files: {@link FunctionChoice} picks among them.
     */
    public List<FunctionSymbol> definitions(String name) {
        List<FunctionSymbol> found = symtab.get(name);
        return found != null ? found : dynsym.getOrDefault(name, List.of());
    }

    /** The names of all functions in either table, sorted: what close-name suggestions are drawn from. */
    public Set<String> names() {
        Set<String> all = new TreeSet<>(symtab.keySet());
        all.addAll(dynsym.keySet());
        return Collections.unmodifiableSet(all);
    }

    /** How many function symbols were read from {@code table}. */
    public int count(Table table) {
        return (table == Table.SYMTAB ? symtab : dynsym).values().stream().mapToInt(List::size).sum();
    }

    private static Map<String, List<FunctionSymbol>> functions(ElfFile elf, ElfFile.Section table, Table which,
                                                               ByteBuffer versym) throws IOException {
        if (table.entrySize() != SYM_SIZE) {
            throw new IllegalArgumentException("malformed ELF object: symbol table " + table.name() + " has "
                    + table.entrySize() + "-byte entries, not " + SYM_SIZE);
        }
        if (table.link() <= 0 || table.link() >= elf.sections().size()) {
            throw new IllegalArgumentException("malformed ELF object: symbol table " + table.name()
                    + " names string table " + table.link() + ", which does not exist");
        }
        ByteBuffer symbols = elf.content(table);
        ByteBuffer strings = elf.content(elf.sections().get(table.link()));
        List<ElfFile.Section> sections = elf.sections();
        Map<String, List<FunctionSymbol>> byName = new HashMap<>();
        int count = symbols.limit() / SYM_SIZE;
        for (int i = 1; i < count; i++) { // entry 0 is the gABI's undefined symbol
            int at = i * SYM_SIZE;
            int info = symbols.get(at + 4);
            int type = info & 0xf;
            int shndx = Short.toUnsignedInt(symbols.getShort(at + 6));
            long value = symbols.getLong(at + 8);
            if ((type != STT_FUNC && type != STT_GNU_IFUNC) || shndx == SHN_UNDEF || value == 0
                    || (shndx >= SHN_LORESERVE && shndx != SHN_XINDEX)) {
                continue;
            }
            String raw = ElfFile.string(strings, Integer.toUnsignedLong(symbols.getInt(at)));
            int at1 = raw.indexOf('@');
            String name = at1 < 0 ? raw : raw.substring(0, at1);
            if (name.isEmpty()) {
                continue;
            }
            boolean defaultVersion = at1 < 0 || raw.startsWith("@@", at1);
            if (versym != null && 2L * i + 2 <= versym.limit()) {
                defaultVersion &= (versym.getShort(2 * i) & VERSYM_HIDDEN) == 0;
            }
            long offset = fileOffset(elf.type(), sections, shndx, value);
            FunctionSymbol symbol = new FunctionSymbol(name, which, value, symbols.getLong(at + 16), offset,
                    (info >> 4 & 0xf) == STB_WEAK, type == STT_GNU_IFUNC, defaultVersion);
            byName.computeIfAbsent(name, n -> new ArrayList<>(1)).add(symbol);
        }
        return byName;
    }

    /** Where {@code value} of a symbol in section {@code shndx} lies in the file; -1 if not in the file. */
    private static long fileOffset(int elfType, List<ElfFile.Section> sections, int shndx, long value) {
        ElfFile.Section section = null;
        if (shndx != SHN_XINDEX && shndx < sections.size()) {
            section = sections.get(shndx);
        } else if (elfType != ElfFile.ET_REL) {
            for (ElfFile.Section s : sections) {
                if ((s.flags() & SHF_ALLOC) != 0 && s.type() != ElfFile.SHT_NOBITS
                        && Long.compareUnsigned(value - s.address(), s.size()) < 0) {
                    section = s;
                    break;
                }
            }
        }
        if (section == null || section.type() == ElfFile.SHT_NOBITS) {
            return -1;
        }
        // In a relocatable object st_value is already relative to its section (gABI, "Symbol Values").
        return elfType == ElfFile.ET_REL ? section.offset() + value : value - section.address() + section.offset();
    }
}

package io.netcap.capture.user;

import io.netcap.bpf.ElfFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
 * binary's tens of megabytes cost no heap copy, and are searched in place.
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
    private final List<ElfFile.Section> sections;
    private final SymbolTable symtab;
    private final SymbolTable dynsym;
    private Set<String> names;

    private ElfSymbols(Path file, int elfType, List<ElfFile.Section> sections, SymbolTable symtab, SymbolTable dynsym) {
        this.file = file;
        this.elfType = elfType;
        this.sections = sections;
        this.symtab = symtab;
        this.dynsym = dynsym;
    }

    /**
     * Reads the symbol tables of {@code file}.
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

    /**
     * The symbol tables of an already opened file ({@code file} is only kept for {@link #file()});
     * they stay readable after {@code elf} is closed.
     */
    public static ElfSymbols of(ElfFile elf, Path file) throws IOException {
        Optional<ElfFile.Section> full = elf.firstOfType(ElfFile.SHT_SYMTAB);
        Optional<ElfFile.Section> dynamic = elf.firstOfType(ElfFile.SHT_DYNSYM);
        SymbolTable fromFull = full.isPresent() ? table(elf, full.get(), Table.SYMTAB, null) : null;
        SymbolTable fromDynamic = null;
        if (dynamic.isPresent()) {
            Optional<ElfFile.Section> versions = elf.firstOfType(ElfFile.SHT_GNU_VERSYM)
                    .filter(v -> v.link() == dynamic.get().index());
            ByteBuffer versym = versions.isPresent() ? elf.content(versions.get()) : null;
            fromDynamic = table(elf, dynamic.get(), Table.DYNSYM, versym);
        }
        return new ElfSymbols(file, elf.type(), elf.sections(), fromFull, fromDynamic);
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
        return symtab != null;
    }

    /** Whether the file has a dynamic symbol table (.dynsym): every dynamically linked file does. */
    public boolean hasDynsym() {
        return dynsym != null;
    }

    /**
     * Every definition of the function called {@code name} (without a version suffix) in
     * .symtab, or, when .symtab has none, in .dynsym; empty if neither defines it. Several
     * definitions are symbol versions, weak aliases or static functions of one name in different
     * source files: {@link FunctionChoice} picks among them. The tables are scanned comparing
     * bytes, no name decoded: finding one function in libjvm's 48,000 symbols costs no more than
     * a pass over them.
     */
    public List<FunctionSymbol> definitions(String name) {
        byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
        List<FunctionSymbol> found = symtab == null ? List.of() : find(symtab, wanted, name);
        return !found.isEmpty() || dynsym == null ? found : find(dynsym, wanted, name);
    }

    /**
     * The names of all functions in either table, in no order: what close-name suggestions are
     * drawn from. Decoded on first use, on the way to an error.
     */
    public Set<String> names() {
        if (names == null) {
            Set<String> all = new HashSet<>();
            for (SymbolTable table : new SymbolTable[] {symtab, dynsym}) {
                if (table != null) {
                    for (int i = 1; i < table.count(); i++) {
                        if (isFunction(table.symbols(), i * SYM_SIZE)) {
                            String raw = ElfFile.string(table.strings(), nameOffset(table, i));
                            int version = raw.indexOf('@');
                            String name = version < 0 ? raw : raw.substring(0, version);
                            if (!name.isEmpty()) {
                                all.add(name);
                            }
                        }
                    }
                }
            }
            names = Collections.unmodifiableSet(all);
        }
        return names;
    }

    /** How many function symbols {@code table} holds (0 if the file has no such table). */
    public int count(Table table) {
        SymbolTable t = table == Table.SYMTAB ? symtab : dynsym;
        int count = 0;
        for (int i = 1; t != null && i < t.count(); i++) {
            if (isFunction(t.symbols(), i * SYM_SIZE) && nameLength(t, i) > 0) {
                count++;
            }
        }
        return count;
    }

    /** One symbol table: its entries, its string table, and for .dynsym the version of each entry. */
    private record SymbolTable(Table kind, ByteBuffer symbols, ByteBuffer strings, ByteBuffer versym, int count) {
    }

    private static SymbolTable table(ElfFile elf, ElfFile.Section table, Table kind, ByteBuffer versym)
            throws IOException {
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
        return new SymbolTable(kind, symbols, strings, versym, symbols.limit() / SYM_SIZE);
    }

    /** A defined function: STT_FUNC or STT_GNU_IFUNC, in a real section, at a non-zero address. */
    private static boolean isFunction(ByteBuffer symbols, int at) {
        int type = symbols.get(at + 4) & 0xf;
        int shndx = Short.toUnsignedInt(symbols.getShort(at + 6));
        return (type == STT_FUNC || type == STT_GNU_IFUNC) && shndx != SHN_UNDEF
                && (shndx < SHN_LORESERVE || shndx == SHN_XINDEX) && symbols.getLong(at + 8) != 0;
    }

    private static long nameOffset(SymbolTable table, int index) {
        return Integer.toUnsignedLong(table.symbols().getInt(index * SYM_SIZE));
    }

    /** Bytes of entry {@code index}'s name before any '@' (0 if it has none or runs off the table). */
    private static int nameLength(SymbolTable table, int index) {
        ByteBuffer strings = table.strings();
        long start = nameOffset(table, index);
        for (long i = start; i < strings.limit(); i++) {
            byte b = strings.get((int) i);
            if (b == 0 || b == '@') {
                return (int) (i - start);
            }
        }
        return 0;
    }

    private List<FunctionSymbol> find(SymbolTable table, byte[] wanted, String name) {
        ByteBuffer symbols = table.symbols();
        ByteBuffer strings = table.strings();
        List<FunctionSymbol> found = new ArrayList<>(1);
        for (int i = 1; i < table.count(); i++) { // entry 0 is the gABI's undefined symbol
            int at = i * SYM_SIZE;
            long start = nameOffset(table, i);
            // The name must be the wanted bytes, then its end or a version suffix.
            if (start > strings.limit() - wanted.length - 1 || !isFunction(symbols, at)) {
                continue;
            }
            int s = (int) start;
            int end = s + wanted.length;
            byte after = strings.get(end);
            if ((after != 0 && after != '@') || !sameBytes(strings, s, wanted)) {
                continue;
            }
            // "name@VER" is an old version in .symtab, "name@@VER" the default one.
            boolean defaultVersion = after == 0 || (end + 1 < strings.limit() && strings.get(end + 1) == '@');
            ByteBuffer versym = table.versym();
            if (versym != null && 2L * i + 2 <= versym.limit()) {
                defaultVersion &= (versym.getShort(2 * i) & VERSYM_HIDDEN) == 0;
            }
            int info = symbols.get(at + 4);
            long value = symbols.getLong(at + 8);
            found.add(new FunctionSymbol(name, table.kind(), value, symbols.getLong(at + 16),
                    fileOffset(Short.toUnsignedInt(symbols.getShort(at + 6)), value),
                    (info >> 4 & 0xf) == STB_WEAK, (info & 0xf) == STT_GNU_IFUNC, defaultVersion));
        }
        return found;
    }

    private static boolean sameBytes(ByteBuffer strings, int at, byte[] wanted) {
        for (int i = 0; i < wanted.length; i++) {
            if (strings.get(at + i) != wanted[i]) {
                return false;
            }
        }
        return true;
    }

    /** Where {@code value} of a symbol in section {@code shndx} lies in the file; -1 if not in the file. */
    private long fileOffset(int shndx, long value) {
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

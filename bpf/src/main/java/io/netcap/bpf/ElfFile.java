package io.netcap.bpf;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * netcap's one reader of ELF64 little-endian headers: the file header and the section header
 * table, with each section's bytes read on demand. It serves clang's BPF objects (a byte array,
 * {@link ElfSections}) and the programs and libraries that user-space probes go into (a file,
 * which may be a 2 GB unstripped binary: only the headers and the sections asked for are read,
 * large ones through a read-only mapping, never the whole file into the heap). Nothing is
 * relocated or interpreted; what a section holds is the caller's business.
 *
 * <p>Layout from the System V gABI, "Object Files" (also {@code /usr/include/elf.h}):
 * <pre>
 * Elf64_Ehdr (64 bytes): e_ident[16] @0 (7f 'E' 'L' 'F', EI_CLASS @4, EI_DATA @5),
 *   e_type u16 @0x10, e_machine u16 @0x12, e_shoff u64 @0x28, e_shentsize u16 @0x3a,
 *   e_shnum u16 @0x3c, e_shstrndx u16 @0x3e
 * Elf64_Shdr (64 bytes): sh_name u32 @0 (offset into the section-name string table), sh_type u32 @4,
 *   sh_flags u64 @8, sh_addr u64 @16, sh_offset u64 @24, sh_size u64 @32, sh_link u32 @40,
 *   sh_info u32 @44, sh_addralign u64 @48, sh_entsize u64 @56
 * </pre>
 * Extended numbering is honoured: with more than 0xff00 sections, {@code e_shnum} is 0 and the
 * count is section 0's {@code sh_size}; {@code e_shstrndx} is SHN_XINDEX and the index is
 * section 0's {@code sh_link}.
 *
 * <p>Errors: {@link IllegalArgumentException} for bytes that are not an ELF64 little-endian file
 * ("not an ELF file …", "not an ELF64 little-endian object …") or whose headers point outside
 * the file ("malformed ELF object: …"); {@link IOException} for a file that cannot be read. A
 * file that changes size while mapped is the caller's risk, as with any mapping.
 */
public final class ElfFile implements AutoCloseable {
    public static final int ET_REL = 1;
    public static final int ET_EXEC = 2;
    public static final int ET_DYN = 3;
    public static final int ET_CORE = 4;
    public static final int EM_X86_64 = 62;
    public static final int SHT_SYMTAB = 2;
    public static final int SHT_STRTAB = 3;
    public static final int SHT_NOTE = 7;
    /** A section that occupies no file space, such as .bss. */
    public static final int SHT_NOBITS = 8;
    public static final int SHT_DYNSYM = 11;
    /** GNU symbol version definitions (.gnu.version_d), from elf.h. */
    public static final int SHT_GNU_VERDEF = 0x6ffffffd;
    /** GNU symbol version per .dynsym entry (.gnu.version), from elf.h. */
    public static final int SHT_GNU_VERSYM = 0x6fffffff;

    /**
     * One section header. {@code name} is empty when the file has no section-name table or the
     * name lies outside it; {@code offset}/{@code size} are the file bytes, {@code address} the
     * link-time virtual address (0 for sections that are not loaded), {@code alignment} sh_addralign.
     */
    public record Section(int index, String name, int type, long flags, long address, long offset, long size,
                          int link, int info, long alignment, long entrySize) {
    }

    private static final int EHDR_SIZE = 64;
    private static final int SHDR_SIZE = 64;
    private static final int EI_CLASS = 4;
    private static final int EI_DATA = 5;
    private static final int ELFCLASS64 = 2;
    private static final int ELFDATA2LSB = 1;
    private static final int E_TYPE = 0x10;
    private static final int E_MACHINE = 0x12;
    private static final int E_SHOFF = 0x28;
    private static final int E_SHENTSIZE = 0x3a;
    private static final int E_SHNUM = 0x3c;
    private static final int E_SHSTRNDX = 0x3e;
    private static final int SHN_UNDEF = 0;
    private static final int SHN_XINDEX = 0xffff;
    /** Regions up to this size are read into the heap; larger ones are mapped (a mapping costs a syscall and a VMA). */
    private static final int READ_LIMIT = 64 * 1024;

    /** Where the bytes come from: an array, or a file read or mapped piecewise. */
    private interface Bytes extends AutoCloseable {
        long length();

        /** {@code length} bytes at {@code offset}, both already checked against {@link #length()}. */
        ByteBuffer region(long offset, int length) throws IOException;

        @Override
        void close() throws IOException;
    }

    private final Bytes bytes;
    private final int type;
    private final int machine;
    private final boolean named;
    private final List<Section> sections;

    private ElfFile(Bytes bytes) throws IOException {
        this.bytes = bytes;
        ByteBuffer header = checkIdent(bytes);
        this.type = Short.toUnsignedInt(header.getShort(E_TYPE));
        this.machine = Short.toUnsignedInt(header.getShort(E_MACHINE));
        List<Section> found = new ArrayList<>();
        this.named = readSections(header, found);
        this.sections = List.copyOf(found);
    }

    /** The ELF file in {@code elf} (not copied: the array must not change while this is used). */
    public static ElfFile of(byte[] elf) {
        Objects.requireNonNull(elf, "elf");
        try {
            return new ElfFile(new ArrayBytes(elf));
        } catch (IOException e) {
            throw new IllegalStateException("an array cannot fail to read", e);
        }
    }

    /**
     * Opens {@code file} and reads its headers; close it when done (mapped section bytes stay
     * readable after that).
     *
     * @throws IOException for a file that cannot be opened or read
     */
    public static ElfFile open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new ElfFile(new FileBytes(channel));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Whether the first bytes are the ELF magic, whatever the class: for telling "not ELF" from "not supported". */
    private static boolean hasElfMagic(byte[] first) {
        return first.length >= 4 && first[0] == 0x7f && first[1] == 'E' && first[2] == 'L' && first[3] == 'F';
    }

    /** e_type: {@link #ET_EXEC}, {@link #ET_DYN} (shared library or position-independent executable), … */
    public int type() {
        return type;
    }

    /** e_machine, e.g. {@link #EM_X86_64}. */
    public int machine() {
        return machine;
    }

    /** File size in bytes. */
    public long length() {
        return bytes.length();
    }

    /** Every section header in table order, index 0 (the null section) included; empty without a table. */
    public List<Section> sections() {
        return sections;
    }

    /**
     * The first section called {@code name}; empty if the file names no sections, and for the
     * empty name, which only unnamed sections (such as the null section 0) have.
     */
    public Optional<Section> section(String name) {
        Objects.requireNonNull(name, "name");
        if (!named || name.isEmpty()) {
            return Optional.empty(); // the gABI's e_shstrndx = SHN_UNDEF: no section has a name
        }
        return sections.stream().skip(1).filter(s -> s.name().equals(name)).findFirst();
    }

    /** The first section of sh_type {@code sectionType}, e.g. {@link #SHT_DYNSYM}. */
    public Optional<Section> firstOfType(int sectionType) {
        return sections.stream().skip(1).filter(s -> s.type() == sectionType).findFirst();
    }

    /**
     * The section's file bytes, little-endian, position 0 (empty for SHT_NOBITS, whose sh_offset
     * is nominal).
     *
     * @throws IllegalArgumentException if they run past the end of the file
     */
    public ByteBuffer content(Section section) throws IOException {
        if (section.type() == SHT_NOBITS) {
            return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
        }
        if (section.offset() < 0 || section.size() < 0 || section.offset() > length() - section.size()) {
            throw malformed("section " + section.index() + " (" + section.name() + ") at offset "
                    + Long.toUnsignedString(section.offset()) + ", " + Long.toUnsignedString(section.size())
                    + " bytes, runs past the " + length() + "-byte file");
        }
        return read(section.offset(), section.size());
    }

    /**
     * {@code size} bytes at file offset {@code offset}, little-endian, position 0.
     *
     * @throws IllegalArgumentException if they are not all inside the file, or more than 2 GiB
     */
    public ByteBuffer read(long offset, long size) throws IOException {
        if (offset < 0 || size < 0 || offset > length() - size) {
            throw malformed(Long.toUnsignedString(size) + " bytes at offset " + Long.toUnsignedString(offset)
                    + " run past the " + length() + "-byte file");
        }
        if (size > Integer.MAX_VALUE) {
            throw malformed("a region of " + size + " bytes is too large to read");
        }
        return bytes.region(offset, (int) size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * The NUL-terminated string at {@code offset} in a string table's bytes (as {@link #content}
     * returned them), decoded as UTF-8; empty if {@code offset} is outside the table or the
     * string is not terminated inside it.
     */
    public static String string(ByteBuffer table, long offset) {
        if (offset < 0 || offset >= table.limit()) {
            return "";
        }
        int start = (int) offset;
        int end = start;
        while (end < table.limit() && table.get(end) != 0) {
            end++;
        }
        if (end == table.limit()) {
            return "";
        }
        byte[] text = new byte[end - start];
        table.get(start, text);
        return new String(text, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        bytes.close();
    }

    private static ByteBuffer checkIdent(Bytes bytes) throws IOException {
        long length = bytes.length();
        ByteBuffer ident = bytes.region(0, (int) Math.min(length, EHDR_SIZE)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[Math.min(ident.limit(), 4)];
        ident.get(0, magic);
        if (length < EHDR_SIZE || !hasElfMagic(magic)) {
            throw new IllegalArgumentException("not an ELF file (" + length + " bytes, no ELF header)");
        }
        if (ident.get(EI_CLASS) != ELFCLASS64 || ident.get(EI_DATA) != ELFDATA2LSB) {
            throw new IllegalArgumentException("not an ELF64 little-endian object (EI_CLASS " + ident.get(EI_CLASS)
                    + ", EI_DATA " + ident.get(EI_DATA) + "; expected " + ELFCLASS64 + " and " + ELFDATA2LSB + ")");
        }
        return ident;
    }

    /** Fills {@code out} with the section headers; returns whether the file has a section-name table. */
    private boolean readSections(ByteBuffer header, List<Section> out) throws IOException {
        long tableOffset = header.getLong(E_SHOFF);
        if (tableOffset == 0) {
            return false;
        }
        int entrySize = Short.toUnsignedInt(header.getShort(E_SHENTSIZE));
        if (entrySize < SHDR_SIZE) {
            throw malformed("section header entry size " + entrySize + " is below " + SHDR_SIZE);
        }
        ByteBuffer zero = tableEntries(tableOffset, entrySize, 0, 1);
        long count = Short.toUnsignedInt(header.getShort(E_SHNUM));
        if (count == 0) {
            count = zero.getLong(32); // sh_size of section 0
        }
        long namesIndex = Short.toUnsignedInt(header.getShort(E_SHSTRNDX));
        if (namesIndex == SHN_XINDEX) {
            namesIndex = Integer.toUnsignedLong(zero.getInt(40)); // sh_link of section 0
        }
        if (namesIndex != SHN_UNDEF && Long.compareUnsigned(namesIndex, count) >= 0) {
            throw malformed("section name table index " + namesIndex + " is not among the "
                    + Long.toUnsignedString(count) + " sections");
        }
        if (count == 0) {
            return false;
        }
        // The whole table is checked to fit before it is read: count came from the file.
        ByteBuffer table = tableEntries(tableOffset, entrySize, 0, count);
        ByteBuffer names = null;
        if (namesIndex != SHN_UNDEF) {
            names = content(header(table, entrySize, (int) namesIndex, null));
        }
        for (int i = 0; i < count; i++) {
            out.add(header(table, entrySize, i, names));
        }
        return names != null;
    }

    /** Section header {@code index} of {@code table}, named from {@code names} (null: no names). */
    private static Section header(ByteBuffer table, int entrySize, int index, ByteBuffer names) {
        int at = index * entrySize;
        String name = names == null ? "" : string(names, Integer.toUnsignedLong(table.getInt(at)));
        return new Section(index, name, table.getInt(at + 4), table.getLong(at + 8), table.getLong(at + 16),
                table.getLong(at + 24), table.getLong(at + 32), table.getInt(at + 40), table.getInt(at + 44),
                table.getLong(at + 48), table.getLong(at + 56));
    }

    /** Section headers {@code first .. first+count-1}, checked to lie inside the file. */
    private ByteBuffer tableEntries(long tableOffset, int entrySize, long first, long count) throws IOException {
        // Bounding offset and count by the file length first keeps the product from overflowing.
        long length = length();
        if (tableOffset < 0 || tableOffset > length || count < 0 || count > length / entrySize
                || tableOffset + (first + count) * entrySize - (entrySize - SHDR_SIZE) > length) {
            throw malformed("section headers " + first + ".." + Long.toUnsignedString(first + count - 1)
                    + " of the table at offset " + Long.toUnsignedString(tableOffset) + " lie outside the "
                    + length + "-byte file");
        }
        long size = count * entrySize - (entrySize - SHDR_SIZE); // the last entry need only hold an Elf64_Shdr
        return read(tableOffset + first * entrySize, size);
    }

    private static IllegalArgumentException malformed(String problem) {
        return new IllegalArgumentException("malformed ELF object: " + problem);
    }

    private record ArrayBytes(byte[] array) implements Bytes {
        @Override
        public long length() {
            return array.length;
        }

        @Override
        public ByteBuffer region(long offset, int length) {
            return ByteBuffer.wrap(array, (int) offset, length).slice();
        }

        @Override
        public void close() {
        }
    }

    private record FileBytes(FileChannel channel, long length) implements Bytes {
        FileBytes(FileChannel channel) throws IOException {
            this(channel, channel.size());
        }

        @Override
        public ByteBuffer region(long offset, int length) throws IOException {
            if (length > READ_LIMIT) {
                return channel.map(FileChannel.MapMode.READ_ONLY, offset, length);
            }
            ByteBuffer buffer = ByteBuffer.allocate(length);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, offset + buffer.position()) < 0) {
                    throw new EOFException("the file ended at " + (offset + buffer.position())
                            + " bytes while reading " + length + " at offset " + offset + " (did it shrink?)");
                }
            }
            return buffer.flip();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}

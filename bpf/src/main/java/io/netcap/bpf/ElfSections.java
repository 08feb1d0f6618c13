package io.netcap.bpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds a section of an ELF64 little-endian object file by name, e.g. the {@code .BTF} section
 * clang {@code -g -target bpf} emits. Only the section header table and the section-name string
 * table are read; nothing is relocated or interpreted.
 *
 * <p>Layout from the System V gABI, "Object Files" (also {@code /usr/include/elf.h}):
 * <pre>
 * Elf64_Ehdr (64 bytes): e_ident[16] @0 (7f 'E' 'L' 'F', EI_CLASS @4, EI_DATA @5),
 *   e_shoff u64 @0x28, e_shentsize u16 @0x3a, e_shnum u16 @0x3c, e_shstrndx u16 @0x3e
 * Elf64_Shdr (64 bytes): sh_name u32 @0 (offset into the .shstrtab section), sh_type u32 @4,
 *   sh_offset u64 @24, sh_size u64 @32, sh_link u32 @40
 * </pre>
 * Extended numbering is honoured: with more than 0xff00 sections, {@code e_shnum} is 0 and the
 * count is section 0's {@code sh_size}; {@code e_shstrndx} is SHN_XINDEX and the index is
 * section 0's {@code sh_link}.
 */
public final class ElfSections {
    private static final int EHDR_SIZE = 64;
    private static final int SHDR_SIZE = 64;
    private static final int EI_CLASS = 4;
    private static final int EI_DATA = 5;
    private static final int ELFCLASS64 = 2;
    private static final int ELFDATA2LSB = 1;
    private static final int E_SHOFF = 0x28;
    private static final int E_SHENTSIZE = 0x3a;
    private static final int E_SHNUM = 0x3c;
    private static final int E_SHSTRNDX = 0x3e;
    private static final int SH_NAME = 0;
    private static final int SH_TYPE = 4;
    private static final int SH_OFFSET = 24;
    private static final int SH_SIZE = 32;
    private static final int SH_LINK = 40;
    private static final int SHN_UNDEF = 0;
    private static final int SHN_XINDEX = 0xffff;
    /** A section that occupies no file space, such as .bss. */
    private static final int SHT_NOBITS = 8;

    private ElfSections() {
    }

    /**
     * The bytes of the first section called {@code sectionName}, copied out of {@code elf}. A
     * SHT_NOBITS section (.bss) has no bytes in the file and comes back as an empty array.
     *
     * @return empty if the object has no section of that name (or no section header table)
     * @throws IllegalArgumentException if {@code elf} is not an ELF64 little-endian object, or its
     *                                  headers point outside the array
     */
    public static Optional<byte[]> find(byte[] elf, String sectionName) {
        Objects.requireNonNull(elf, "elf");
        Objects.requireNonNull(sectionName, "sectionName");
        ByteBuffer in = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        checkIdent(elf);
        long tableOffset = in.getLong(E_SHOFF);
        if (tableOffset == 0) {
            return Optional.empty();
        }
        int entrySize = Short.toUnsignedInt(in.getShort(E_SHENTSIZE));
        if (entrySize < SHDR_SIZE) {
            throw malformed("section header entry size " + entrySize + " is below " + SHDR_SIZE);
        }
        int zero = header(elf, tableOffset, entrySize, 0);
        long count = Short.toUnsignedInt(in.getShort(E_SHNUM));
        if (count == 0) {
            count = in.getLong(zero + SH_SIZE);
        }
        long namesIndex = Short.toUnsignedInt(in.getShort(E_SHSTRNDX));
        if (namesIndex == SHN_XINDEX) {
            namesIndex = Integer.toUnsignedLong(in.getInt(zero + SH_LINK));
        }
        if (namesIndex == SHN_UNDEF) {
            return Optional.empty(); // the gABI's way of saying no section has a name
        }
        if (Long.compareUnsigned(namesIndex, count) >= 0) {
            throw malformed("section name table index " + namesIndex + " is not among the "
                    + Long.toUnsignedString(count) + " sections");
        }
        // Check the whole table fits before walking it: count came from the file.
        header(elf, tableOffset, entrySize, count - 1);
        int names = header(elf, tableOffset, entrySize, namesIndex);
        int namesStart = contentStart(in, names);
        long namesSize = contentSize(in, names);
        byte[] wanted = sectionName.getBytes(StandardCharsets.UTF_8);
        for (long i = 1; i < count; i++) {
            int section = header(elf, tableOffset, entrySize, i);
            long nameOffset = Integer.toUnsignedLong(in.getInt(section + SH_NAME));
            if (nameOffset < namesSize && nameIs(elf, namesStart + nameOffset, namesStart + namesSize, wanted)) {
                return Optional.of(content(in, section));
            }
        }
        return Optional.empty();
    }

    private static void checkIdent(byte[] elf) {
        if (elf.length < EHDR_SIZE || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F') {
            throw new IllegalArgumentException("not an ELF file (" + elf.length + " bytes, no ELF header)");
        }
        if (elf[EI_CLASS] != ELFCLASS64 || elf[EI_DATA] != ELFDATA2LSB) {
            throw new IllegalArgumentException("not an ELF64 little-endian object (EI_CLASS " + elf[EI_CLASS]
                    + ", EI_DATA " + elf[EI_DATA] + "; expected " + ELFCLASS64 + " and " + ELFDATA2LSB + ")");
        }
    }

    /** The array index of section header {@code index}, checked to lie inside {@code elf}. */
    private static int header(byte[] elf, long tableOffset, int entrySize, long index) {
        // Bounding offset and index by the file length first keeps the product from overflowing.
        if (tableOffset < 0 || tableOffset > elf.length || index < 0 || index > elf.length / entrySize
                || tableOffset + index * entrySize > elf.length - (long) SHDR_SIZE) {
            throw malformed("section header " + Long.toUnsignedString(index) + " of the table at offset "
                    + Long.toUnsignedString(tableOffset) + " lies outside the " + elf.length + "-byte file");
        }
        return (int) (tableOffset + index * entrySize);
    }

    /** Bytes the section occupies in the file: sh_size, except none for SHT_NOBITS. */
    private static long contentSize(ByteBuffer in, int header) {
        return in.getInt(header + SH_TYPE) == SHT_NOBITS ? 0 : in.getLong(header + SH_SIZE);
    }

    /** Where the section's bytes start, checked to lie (with all of its bytes) inside the file. */
    private static int contentStart(ByteBuffer in, int header) {
        long offset = in.getLong(header + SH_OFFSET);
        long size = contentSize(in, header);
        if (offset < 0 || size < 0 || offset > in.capacity() - size) {
            throw malformed("section at offset " + Long.toUnsignedString(offset) + ", "
                    + Long.toUnsignedString(size) + " bytes, runs past the " + in.capacity() + "-byte file");
        }
        return (int) offset;
    }

    private static byte[] content(ByteBuffer in, int header) {
        if (in.getInt(header + SH_TYPE) == SHT_NOBITS) {
            return new byte[0]; // its sh_offset is nominal, so not checked
        }
        int start = contentStart(in, header);
        return Arrays.copyOfRange(in.array(), start, start + (int) contentSize(in, header));
    }

    /** Whether the NUL-terminated name at {@code at} (ending before {@code end}) is {@code wanted}. */
    private static boolean nameIs(byte[] elf, long at, long end, byte[] wanted) {
        if (at + wanted.length >= end) {
            return false;
        }
        int start = (int) at;
        return Arrays.equals(elf, start, start + wanted.length, wanted, 0, wanted.length)
                && elf[start + wanted.length] == 0;
    }

    private static IllegalArgumentException malformed(String problem) {
        return new IllegalArgumentException("malformed ELF object: " + problem);
    }
}

package io.netcap.bpf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds a section of an ELF64 little-endian object held in memory by name, e.g. the {@code .BTF}
 * section clang {@code -g -target bpf} emits. The headers are read by {@link ElfFile}; this only
 * copies the section's bytes out.
 */
public final class ElfSections {
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
        Objects.requireNonNull(sectionName, "sectionName");
        ElfFile file = ElfFile.of(elf);
        return file.section(sectionName).map(section -> {
            try {
                ByteBuffer content = file.content(section);
                byte[] copy = new byte[content.remaining()];
                content.get(copy);
                return copy;
            } catch (IOException e) {
                throw new UncheckedIOException("an array cannot fail to read", e);
            }
        });
    }
}

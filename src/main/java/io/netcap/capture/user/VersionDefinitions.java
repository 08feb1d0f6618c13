package io.netcap.capture.user;

import io.netcap.bpf.ElfFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The symbol version names a shared library defines ({@code .gnu.version_d}), such as
 * {@code DPDK_23} or {@code GLIBC_2.34}: what {@code readelf -V} lists under "Version
 * definition section".
 *
 * <p>Layout from the LSB Core specification, "Symbol Versioning", and {@code /usr/include/elf.h}:
 * a section of sh_type SHT_GNU_verdef holding sh_info entries, names in the string table sh_link.
 * <pre>
 * Elf64_Verdef (20 bytes): vd_version u16 @0, vd_flags u16 @2 (VER_FLG_BASE 1: the file's own
 *   name, not a version), vd_ndx u16 @4, vd_cnt u16 @6, vd_hash u32 @8,
 *   vd_aux u32 @12 (offset of its first Elf64_Verdaux from this entry), vd_next u32 @16 (offset
 *   of the next entry from this one, 0 after the last)
 * Elf64_Verdaux (8 bytes): vda_name u32 @0 (the first one names the version; later ones its
 *   parents), vda_next u32 @4
 * </pre>
 */
final class VersionDefinitions {
    private static final int VER_FLG_BASE = 1;
    private static final int VERDEF_SIZE = 20;
    private static final int VERDAUX_SIZE = 8;

    private VersionDefinitions() {
    }

    /**
     * The names of the versions {@code elf} defines, in section order, without the file's own
     * base entry; empty for a file without {@code .gnu.version_d}.
     *
     * @throws IllegalArgumentException if an entry lies outside the section
     */
    static List<String> names(ElfFile elf) throws IOException {
        Optional<ElfFile.Section> section = elf.firstOfType(ElfFile.SHT_GNU_VERDEF);
        if (section.isEmpty()) {
            return List.of();
        }
        if (section.get().link() <= 0 || section.get().link() >= elf.sections().size()) {
            throw malformed("its string table " + section.get().link() + " does not exist");
        }
        ByteBuffer entries = elf.content(section.get());
        ByteBuffer strings = elf.content(elf.sections().get(section.get().link()));
        List<String> names = new ArrayList<>();
        long at = 0;
        for (int i = 0; i < section.get().info(); i++) {
            if (at < 0 || at > entries.limit() - VERDEF_SIZE) {
                throw malformed("entry " + i + " at offset " + at + " lies outside the " + entries.limit()
                        + "-byte section");
            }
            int entry = (int) at;
            long aux = entry + Integer.toUnsignedLong(entries.getInt(entry + 12));
            if (aux > entries.limit() - VERDAUX_SIZE) {
                throw malformed("the name of entry " + i + " lies outside the section");
            }
            if ((entries.getShort(entry + 2) & VER_FLG_BASE) == 0) {
                names.add(ElfFile.string(strings, Integer.toUnsignedLong(entries.getInt((int) aux))));
            }
            long next = Integer.toUnsignedLong(entries.getInt(entry + 16));
            if (next == 0) {
                break;
            }
            at += next;
        }
        return names;
    }

    private static IllegalArgumentException malformed(String problem) {
        return new IllegalArgumentException("malformed ELF object: .gnu.version_d: " + problem);
    }
}

package io.netcap.capture.user;

import io.netcap.bpf.ElfFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The USDT probes a program or library carries: the notes that {@code <sys/sdt.h>}'s
 * {@code DTRACE_PROBE*} / {@code STAP_PROBE*} macros leave in its {@code .note.stapsdt} section.
 *
 * <p>Layouts: an ELF note (System V gABI, "Note Section"): {@code n_namesz u32, n_descsz u32,
 * n_type u32}, then the name (NUL-terminated, padded to the section's alignment, 4 for this
 * section) and the descriptor (padded likewise). A probe's note, per SystemTap's "UserSpaceProbe
 * Implementation" page (sourceware.org/systemtap/wiki/UserSpaceProbeImplementation): owner name
 * {@code "stapsdt"}, n_type 3, descriptor = pc, base, semaphore (one address each, 8 bytes in an
 * ELF64 file) followed by the NUL-terminated provider, name and argument format. Other notes in
 * the section (other owners or types) are skipped.
 */
public final class UsdtNotes {
    /** The section the SDT macros put their notes in. */
    public static final String SECTION = ".note.stapsdt";
    private static final String OWNER = "stapsdt";
    private static final int NT_STAPSDT = 3;
    private static final int ADDRESSES = 3 * 8;

    private final boolean hasSection;
    private final List<UsdtProbe> probes;

    private UsdtNotes(boolean hasSection, List<UsdtProbe> probes) {
        this.hasSection = hasSection;
        this.probes = probes;
    }

    /**
     * Reads the SDT notes of {@code file}.
     *
     * @throws IOException              if it cannot be opened or read
     * @throws IllegalArgumentException if it is not an ELF64 little-endian file, or its notes run
     *                                  past their section ("malformed …")
     */
    public static UsdtNotes read(Path file) throws IOException {
        try (ElfFile elf = ElfFile.open(file)) {
            return of(elf);
        }
    }

    /** The SDT notes of an already opened file. */
    public static UsdtNotes of(ElfFile elf) throws IOException {
        Optional<ElfFile.Section> section = elf.section(SECTION);
        if (section.isEmpty()) {
            return new UsdtNotes(false, List.of());
        }
        return new UsdtNotes(true, List.copyOf(parse(elf.content(section.get()),
                Math.max(4, (int) Math.min(section.get().alignment(), 8)))));
    }

    /** Whether the file has a {@code .note.stapsdt} section at all (no section: the file has no USDT probes). */
    public boolean hasSection() {
        return hasSection;
    }

    /** Every probe site in note order; one provider:name may have several sites (an inlined probe). */
    public List<UsdtProbe> probes() {
        return probes;
    }

    /** The sites of probe {@code provider:name}. */
    public List<UsdtProbe> sites(String provider, String name) {
        return probes.stream().filter(p -> p.provider().equals(provider) && p.name().equals(name)).toList();
    }

    /** The distinct {@code provider:name} of the probes, in note order. */
    public List<String> ids() {
        return probes.stream().map(UsdtProbe::id).distinct().toList();
    }

    private static List<UsdtProbe> parse(ByteBuffer notes, int alignment) {
        List<UsdtProbe> probes = new ArrayList<>();
        int at = 0;
        while (at < notes.limit()) {
            if (notes.limit() - at < 12) {
                throw malformed(notes.limit() - at + " bytes after the last note, too few for a note header");
            }
            long nameSize = Integer.toUnsignedLong(notes.getInt(at));
            long descSize = Integer.toUnsignedLong(notes.getInt(at + 4));
            int type = notes.getInt(at + 8);
            long nameAt = at + 12L;
            long descAt = nameAt + align(nameSize, alignment);
            long next = descAt + align(descSize, alignment);
            if (descAt + descSize > notes.limit()) {
                throw malformed("the note at offset " + at + " (" + nameSize + "-byte name, " + descSize
                        + "-byte descriptor) runs past the " + notes.limit() + "-byte section");
            }
            if (type == NT_STAPSDT && nameSize == OWNER.length() + 1
                    && text(notes, (int) nameAt, (int) (nameAt + OWNER.length())).equals(OWNER)
                    && notes.get((int) nameAt + OWNER.length()) == 0) {
                probes.add(probe(notes, (int) descAt, (int) (descAt + descSize), at));
            }
            at = (int) Math.min(next, notes.limit());
        }
        return probes;
    }

    private static UsdtProbe probe(ByteBuffer notes, int start, int end, int noteAt) {
        if (end - start < ADDRESSES + 3) {
            throw malformed("the stapsdt note at offset " + noteAt + " has a " + (end - start)
                    + "-byte descriptor, too short for three addresses and three strings");
        }
        int providerAt = start + ADDRESSES;
        int providerEnd = nul(notes, providerAt, end);
        int nameEnd = nul(notes, providerEnd + 1, end);
        int argsEnd = nul(notes, nameEnd + 1, end);
        if (providerEnd < 0 || nameEnd < 0 || argsEnd < 0 || nameEnd == providerEnd + 1) {
            throw malformed("the stapsdt note at offset " + noteAt
                    + " lacks a NUL-terminated provider, name or argument format");
        }
        return new UsdtProbe(text(notes, providerAt, providerEnd), text(notes, providerEnd + 1, nameEnd),
                notes.getLong(start), notes.getLong(start + 8), notes.getLong(start + 16),
                text(notes, nameEnd + 1, argsEnd));
    }

    /** The index of the first NUL in {@code [at, end)}; -1 if there is none, or if {@code at} is not positive (the search before failed). */
    private static int nul(ByteBuffer buffer, int at, int end) {
        if (at <= 0) {
            return -1; // the previous search failed
        }
        for (int i = at; i < end; i++) {
            if (buffer.get(i) == 0) {
                return i;
            }
        }
        return -1;
    }

    private static String text(ByteBuffer buffer, int from, int to) {
        byte[] bytes = new byte[to - from];
        buffer.get(from, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static long align(long size, int alignment) {
        return (size + alignment - 1) / alignment * alignment;
    }

    private static IllegalArgumentException malformed(String problem) {
        return new IllegalArgumentException("malformed " + SECTION + ": " + problem);
    }
}

package io.netcap.bpf.btf;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Random access to the packed type records of a BTF type section, by type id.
 *
 * <p>Every field of every record is a 32-bit word, so the section is bulk-copied once into an
 * int[] (a single memcpy-like transfer that also applies the byte order); reads are then plain
 * array accesses, which keeps even the not-yet-JIT-compiled first load fast. Records have
 * variable length, so one walk remembers where each starts. Id 0 is {@code void} and has no
 * record; ids 1..{@link #count()} do.
 */
final class BtfTypeTable {
    /** name_off, info, size/type: the fixed part of every record. */
    static final int HEADER_WORDS = 3;

    private final int[] words;
    /** recordStart[id] = index in words of type id's record; index 0 unused (void). */
    private final int[] recordStart;
    private final int count;

    private BtfTypeTable(int[] words, int[] recordStart, int count) {
        this.words = words;
        this.recordStart = recordStart;
        this.count = count;
    }

    /** Copies the section and walks it once, checking each record's kind and that it fits. */
    static BtfTypeTable index(ByteBuffer section, String source) throws BtfException {
        if (section.remaining() % 4 != 0) {
            throw new BtfException(source, "truncated: type section length " + section.remaining()
                    + " is not a multiple of 4");
        }
        int[] words = new int[section.remaining() / 4];
        section.duplicate().order(section.order()).asIntBuffer().get(words);

        int[] starts = new int[Math.max(16, words.length / 6)];
        int count = 0;
        int position = 0;
        while (position < words.length) {
            int id = count + 1;
            int remaining = words.length - position;
            if (remaining < HEADER_WORDS) {
                throw new BtfException(source, "truncated: type id " + id + " at offset " + position * 4
                        + " has only " + remaining * 4 + " of " + HEADER_WORDS * 4 + " header bytes");
            }
            int info = words[position + 1];
            BtfKind kind = BtfKind.ofCode(kindCode(info));
            if (kind == null || kind == BtfKind.VOID) {
                throw new BtfException(source, "type id " + id + " at offset " + position * 4
                        + " has unknown kind " + kindCode(info));
            }
            int recordWords = HEADER_WORDS + kind.dataBytes(vlenOf(info)) / 4;
            if (recordWords > remaining) {
                throw new BtfException(source, "truncated: type id " + id + " (" + kind + ", vlen "
                        + vlenOf(info) + ") needs " + recordWords * 4 + " bytes but only "
                        + remaining * 4 + " remain in the type section");
            }
            if (id >= starts.length) {
                starts = Arrays.copyOf(starts, starts.length * 2);
            }
            starts[id] = position;
            count = id;
            position += recordWords;
        }
        return new BtfTypeTable(words, starts, count);
    }

    private static int kindCode(int info) {
        return (info >>> 24) & 0x1f;
    }

    private static int vlenOf(int info) {
        return info & 0xffff;
    }

    /** Number of type records, i.e. the highest valid type id. */
    int count() {
        return count;
    }

    boolean isValidId(long id) {
        return id >= 0 && id <= count;
    }

    BtfKind kind(int id) {
        return id == 0 ? BtfKind.VOID : BtfKind.ofCode(kindCode(info(id)));
    }

    int nameOffset(int id) {
        return id == 0 ? 0 : words[start(id)];
    }

    /** Entry count for STRUCT/UNION/ENUM/FUNC_PROTO/DATASEC; linkage for FUNC. */
    int vlen(int id) {
        return id == 0 ? 0 : vlenOf(info(id));
    }

    boolean kindFlag(int id) {
        return id != 0 && (info(id) >>> 31) != 0;
    }

    /** The union field after info: a byte size (INT, STRUCT, ENUM...) or a type id (PTR, TYPEDEF, FUNC...). */
    int sizeOrType(int id) {
        return words[start(id) + 2];
    }

    /** A 32-bit word of the kind-specific data that follows the header, by byte offset into that data. */
    int dataWord(int id, int byteOffset) {
        return words[start(id) + HEADER_WORDS + byteOffset / 4];
    }

    private int info(int id) {
        return words[start(id) + 1];
    }

    private int start(int id) {
        if (id < 1 || id > count) {
            throw new IllegalArgumentException("no BTF type id " + id + " (valid ids are 1.." + count + ")");
        }
        return recordStart[id];
    }
}

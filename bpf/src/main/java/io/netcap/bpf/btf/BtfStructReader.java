package io.netcap.bpf.btf;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads member offsets out of STRUCT and UNION records into a {@link BtfStructLayout}.
 *
 * <p>The member encoding, from the kernel's Documentation/bpf/btf.rst ("BTF_KIND_STRUCT"):
 * each of the record's vlen members is {@code struct btf_member { __u32 name_off; __u32 type;
 * __u32 offset; }}, and {@code offset} is in <em>bits</em>. How to read it depends on the
 * record's kind_flag:
 * <ul>
 *   <li>kind_flag 1: {@code offset} packs {@code BTF_MEMBER_BITFIELD_SIZE = offset >> 24} and
 *       {@code BTF_MEMBER_BIT_OFFSET = offset & 0xffffff}; a non-zero bitfield size makes the
 *       member a bitfield.</li>
 *   <li>kind_flag 0: {@code offset} is the bit offset alone; a bitfield is then a member whose
 *       (modifier-stripped) type is an INT whose encoding word says so:
 *       {@code BTF_INT_OFFSET = (word >> 16) & 0xff} non-zero, or
 *       {@code BTF_INT_BITS = word & 0xff} smaller than the INT's size in bits.</li>
 * </ul>
 * A member that does not start on a byte boundary is a bitfield under either encoding.
 */
final class BtfStructReader {
    /** Anonymous members nest a few levels in real kernels; far more means a corrupt cycle. */
    private static final int MAX_DEPTH = 64;
    private static final int MEMBER_BYTES = 12;

    private final BtfTypeTable types;
    private final BtfStrings strings;
    private final String source;

    BtfStructReader(BtfTypeTable types, BtfStrings strings, String source) {
        this.types = types;
        this.strings = strings;
        this.source = source;
    }

    /**
     * The layout of STRUCT (or UNION) record {@code id}, named {@code name}.
     *
     * @throws IllegalStateException if anonymous members nest implausibly deep (a type cycle)
     *                               or the size does not fit an int
     */
    BtfStructLayout layout(int id, String name) {
        int size = types.sizeOrType(id);
        if (size < 0) {
            throw new IllegalStateException(source + ": struct " + name + " claims "
                    + Integer.toUnsignedLong(size) + " bytes");
        }
        Map<String, Integer> offsets = new LinkedHashMap<>();
        collect(id, 0, offsets, 0);
        return new BtfStructLayout(name, size, offsets);
    }

    private void collect(int id, long baseBits, Map<String, Integer> offsets, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalStateException(source + ": anonymous members nest more than " + MAX_DEPTH
                    + " levels deep below type id " + id + " (a cycle?)");
        }
        boolean kindFlag = types.kindFlag(id);
        for (int i = 0; i < types.vlen(id); i++) {
            int entry = i * MEMBER_BYTES;
            String memberName = strings.at(types.dataWord(id, entry));
            int type = types.dataWord(id, entry + 4);
            int offset = types.dataWord(id, entry + 8);
            long bits = baseBits + (kindFlag ? offset & 0xffffff : Integer.toUnsignedLong(offset));
            boolean bitfield = kindFlag ? (offset >>> 24) != 0 : isIntBitfield(type);
            if (bitfield || bits % 8 != 0) {
                continue;
            }
            if (!memberName.isEmpty()) {
                offsets.putIfAbsent(memberName, Math.toIntExact(bits / 8));
                continue;
            }
            int inner = skipModifiers(type);
            BtfKind innerKind = types.kind(inner);
            if (innerKind == BtfKind.STRUCT || innerKind == BtfKind.UNION) {
                collect(inner, bits, offsets, depth + 1);
            }
        }
    }

    /** kind_flag 0 only: a bitfield's type is an INT narrower than itself or shifted within itself. */
    private boolean isIntBitfield(int type) {
        int base = skipModifiers(type);
        if (types.kind(base) != BtfKind.INT) {
            return false;
        }
        int encoding = types.dataWord(base, 0);
        int intBitOffset = (encoding >>> 16) & 0xff;
        int intBits = encoding & 0xff;
        return intBitOffset != 0 || intBits != types.sizeOrType(base) * 8;
    }

    private int skipModifiers(int id) {
        int current = id;
        for (int depth = 0; depth < MAX_DEPTH && types.kind(current).isTransparent(); depth++) {
            current = types.sizeOrType(current);
        }
        return current;
    }
}

package io.netcap.bpf.btf;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds {@link BtfValueType} trees from BTF records: follows typedefs and qualifiers to the
 * type that decides the bytes, keeping the first name met for messages; reads members with their
 * bit offsets and bitfield widths (both member encodings, see {@link BtfStructReader}).
 */
final class BtfValueTypeReader {
    /** Nesting (struct in array in struct...) deeper than this is a reference loop in a corrupt blob. */
    private static final int MAX_DEPTH = 32;
    private static final int MEMBER_BYTES = 12;
    private static final int BTF_INT_SIGNED = 1;
    private static final int BTF_INT_BOOL = 4;

    private final BtfTypeTable types;
    private final BtfStrings strings;
    private final BtfEnumReader enums;
    private final BtfTypeRenderer renderer;

    BtfValueTypeReader(BtfTypeTable types, BtfStrings strings, BtfEnumReader enums, BtfTypeRenderer renderer) {
        this.types = types;
        this.strings = strings;
        this.enums = enums;
        this.renderer = renderer;
    }

    BtfValueType read(int id) {
        return read(id, 0);
    }

    private BtfValueType read(int id, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalStateException("BTF types nest more than " + MAX_DEPTH + " levels below type id " + id
                    + " (a cycle?)");
        }
        String declared = renderer.render(id);
        int base = id;
        for (int i = 0; i < MAX_DEPTH && types.kind(base).isTransparent(); i++) {
            base = types.sizeOrType(base);
        }
        BtfKind kind = types.kind(base);
        return switch (kind) {
            case INT -> {
                int encoding = types.dataWord(base, 0);
                int flags = (encoding >>> 24) & 0x0f;
                yield new BtfValueType.Int(declared, types.sizeOrType(base), (flags & BTF_INT_SIGNED) != 0,
                        (flags & BTF_INT_BOOL) != 0, "char".equals(strings.at(types.nameOffset(base))));
            }
            case ENUM, ENUM64 -> new BtfValueType.Enum(declared, types.sizeOrType(base), types.kindFlag(base),
                    enums.values(base));
            case ARRAY -> new BtfValueType.Array(declared, read(types.dataWord(base, 0), depth + 1),
                    types.dataWord(base, 8));
            case STRUCT, UNION -> struct(base, declared, kind == BtfKind.UNION, depth);
            case PTR -> new BtfValueType.Pointer(declared);
            case FLOAT -> new BtfValueType.Unsupported(declared, types.sizeOrType(base));
            default -> new BtfValueType.Unsupported(declared, 0);
        };
    }

    private BtfValueType.Struct struct(int id, String declared, boolean union, int depth) {
        boolean kindFlag = types.kindFlag(id);
        List<BtfValueType.Member> members = new ArrayList<>();
        for (int i = 0; i < types.vlen(id); i++) {
            int entry = i * MEMBER_BYTES;
            String name = strings.at(types.dataWord(id, entry));
            int type = types.dataWord(id, entry + 4);
            int offset = types.dataWord(id, entry + 8);
            long bitOffset = kindFlag ? offset & 0xffffff : Integer.toUnsignedLong(offset);
            int bitSize = kindFlag ? offset >>> 24 : intBitfieldWidth(type);
            members.add(new BtfValueType.Member(name, bitOffset, bitSize, read(type, depth + 1)));
        }
        return new BtfValueType.Struct(declared, types.sizeOrType(id), union, members);
    }

    /** kind_flag 0: a bitfield is an INT narrower than its size or shifted within it; its width, else 0. */
    private int intBitfieldWidth(int type) {
        int base = type;
        for (int i = 0; i < MAX_DEPTH && types.kind(base).isTransparent(); i++) {
            base = types.sizeOrType(base);
        }
        if (types.kind(base) != BtfKind.INT) {
            return 0;
        }
        int encoding = types.dataWord(base, 0);
        int bits = encoding & 0xff;
        return ((encoding >>> 16) & 0xff) != 0 || bits != types.sizeOrType(base) * 8 ? bits : 0;
    }
}

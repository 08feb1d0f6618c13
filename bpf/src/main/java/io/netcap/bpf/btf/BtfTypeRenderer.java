package io.netcap.bpf.btf;

import java.util.StringJoiner;

/**
 * Renders a type id as C-like text: "struct sk_buff *", "const struct net_device *", "u32",
 * "char *const", "int (*)(struct sk_buff *)".
 *
 * <p>It is meant for people and for matching in tests, not for generating compilable headers:
 * anonymous aggregates print as "struct {...}" and type tags (e.g. __user) are left out since
 * they are annotations rather than part of the C type.
 */
final class BtfTypeRenderer {
    /** Real chains are a handful deep; anything longer is a reference loop in a corrupt blob. */
    private static final int MAX_DEPTH = 64;

    private final BtfTypeTable types;
    private final BtfStrings strings;

    BtfTypeRenderer(BtfTypeTable types, BtfStrings strings) {
        this.types = types;
        this.strings = strings;
    }

    String render(int id) {
        if (!types.isValidId(Integer.toUnsignedLong(id))) {
            throw new IllegalArgumentException("no BTF type id " + Integer.toUnsignedLong(id)
                    + " (valid ids are 0.." + types.count() + ")");
        }
        return render(id, 0);
    }

    private String render(int id, int depth) {
        if (depth > MAX_DEPTH) {
            return "<loop>";
        }
        BtfKind kind = types.kind(id);
        return switch (kind) {
            case VOID -> "void";
            case INT, FLOAT, TYPEDEF, FUNC, VAR, DATASEC -> nameOr(id, "(anon)");
            case STRUCT -> "struct " + nameOr(id, "{...}");
            case UNION -> "union " + nameOr(id, "{...}");
            case ENUM, ENUM64 -> "enum " + nameOr(id, "{...}");
            case FWD -> (types.kindFlag(id) ? "union " : "struct ") + nameOr(id, "(anon)");
            case CONST -> qualified("const", types.sizeOrType(id), depth);
            case VOLATILE -> qualified("volatile", types.sizeOrType(id), depth);
            case RESTRICT -> qualified("restrict", types.sizeOrType(id), depth);
            case TYPE_TAG, DECL_TAG -> render(types.sizeOrType(id), depth + 1);
            case PTR -> pointerTo(types.sizeOrType(id), depth);
            case ARRAY -> render(types.dataWord(id, 0), depth + 1) + "[" + arrayLength(id) + "]";
            case FUNC_PROTO -> render(types.sizeOrType(id), depth + 1) + " " + parameterList(id, depth);
        };
    }

    /** C puts a qualifier of a pointer after the star ("char *const") and otherwise in front. */
    private String qualified(String qualifier, int target, int depth) {
        String inner = render(target, depth + 1);
        if (types.kind(skipTags(target)) == BtfKind.PTR) {
            return inner + qualifier;
        }
        return qualifier + " " + inner;
    }

    private String pointerTo(int target, int depth) {
        int underlying = skipTags(target);
        BtfKind kind = types.kind(underlying);
        if (kind == BtfKind.FUNC_PROTO) {
            return render(types.sizeOrType(underlying), depth + 1) + " (*)" + parameterList(underlying, depth);
        }
        if (kind == BtfKind.ARRAY) {
            return render(types.dataWord(underlying, 0), depth + 1) + " (*)[" + arrayLength(underlying) + "]";
        }
        String inner = render(target, depth + 1);
        return inner.endsWith("*") ? inner + "*" : inner + " *";
    }

    private String parameterList(int protoId, int depth) {
        int count = types.vlen(protoId);
        if (count == 0) {
            return "(void)";
        }
        StringJoiner list = new StringJoiner(", ", "(", ")");
        for (int i = 0; i < count; i++) {
            int paramType = types.dataWord(protoId, i * 8 + 4);
            boolean variadicMarker = paramType == 0 && i == count - 1;
            list.add(variadicMarker ? "..." : render(paramType, depth + 1));
        }
        return list.toString();
    }

    private long arrayLength(int arrayId) {
        return Integer.toUnsignedLong(types.dataWord(arrayId, 8));
    }

    private int skipTags(int id) {
        int current = id;
        for (int depth = 0; depth < MAX_DEPTH && types.kind(current) == BtfKind.TYPE_TAG; depth++) {
            current = types.sizeOrType(current);
        }
        return current;
    }

    private String nameOr(int id, String anonymous) {
        int offset = types.nameOffset(id);
        return offset == 0 ? anonymous : strings.at(offset);
    }
}

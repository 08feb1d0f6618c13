package io.netcap.bpf.btf;

/**
 * Decides whether a type is {@code struct sk_buff *}, seeing through typedefs and qualifiers
 * on either side of the star (e.g. {@code const struct sk_buff *}, a typedef of the pointer).
 *
 * <p>The sk_buff struct ids are looked up once by name so that scanning tens of thousands of
 * function parameters compares ids instead of decoding strings.
 */
final class SkbPointerMatcher {
    private static final int MAX_DEPTH = 64;

    private final BtfTypeTable types;
    private final int[] skbStructIds;

    static final String SKB_STRUCT = "sk_buff";

    /**
     * @param full    the ids of {@code struct sk_buff} definitions (STRUCT records named sk_buff)
     * @param forward the ids of forward declarations named sk_buff (FWD records)
     */
    SkbPointerMatcher(BtfTypeTable types, int[] full, int[] forward) {
        this.types = types;
        this.skbStructIds = new int[full.length + forward.length];
        System.arraycopy(full, 0, skbStructIds, 0, full.length);
        System.arraycopy(forward, 0, skbStructIds, full.length, forward.length);
    }

    boolean isSkbPointer(int typeId) {
        if (!types.isValidId(Integer.toUnsignedLong(typeId))) {
            return false;
        }
        int pointer = skipTransparent(typeId);
        if (types.kind(pointer) != BtfKind.PTR) {
            return false;
        }
        int pointee = skipTransparent(types.sizeOrType(pointer));
        for (int id : skbStructIds) {
            if (id == pointee) {
                // A FWD with kind_flag set is "union sk_buff", not the struct.
                return types.kind(id) == BtfKind.STRUCT || !types.kindFlag(id);
            }
        }
        return false;
    }

    private int skipTransparent(int id) {
        int current = id;
        for (int depth = 0; depth < MAX_DEPTH && types.kind(current).isTransparent(); depth++) {
            current = types.sizeOrType(current);
        }
        return current;
    }
}

package io.netcap.bpf.btf;

/**
 * The kinds of BTF type records, with the numeric codes the kernel stores in bits 24..28 of a
 * record's {@code info} word.
 *
 * <p>Each kind knows how many bytes of kind-specific data follow its fixed 12-byte header; the
 * reader needs nothing else to walk the type section, because records are packed back to back
 * without any index.
 */
public enum BtfKind {
    /** Code 0 ({@code BTF_KIND_UNKN}): never stored in a file, it is the kind of the implicit type id 0, {@code void}. */
    VOID(0, 0, 0),
    INT(1, 4, 0),
    PTR(2, 0, 0),
    ARRAY(3, 12, 0),
    STRUCT(4, 0, 12),
    UNION(5, 0, 12),
    ENUM(6, 0, 8),
    FWD(7, 0, 0),
    TYPEDEF(8, 0, 0),
    VOLATILE(9, 0, 0),
    CONST(10, 0, 0),
    RESTRICT(11, 0, 0),
    FUNC(12, 0, 0),
    FUNC_PROTO(13, 0, 8),
    VAR(14, 4, 0),
    DATASEC(15, 0, 12),
    FLOAT(16, 0, 0),
    DECL_TAG(17, 4, 0),
    TYPE_TAG(18, 0, 0),
    ENUM64(19, 0, 12);

    private static final BtfKind[] BY_CODE = new BtfKind[32];

    static {
        for (BtfKind kind : values()) {
            BY_CODE[kind.code] = kind;
        }
    }

    private final int code;
    private final int fixedDataBytes;
    private final int bytesPerEntry;

    BtfKind(int code, int fixedDataBytes, int bytesPerEntry) {
        this.code = code;
        this.fixedDataBytes = fixedDataBytes;
        this.bytesPerEntry = bytesPerEntry;
    }

    /** The kernel's numeric {@code BTF_KIND_*} value. */
    public int code() {
        return code;
    }

    /** Bytes of kind-specific data that follow the 12-byte record header, given the record's vlen. */
    public int dataBytes(int vlen) {
        return fixedDataBytes + bytesPerEntry * vlen;
    }

    /**
     * Size of one of the vlen entries (member, parameter, enumerator, section variable) that follow
     * the header, or 0 for kinds whose vlen is not an entry count.
     */
    int bytesPerEntry() {
        return bytesPerEntry;
    }

    /**
     * True for kinds that only decorate another type without changing what it is; walking through
     * them answers "what is this really" (typedef, const, volatile, restrict, type tag).
     */
    public boolean isTransparent() {
        return this == TYPEDEF || this == CONST || this == VOLATILE || this == RESTRICT || this == TYPE_TAG;
    }

    /** The kind with this code, or null if the code is not one this reader knows. */
    public static BtfKind ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}

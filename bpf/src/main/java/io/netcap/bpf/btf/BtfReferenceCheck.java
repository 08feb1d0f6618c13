package io.netcap.bpf.btf;

/**
 * Verifies, once at load time, that every type id and string offset stored in the type records
 * points inside the blob.
 *
 * <p>Doing it eagerly means the query methods can follow references without bounds checks and
 * cannot fail half-way with a confusing exception on a corrupt file.
 */
final class BtfReferenceCheck {
    private final BtfTypeTable types;
    private final BtfStrings strings;
    private final String source;

    private BtfReferenceCheck(BtfTypeTable types, BtfStrings strings, String source) {
        this.types = types;
        this.strings = strings;
        this.source = source;
    }

    static void verify(BtfTypeTable types, BtfStrings strings, String source) throws BtfException {
        BtfReferenceCheck check = new BtfReferenceCheck(types, strings, source);
        for (int id = 1; id <= types.count(); id++) {
            check.verifyRecord(id);
        }
    }

    private void verifyRecord(int id) throws BtfException {
        BtfKind kind = types.kind(id);
        name(id, types.nameOffset(id));
        int vlen = types.vlen(id);
        switch (kind) {
            case PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, VAR, DECL_TAG, TYPE_TAG ->
                    type(id, types.sizeOrType(id));
            case ARRAY -> {
                type(id, types.dataWord(id, 0));
                type(id, types.dataWord(id, 4));
            }
            case FUNC_PROTO -> {
                type(id, types.sizeOrType(id));
                for (int i = 0; i < vlen; i++) {
                    name(id, types.dataWord(id, i * 8));
                    type(id, types.dataWord(id, i * 8 + 4));
                }
            }
            case STRUCT, UNION -> {
                for (int i = 0; i < vlen; i++) {
                    name(id, types.dataWord(id, i * 12));
                    type(id, types.dataWord(id, i * 12 + 4));
                }
            }
            case ENUM, ENUM64 -> {
                int stride = kind.bytesPerEntry();
                for (int i = 0; i < vlen; i++) {
                    name(id, types.dataWord(id, i * stride));
                }
            }
            case DATASEC -> {
                for (int i = 0; i < vlen; i++) {
                    type(id, types.dataWord(id, i * 12));
                }
            }
            case INT, FWD, FLOAT, VOID -> {
                // No references beyond the name.
            }
        }
    }

    private void type(int id, int referenced) throws BtfException {
        long target = Integer.toUnsignedLong(referenced);
        if (!types.isValidId(target)) {
            throw new BtfException(source, "type id " + id + " (" + types.kind(id) + ") refers to type id "
                    + target + " but the blob has only " + types.count() + " types");
        }
    }

    private void name(int id, int nameOffset) throws BtfException {
        long offset = Integer.toUnsignedLong(nameOffset);
        if (!strings.isValidOffset(offset)) {
            throw new BtfException(source, "type id " + id + " (" + types.kind(id) + ") has name offset "
                    + offset + " outside the string section");
        }
    }
}

package io.netcap.bpf.btf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the enumerators of ENUM and ENUM64 records.
 *
 * <p>The kind flag says whether values are signed; for ENUM the 32-bit value is sign- or
 * zero-extended accordingly, for ENUM64 the two 32-bit halves form the 64-bit value.
 */
final class BtfEnumReader {
    private final BtfTypeTable types;
    private final BtfStrings strings;

    BtfEnumReader(BtfTypeTable types, BtfStrings strings) {
        this.types = types;
        this.strings = strings;
    }

    /**
     * Value → enumerator name in declaration order. When several enumerators share a value
     * (aliases such as FOO_MAX = FOO_LAST) the first declared name wins.
     */
    Map<Long, String> values(int enumId) {
        BtfKind kind = types.kind(enumId);
        if (kind != BtfKind.ENUM && kind != BtfKind.ENUM64) {
            throw new IllegalArgumentException("type id " + enumId + " is " + kind + ", not an enum");
        }
        boolean signed = types.kindFlag(enumId);
        int stride = kind.bytesPerEntry();
        Map<Long, String> values = new LinkedHashMap<>();
        for (int i = 0; i < types.vlen(enumId); i++) {
            int base = i * stride;
            String name = strings.at(types.dataWord(enumId, base));
            long value;
            if (kind == BtfKind.ENUM64) {
                long low = Integer.toUnsignedLong(types.dataWord(enumId, base + 4));
                long high = types.dataWord(enumId, base + 8);
                value = (high << 32) | low;
            } else {
                int raw = types.dataWord(enumId, base + 4);
                value = signed ? raw : Integer.toUnsignedLong(raw);
            }
            values.putIfAbsent(value, name);
        }
        return Collections.unmodifiableMap(values);
    }
}

package io.netcap.bpf.btf;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Type ids by (kind, name), for callers that look up many names or list them all.
 *
 * <p>The same name can legitimately appear several times within one kind (a forward-declared
 * enum next to the full one, two static functions in different files), so every id is kept,
 * lowest first. Anonymous types are not indexed.
 *
 * <p>Building the index decodes every name of vmlinux (~130,000), which costs far more than the
 * handful of lookups a capture makes; {@link #scan} answers one lookup by comparing bytes in
 * place instead, and {@link Btf} builds the index only once lookups become many.
 */
final class BtfNameIndex {
    private static final int[] NONE = new int[0];

    private final Map<BtfKind, Map<String, int[]>> idsByKind = new EnumMap<>(BtfKind.class);

    BtfNameIndex(BtfTypeTable types, BtfStrings strings) {
        for (int id = 1; id <= types.count(); id++) {
            int nameOffset = types.nameOffset(id);
            if (nameOffset == 0) {
                continue;
            }
            Map<String, int[]> byName = idsByKind.computeIfAbsent(types.kind(id), k -> new HashMap<>());
            byName.merge(strings.at(nameOffset), new int[] {id}, BtfNameIndex::append);
        }
    }

    private static int[] append(int[] existing, int[] added) {
        int[] all = java.util.Arrays.copyOf(existing, existing.length + added.length);
        System.arraycopy(added, 0, all, existing.length, added.length);
        return all;
    }

    /**
     * Whether {@link #scan} answers for this name exactly as the index would: BTF names are C
     * identifiers, so anything but non-empty ASCII without NUL is left to the index, which
     * compares decoded Strings.
     */
    static boolean scannable(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == 0 || c > 0x7f) {
                return false;
            }
        }
        return true;
    }

    /**
     * The ids {@link #ids} would return, found by one pass over the type records that decodes no
     * name: only records of the wanted kind have their name bytes compared. The name must be
     * {@link #scannable}.
     */
    static int[] scan(BtfTypeTable types, BtfStrings strings, String name, BtfKind kind) {
        byte[] wanted = name.getBytes(StandardCharsets.US_ASCII);
        int[] found = NONE;
        for (int id = 1; id <= types.count(); id++) {
            if (types.kind(id) == kind && strings.matches(types.nameOffset(id), wanted)) {
                found = append(found, new int[] {id});
            }
        }
        return found;
    }

    /** All ids of this kind with this name, ascending; empty if none. Callers must not modify it. */
    int[] ids(String name, BtfKind kind) {
        Map<String, int[]> byName = idsByKind.get(kind);
        if (byName == null) {
            return NONE;
        }
        return byName.getOrDefault(name, NONE);
    }

    /** Every distinct name of this kind. */
    Set<String> names(BtfKind kind) {
        Map<String, int[]> byName = idsByKind.get(kind);
        return byName == null ? Set.of() : byName.keySet();
    }
}

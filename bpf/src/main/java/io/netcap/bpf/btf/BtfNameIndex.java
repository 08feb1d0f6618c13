package io.netcap.bpf.btf;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Type ids by (kind, name), built on the first lookup.
 *
 * <p>The same name can legitimately appear several times within one kind (a forward-declared
 * enum next to the full one, two static functions in different files), so every id is kept,
 * lowest first. Anonymous types are not indexed.
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

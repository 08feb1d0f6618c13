package io.netcap.bpf.btf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where the members of a C struct lie, as a BTF STRUCT record describes it (see
 * {@link Btf#findStructLayout}).
 *
 * <p>{@code offsets} maps member name to byte offset from the start of the struct, in
 * declaration order. Which members appear:
 * <ul>
 *   <li>Only named ones. An anonymous struct or union member is not listed itself; its named
 *       members are, at their offset within the outer struct, because C (C11 6.7.2.1) lets code
 *       name them as if they were members of the outer struct ({@code skb->protocol} lives in
 *       an anonymous struct of {@code struct sk_buff}). Expansion is recursive, depth first, so
 *       order stays declaration order. Should a name repeat, the first occurrence is kept.</li>
 *   <li>Bitfield members are <em>excluded</em>: a byte offset cannot say where they are, and
 *       reading a whole byte or word there would return their neighbours' bits as well.</li>
 * </ul>
 *
 * @param name    the struct's name, as looked up
 * @param size    {@code sizeof} the struct in bytes, padding included
 * @param offsets member name to byte offset; an unmodifiable, insertion-ordered copy
 */
public record BtfStructLayout(String name, int size, Map<String, Integer> offsets) {
    public BtfStructLayout {
        Objects.requireNonNull(name, "name");
        if (size < 0) {
            throw new IllegalArgumentException("negative struct size " + size);
        }
        // Map.copyOf would lose the declaration order, which callers may print.
        offsets = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(offsets, "offsets")));
    }
}

package io.netcap.capture.extension;

import io.netcap.pcap.TextColor;
import java.util.ArrayList;
import java.util.List;

/**
 * The user's extensions of a capture: a filter, an action, either, both or none, and the colour
 * of the action's lines. Part of what decides the generated program's C.
 *
 * @param filter the --ext-filter, or null
 * @param action the --ext-action, or null
 * @param color  the colour of the action's lines (--ext-output-color), or null for the terminal's own
 */
public record Extensions(ExtensionSource filter, ExtensionSource action, TextColor color) {
    public static final Extensions NONE = new Extensions(null, null, null);

    public Extensions {
        if (filter != null && filter.kind() != ExtensionKind.FILTER) {
            throw new IllegalArgumentException("not a filter: " + filter.path());
        }
        if (action != null && action.kind() != ExtensionKind.ACTION) {
            throw new IllegalArgumentException("not an action: " + action.path());
        }
    }

    /** Whether there is any extension, and so the program needs the kernel's whole vmlinux.h. */
    public boolean any() {
        return filter != null || action != null;
    }

    /** The extensions given, filter first. */
    public List<ExtensionSource> sources() {
        List<ExtensionSource> all = new ArrayList<>();
        if (filter != null) {
            all.add(filter);
        }
        if (action != null) {
            all.add(action);
        }
        return all;
    }
}

package io.netcap.capture.extension;

import io.netcap.pcap.TextColor;
import java.nio.file.Path;
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

    /**
     * clang flags for a program with these extensions: a call to an undeclared function (a typo
     * of a helper's name) and a function that can end without returning its verdict are errors,
     * not warnings nobody sees (the first would fail later as an unresolved extern, the second
     * keep or drop packets by whatever was in a register); and a quoted #include is looked for
     * next to the user's file, as the user expects, not next to the generated program.
     */
    public List<String> clangFlags() {
        List<String> flags = new ArrayList<>(List.of("-Werror=implicit-function-declaration", "-Werror=return-type"));
        for (ExtensionSource source : sources()) {
            Path dir = source.path().getParent();
            if (dir != null) {
                flags.add("-iquote");
                flags.add(dir.toString());
            }
        }
        return flags;
    }

    /**
     * Whether a file includes anything (#include): the compiled object then depends on files the
     * object cache cannot see, so it is compiled each time rather than served stale.
     */
    public boolean includesOwnHeaders() {
        return sources().stream().anyMatch(s -> INCLUDE.matcher(s.text()).find());
    }

    private static final java.util.regex.Pattern INCLUDE = java.util.regex.Pattern.compile("(?m)^\\s*#\\s*include\\b");
}

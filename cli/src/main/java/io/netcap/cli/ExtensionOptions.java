package io.netcap.cli;

import io.netcap.capture.CaptureException;
import io.netcap.capture.extension.ExtensionKind;
import io.netcap.capture.extension.ExtensionSource;
import io.netcap.capture.extension.Extensions;
import io.netcap.pcap.TextColor;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The user's own C compiled into the capture program (a picocli mixin of skb, dump, mbuf and
 * raw), under netcap's names and those of its announcement (--user-*). The files are read and
 * checked by the engine ({@link ExtensionSource}).
 */
public final class ExtensionOptions {
    @Option(names = {"--ext-filter", "--user-filter"}, paramLabel = "FILE.c",
            description = "C file defining static inline int xcap_ext_filter(void *ext, void *pkt, u16 trace_index),"
                    + " run after the filter expression: 0 drops the packet")
    Path filter;

    @Option(names = {"--ext-action", "--user-action"}, paramLabel = "FILE.c",
            description = "C file defining struct xcap_user_extend and static inline int xcap_ext_action(void *ext,"
                    + " void *pkt, u32 pkt_len, struct xcap_user_extend *user, u16 trace_index), which fills the"
                    + " struct printed under each packet (0: drop the packet)")
    Path action;

    @Option(names = {"--ext-output-color", "--user-output-color"}, paramLabel = "COLOR",
            completionCandidates = Spellings.Colors.class,
            description = "colour of the --ext-action's lines: red, green, yellow, blue, purple or cyan (with --color)")
    String color;

    /** Whether packets carry the action's notes, to be printed under them. */
    boolean hasAction() {
        return action != null;
    }

    /** @throws CaptureException (usage) an unreadable file, a missing function or struct, an unknown colour */
    Extensions extensions() {
        TextColor textColor = null;
        if (color != null) {
            if (action == null) {
                throw CaptureException.usage("--ext-output-color colours the lines of --ext-action; give one");
            }
            try {
                textColor = TextColor.parse(color);
            } catch (IllegalArgumentException e) {
                throw CaptureException.usage("--ext-output-color: " + e.getMessage());
            }
        }
        return new Extensions(filter == null ? null : ExtensionSource.read(ExtensionKind.FILTER, filter),
                action == null ? null : ExtensionSource.read(ExtensionKind.ACTION, action), textColor);
    }
}

package io.netcap.cli;

import io.netcap.capture.CaptureException;
import io.netcap.capture.gather.GatherIdentity;
import io.netcap.capture.gather.GatherSettings;
import io.netcap.pcap.TextColor;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * netcap's -G/--gather and its options, for the commands with several hooks (skb, mbuf, raw).
 * The defaults are {@link GatherSettings}'; an option of --gather given without it is refused
 * rather than ignored.
 */
public final class GatherOptions {
    @Option(names = {"-G", "--gather"}, description = "follow each packet from the first hook of -f through the later "
            + "ones: print it once, with the delay it took to reach each hook (or that it did not), and a table of "
            + "delays per hop at exit; -c counts followed packets")
    boolean gather;

    @Option(names = "--gather-timeout", paramLabel = "SECONDS",
            description = "how long a packet may take from the first hook to the others before it is reported not seen,"
                    + " fractions allowed (default: 2)")
    String timeoutSeconds;

    @Option(names = "--gather-buffer-size", paramLabel = "N",
            description = "the most packets followed at once, " + GatherSettings.MIN_BUFFER_SIZE + ".."
                    + GatherSettings.MAX_BUFFER_SIZE + "; past it the oldest is reported as evicted (default: "
                    + GatherSettings.DEFAULT_BUFFER_SIZE + ")")
    Integer bufferSize;

    // Not an exclusive @ArgGroup: picocli lists a mixin's group options twice in --help. settings() checks instead.
    @Option(names = "--gather-distinguish-by-pointer", description = "recognise a packet at the later hooks by its "
            + "skb (mbuf, buffer) address alone, e.g. across NAT or encapsulation (same as --gather-identity address)")
    boolean byPointer;

    @Option(names = "--gather-identity", paramLabel = "address+content|address|content",
            converter = IdentityConverter.class, completionCandidates = Spellings.GatherIdentities.class,
            description = "how a packet is recognised at the later hooks: its "
            + "address and invariant header fields (default), its address, or its header fields (for paths that copy it)")
    GatherIdentity identity;

    @Option(names = "--gather-output-color", paramLabel = "COLOR", converter = ColorConverter.class,
            completionCandidates = Spellings.Colors.class,
            description = "colour of the delay lines: red|green|yellow|blue|purple|cyan (on a terminal; see --color)")
    TextColor color;

    /**
     * The settings, or null without --gather.
     *
     * @param filter the filter options: with -G, an expression of one number is most likely
     *               tcpdump's {@code -G SECONDS} (rotation) written to netcap, whose -G is --gather
     */
    GatherSettings settings(FilterOptions filter) {
        if (gather && filter.expressionWords.size() == 1 && filter.expressionWords.get(0).matches("\\d+")) {
            throw CaptureException.usage("-G is --gather here, as in ByteDance's netcap; to start a new file every "
                    + filter.expressionWords.get(0) + " seconds as tcpdump's -G does, write --rotate-seconds "
                    + filter.expressionWords.get(0));
        }
        if (!gather) {
            String stray = timeoutSeconds != null ? "--gather-timeout" : bufferSize != null ? "--gather-buffer-size"
                    : byPointer ? "--gather-distinguish-by-pointer" : identity != null ? "--gather-identity"
                    : color != null ? "--gather-output-color" : null;
            if (stray != null) {
                throw CaptureException.usage(stray + " goes with --gather (-G)");
            }
            return null;
        }
        if (byPointer && identity != null) {
            throw CaptureException.usage("--gather-distinguish-by-pointer and --gather-identity: give one of them");
        }
        GatherIdentity id = byPointer ? GatherIdentity.ADDRESS
                : identity == null ? GatherIdentity.ADDRESS_AND_CONTENT : identity;
        int size = bufferSize == null ? GatherSettings.DEFAULT_BUFFER_SIZE : bufferSize;
        return timeoutSeconds == null ? GatherSettings.of(id, GatherSettings.DEFAULT_TIMEOUT_SECONDS, size, color)
                : GatherSettings.of(id, timeoutSeconds, size, color);
    }

    static final class IdentityConverter implements ITypeConverter<GatherIdentity> {
        @Override
        public GatherIdentity convert(String value) {
            try {
                return GatherIdentity.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class ColorConverter implements ITypeConverter<TextColor> {
        @Override
        public TextColor convert(String value) {
            try {
                return TextColor.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}

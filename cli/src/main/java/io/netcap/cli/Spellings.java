package io.netcap.cli;

import io.netcap.capture.gather.GatherIdentity;
import io.netcap.pcap.TextColor;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * The values an option with its own converter accepts, as an option's {@code completionCandidates}:
 * without them picocli's completion offers the enum's constant names (RING_BUFFER,
 * ADDRESS_AND_CONTENT), which those converters refuse. CommandLineTest converts every candidate.
 */
final class Spellings {
    private Spellings() {
    }

    /** --transport. */
    static final class Transports implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("ring", "perf").iterator();
        }
    }

    /** --color. */
    static final class ColorModes implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(ColorMode.values()).map(m -> m.name().toLowerCase(Locale.ROOT)).iterator();
        }
    }

    /** --gather-output-color, --ext-output-color. */
    static final class Colors implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.asList(TextColor.names().split("\\|")).iterator();
        }
    }

    /** --gather-identity. */
    static final class GatherIdentities implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(GatherIdentity.values()).map(GatherIdentity::label).iterator();
        }
    }

    /** --decoder. */
    static final class Decoders implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("tcpdump", "builtin").iterator();
        }
    }
}

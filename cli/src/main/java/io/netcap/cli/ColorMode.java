package io.netcap.cli;

import io.netcap.bpf.ProcessLibc;

/** When netcap's own lines (--gather delays, extension fields) are coloured: --color. */
enum ColorMode {
    /** Only on a terminal, as ls and grep do. */
    AUTO,
    ALWAYS,
    NEVER;

    /** Whether lines written to {@code fd} (1 or 2) are coloured. */
    boolean colours(int fd) {
        return switch (this) {
            case ALWAYS -> true;
            case NEVER -> false;
            case AUTO -> ProcessLibc.isTerminal(fd);
        };
    }

    /** auto, always or never, in any case; anything else is a usage error naming them. */
    static final class Converter implements picocli.CommandLine.ITypeConverter<ColorMode> {
        @Override
        public ColorMode convert(String value) {
            try {
                return valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "': use auto, always or never");
            }
        }
    }
}

package io.netcap.pcap;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The colours netcap's own lines may be printed in (--gather-output-color and the like), with
 * the names netcap accepts; each is an ANSI SGR foreground colour (ECMA-48, 30 + colour).
 */
public enum TextColor {
    RED(31), GREEN(32), YELLOW(33), BLUE(34), PURPLE(35), CYAN(36);

    private static final String RESET = "\033[0m";
    private final String start;

    TextColor(int sgr) {
        this.start = "\033[" + sgr + "m";
    }

    /** {@code line} in this colour; the reset comes before any trailing newline a caller adds. */
    public String paint(String line) {
        return start + line + RESET;
    }

    /**
     * @param name a colour's name in any case
     * @throws IllegalArgumentException naming the accepted colours
     */
    public static TextColor parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown colour '" + name + "'; choose one of " + names());
        }
    }

    /** "red|green|yellow|blue|purple|cyan". */
    public static String names() {
        return Arrays.stream(values()).map(c -> c.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining("|"));
    }
}

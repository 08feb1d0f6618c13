package io.netcap.pcap;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.time.temporal.IsoFields;
import java.util.Locale;

/**
 * File names of --rotate-seconds rotation: the -w name with strftime(3) conversions replaced by the time the
 * file begins, as tcpdump does (e.g. {@code trace-%Y%m%d-%H%M%S.pcap}), in the C locale.
 * The conversions are those of POSIX strftime without its E and O modifiers; any other
 * {@code %} sequence is refused, so a typo does not become a file name.
 */
final class StrftimeName {
    /** The conversion letters {@link #format} knows. */
    static final String CONVERSIONS = "aAbBCdDeFgGhHIjklmMnpRsStTuVwyYzZ%";

    private StrftimeName() {
    }

    /** Whether {@code pattern} has any conversion, i.e. names differ by time. */
    static boolean hasConversion(String pattern) {
        return pattern.replace("%%", "").contains("%");
    }

    /** @throws IllegalArgumentException naming the first conversion {@link #format} does not know */
    static void check(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            if (pattern.charAt(i) == '%') {
                if (i + 1 >= pattern.length() || CONVERSIONS.indexOf(pattern.charAt(i + 1)) < 0) {
                    String bad = i + 1 >= pattern.length() ? "%" : pattern.substring(i, i + 2);
                    throw new IllegalArgumentException("-w with --rotate-seconds: the name's '" + bad
                            + "' is not a strftime"
                            + " conversion netcap knows (" + CONVERSIONS.replace("", " %").trim() + "); write % as %%");
                }
                i++;
            }
        }
    }

    /** {@code pattern} with each conversion replaced by {@code t}'s value; {@link #check} it first. */
    static String format(String pattern, ZonedDateTime t) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%' || i + 1 >= pattern.length()) {
                sb.append(c);
                continue;
            }
            sb.append(conversion(pattern.charAt(++i), t));
        }
        return sb.toString();
    }

    private static String conversion(char c, ZonedDateTime t) {
        return switch (c) {
            case 'a' -> t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ROOT);
            case 'A' -> t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ROOT);
            case 'b', 'h' -> t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ROOT);
            case 'B' -> t.getMonth().getDisplayName(TextStyle.FULL, Locale.ROOT);
            case 'C' -> two(t.getYear() / 100);
            case 'd' -> two(t.getDayOfMonth());
            case 'D' -> two(t.getMonthValue()) + "/" + two(t.getDayOfMonth()) + "/" + two(t.getYear() % 100);
            case 'e' -> String.format("%2d", t.getDayOfMonth());
            case 'F' -> t.getYear() + "-" + two(t.getMonthValue()) + "-" + two(t.getDayOfMonth());
            case 'g' -> two(t.get(IsoFields.WEEK_BASED_YEAR) % 100);
            case 'G' -> Integer.toString(t.get(IsoFields.WEEK_BASED_YEAR));
            case 'H' -> two(t.getHour());
            case 'I' -> two(t.getHour() % 12 == 0 ? 12 : t.getHour() % 12);
            case 'j' -> String.format("%03d", t.getDayOfYear());
            case 'k' -> String.format("%2d", t.getHour());
            case 'l' -> String.format("%2d", t.getHour() % 12 == 0 ? 12 : t.getHour() % 12);
            case 'm' -> two(t.getMonthValue());
            case 'M' -> two(t.getMinute());
            case 'n' -> "\n";
            case 'p' -> t.getHour() < 12 ? "AM" : "PM";
            case 'R' -> two(t.getHour()) + ":" + two(t.getMinute());
            case 's' -> Long.toString(t.toEpochSecond());
            case 'S' -> two(t.getSecond());
            case 't' -> "\t";
            case 'T' -> two(t.getHour()) + ":" + two(t.getMinute()) + ":" + two(t.getSecond());
            case 'u' -> Integer.toString(t.getDayOfWeek().getValue());
            case 'V' -> two(t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            case 'w' -> Integer.toString(t.getDayOfWeek().getValue() % 7);
            case 'y' -> two(t.getYear() % 100);
            case 'Y' -> Integer.toString(t.getYear());
            case 'z' -> DateTimeFormatter.ofPattern("xx", Locale.ROOT).format(t);
            case 'Z' -> DateTimeFormatter.ofPattern("zzz", Locale.ROOT).format(t);
            case '%' -> "%";
            default -> throw new IllegalArgumentException("unknown strftime conversion %" + c);
        };
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }
}

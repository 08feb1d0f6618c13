package io.netcap.capture.extension;

import java.util.Locale;

/**
 * One printf-style format of a {@code // format: ...} comment in an action's struct, as netcap
 * applies it to a field: text around exactly one conversion, {@code %[flags][width][.precision]
 * [length]conversion} with C's flags ({@code -+ #0}), conversions {@code d i u x X o c p} for
 * numbers and {@code s} for char arrays. The length modifier is accepted and ignored: the field's
 * own type says how wide the value is, so {@code %x} of an {@code int} -1 is {@code ffffffff} and of
 * a {@code u64} it is sixteen digits, as C prints them with the matching modifier.
 */
final class PrintfFormat {
    private final String text;
    private final String before;
    private final String after;
    private final boolean left;
    private final boolean zero;
    private final boolean plus;
    private final boolean space;
    private final boolean alternate;
    private final int width;
    private final int precision;
    private final char conversion;

    private PrintfFormat(String text, String before, String after, String flags, int width, int precision,
                         char conversion) {
        this.text = text;
        this.before = before;
        this.after = after;
        this.left = flags.indexOf('-') >= 0;
        this.zero = flags.indexOf('0') >= 0;
        this.plus = flags.indexOf('+') >= 0;
        this.space = flags.indexOf(' ') >= 0;
        this.alternate = flags.indexOf('#') >= 0;
        this.width = width;
        this.precision = precision;
        this.conversion = conversion;
    }

    /**
     * @throws IllegalArgumentException saying what is wrong: no conversion, two, or one netcap
     *                                  cannot apply ({@code %n}, {@code %f}, a {@code *} width)
     */
    static PrintfFormat parse(String text) {
        StringBuilder before = new StringBuilder();
        StringBuilder after = new StringBuilder();
        String flags = null;
        int width = -1;
        int precision = -1;
        char conversion = 0;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            boolean literalPercent = c == '%' && i + 1 < text.length() && text.charAt(i + 1) == '%';
            if (c != '%' || literalPercent) {
                (flags == null ? before : after).append(c);
                i += literalPercent ? 2 : 1;
                continue;
            }
            if (flags != null) {
                throw new IllegalArgumentException("has more than one conversion; a field takes one, e.g. 0x%x");
            }
            int j = i + 1;
            while (j < text.length() && "-+ #0".indexOf(text.charAt(j)) >= 0) {
                j++;
            }
            flags = text.substring(i + 1, j);
            int widthStart = j;
            while (j < text.length() && Character.isDigit(text.charAt(j))) {
                j++;
            }
            width = j > widthStart ? bounded(text.substring(widthStart, j)) : -1;
            if (j < text.length() && text.charAt(j) == '.') {
                int precisionStart = ++j;
                while (j < text.length() && Character.isDigit(text.charAt(j))) {
                    j++;
                }
                precision = j > precisionStart ? bounded(text.substring(precisionStart, j)) : 0;
            }
            if (j < text.length() && text.charAt(j) == '*') {
                throw new IllegalArgumentException("uses *, a width or precision from an argument, which a field has not");
            }
            while (j < text.length() && "hlLqjzt".indexOf(text.charAt(j)) >= 0) {
                j++;
            }
            if (j >= text.length()) {
                throw new IllegalArgumentException("ends in the middle of a conversion");
            }
            conversion = text.charAt(j);
            if ("diuxXocsp".indexOf(conversion) < 0) {
                throw new IllegalArgumentException("has %" + conversion + ", which netcap does not apply to a field"
                        + " (it takes d i u x X o c p, and s for char arrays)");
            }
            i = j + 1;
        }
        if (flags == null) {
            throw new IllegalArgumentException("has no conversion, e.g. %d or 0x%x");
        }
        return new PrintfFormat(text, before.toString(), after.toString(), flags, width, precision, conversion);
    }

    /** Widths and precisions beyond this are a typo, not a layout. */
    private static int bounded(String digits) {
        if (digits.length() > 3) {
            throw new IllegalArgumentException("has a width or precision of " + digits + "; at most 999");
        }
        return Integer.parseInt(digits);
    }

    /** The format as written. */
    String text() {
        return text;
    }

    /** Whether it formats strings (%s) rather than numbers. */
    boolean isString() {
        return conversion == 's';
    }

    /**
     * A number of {@code size} bytes whose bits are {@code bits} (its low {@code size * 8} bits
     * count), of a signed type or not: d and i read them as signed, u x X o as unsigned, c as a
     * character, p as an address. As C's printf sees a field narrower than int, after promotion
     * to int: an unsigned char or short stays non-negative under %d (a u16 port 40000 is 40000).
     */
    String formatNumber(long bits, int size, boolean signedType) {
        if (size < 4 && !signedType) {
            return formatNumber(bits & ((1L << (8 * size)) - 1), 4);
        }
        return formatNumber(bits, size);
    }

    /** As {@link #formatNumber(long, int, boolean)} for a signed type (or one int-sized or wider). */
    String formatNumber(long bits, int size) {
        if (conversion == 's') {
            throw new IllegalStateException("%s formats char arrays");
        }
        int shift = 64 - 8 * Math.min(size, 8);
        long signed = shift == 64 ? 0 : (bits << shift) >> shift;
        long unsigned = shift == 64 ? 0 : (bits << shift) >>> shift;
        String body;
        switch (conversion) {
            case 'c' -> body = pad(character((int) (unsigned & 0xff)));
            case 'd', 'i' -> body = number(signed < 0 ? "-" : plus ? "+" : space ? " " : "",
                    digits(Long.toString(signed).replace("-", "")));
            case 'u' -> body = number("", digits(Long.toUnsignedString(unsigned)));
            case 'o' -> {
                String d = digits(Long.toOctalString(unsigned));
                body = number("", alternate && !d.startsWith("0") ? "0" + d : d);
            }
            case 'x', 'X' -> {
                String d = digits(Long.toHexString(unsigned));
                String prefix = alternate && unsigned != 0 ? "0x" : "";
                if (conversion == 'X') {
                    d = d.toUpperCase(Locale.ROOT);
                    prefix = prefix.toUpperCase(Locale.ROOT);
                }
                body = number(prefix, d);
            }
            case 'p' -> body = number("0x", Long.toHexString(unsigned));
            default -> throw new IllegalStateException("conversion %" + conversion);
        }
        return before + body + after;
    }

    /** A string (a char array up to its NUL): precision cuts it, width pads it. */
    String formatString(String s) {
        if (conversion != 's') {
            throw new IllegalStateException("%" + conversion + " formats numbers");
        }
        String cut = precision >= 0 && precision < s.length() ? s.substring(0, precision) : s;
        return before + pad(cut) + after;
    }

    /** The digits with the precision's leading zeros (C: the minimum number of digits). */
    private String digits(String d) {
        if (precision == 0 && d.equals("0")) {
            return "";
        }
        return precision > d.length() ? "0".repeat(precision - d.length()) + d : d;
    }

    /** Sign or prefix, then digits, padded to the width: zeros go between the two (flag 0, no precision). */
    private String number(String prefix, String digits) {
        int length = prefix.length() + digits.length();
        if (width <= length) {
            return prefix + digits;
        }
        if (left) {
            return prefix + digits + " ".repeat(width - length);
        }
        if (zero && precision < 0) {
            return prefix + "0".repeat(width - length) + digits;
        }
        return " ".repeat(width - length) + prefix + digits;
    }

    private String pad(String s) {
        if (width <= s.length()) {
            return s;
        }
        return left ? s + " ".repeat(width - s.length()) : " ".repeat(width - s.length()) + s;
    }

    /** A byte as %c shows it: itself when printable ASCII, else its escape, so no control byte reaches a terminal. */
    static String character(int b) {
        return b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b);
    }
}

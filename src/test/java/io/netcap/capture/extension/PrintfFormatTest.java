package io.netcap.capture.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** netcap's format comments print as C's printf does with the length modifier that fits the field. */
class PrintfFormatTest {
    private static String number(String format, long value, int size) {
        return PrintfFormat.parse(format).formatNumber(value, size);
    }

    @Test
    void hexReadsTheFieldsOwnWidthAsUnsigned() {
        assertEquals("0xffffffff", number("0x%x", -1, 4));
        assertEquals("ffff", number("%x", -1, 2));
        assertEquals("ffffffffffffffff", number("%lx", -1, 8));
        assertEquals("0xABCD", number("0x%X", 0xabcd, 2));
        assertEquals("0x2a", number("%#x", 42, 4));
        assertEquals("0", number("%#x", 0, 4), "C prints no 0x before a zero");
        assertEquals("052", number("%#o", 42, 4));
        assertEquals("12345678", number("%llx", 0x12345678, 8), "length modifiers change nothing");
    }

    @Test
    void signedAndUnsignedDecimalFollowTheConversion() {
        assertEquals("-1", number("%d", 0xffffffffL, 4));
        assertEquals("4294967295", number("%u", -1, 4));
        assertEquals("65535", number("%u", -1, 2));
        assertEquals("-128", number("%i", 0x80, 1));
        assertEquals("18446744073709551615", number("%lu", -1, 8));
        assertEquals("+7", number("%+d", 7, 4));
        assertEquals(" 7", number("% d", 7, 4));
    }

    @Test
    void widthPrecisionAndFlagsPadAsCDoes() {
        assertEquals("   42", number("%5d", 42, 4));
        assertEquals("42   |", number("%-5d|", 42, 4));
        assertEquals("-0042", number("%05d", -42, 4));
        assertEquals("  042", number("%05.3d", 42, 4), "a precision turns the 0 flag off");
        assertEquals("0x00ff", number("0x%04x", 255, 4));
        assertEquals("", number("%.0d", 0, 4));
        assertEquals("port 80 (tcp)", number("port %u (tcp)", 80, 2));
        assertEquals("100%", number("%d%%", 100, 4));
    }

    @Test
    void charactersAndAddresses() {
        assertEquals("M", number("%c", 'M', 1));
        assertEquals("\\x07", number("%c", 7, 1), "no control byte reaches a terminal");
        assertEquals("0x7fff0010", number("%p", 0x7fff0010L, 8));
        assertEquals("[eth0 ]", PrintfFormat.parse("[%-5s]").formatString("eth0"));
        assertEquals("et", PrintfFormat.parse("%.2s").formatString("eth0"));
    }

    @Test
    void refusesWhatIsNoFieldFormat() {
        assertRefused("hex", "no conversion");
        assertRefused("%x and %d", "more than one conversion");
        assertRefused("%f", "%f");
        assertRefused("%n", "%n");
        assertRefused("%*d", "uses *");
        assertRefused("%08", "ends in the middle");
        assertRefused("%1234d", "at most 999");
    }

    private static void assertRefused(String format, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PrintfFormat.parse(format));
        assertTrue(e.getMessage().contains(expected), format + ": " + e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void unsignedFieldsNarrowerThanIntStayNonNegativeUnderD() {
        PrintfFormat d = PrintfFormat.parse("%d");
        org.junit.jupiter.api.Assertions.assertEquals("40000", d.formatNumber(40000, 2, false));
        org.junit.jupiter.api.Assertions.assertEquals("200", d.formatNumber(200, 1, false));
        org.junit.jupiter.api.Assertions.assertEquals("-56", d.formatNumber(200, 1, true), "a signed char");
        org.junit.jupiter.api.Assertions.assertEquals("-1", d.formatNumber(0xffffffffL, 4, false), "an unsigned int, as C prints it");
    }
}

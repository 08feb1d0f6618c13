package io.netcap.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShellWordsTest {

    private static void check(String input, String... words) {
        assertEquals(List.of(words), ShellWords.split(input), "split of [" + input + "]");
    }

    @Test
    void whitespaceSeparatesWords() {
        check("");
        check("   \t\n ");
        check("-nn", "-nn");
        check("  -nn   -v\t-x\n-e  ", "-nn", "-v", "-x", "-e");
        check("-s 100", "-s", "100");
    }

    @Test
    void singleQuotesAreFullyLiteral() {
        check("'a b'", "a b");
        check("'a \\\" $x `y` \\\\'", "a \\\" $x `y` \\\\");
        check("'it'\\''s'", "it's");
    }

    @Test
    void doubleQuotesEscapeOnlyTheFourSpecialCharacters() {
        check("\"a b\"", "a b");
        check("\"say \\\"hi\\\"\"", "say \"hi\"");
        check("\"back\\\\slash\"", "back\\slash");
        check("\"\\$HOME \\`x\\`\"", "$HOME `x`");
        check("\"\\n\\t\\a\"", "\\n\\t\\a"); // other backslashes stay
        check("\"a'b\"", "a'b");
        check("\"line\\\ncontinued\"", "linecontinued");
    }

    @Test
    void backslashOutsideQuotesEscapesTheNextCharacter() {
        check("a\\ b", "a b");
        check("\\'x\\'", "'x'");
        check("\\\"", "\"");
        check("\\\\", "\\");
        check("a\\\nb", "ab");
        check("-v \\\n -x", "-v", "-x");
    }

    @Test
    void adjacentPartsJoinAndEmptyQuotesMakeEmptyWords() {
        check("a'b'\"c\"d", "abcd");
        check("''", "");
        check("\"\"", "");
        check("a '' b", "a", "", "b");
        check("-w''", "-w");
    }

    @Test
    void nothingIsExpanded() {
        check("$(rm -rf /)", "$(rm", "-rf", "/)");
        check("\"$(rm -rf /)\"", "$(rm -rf /)");
        check("`reboot`", "`reboot`");
        check("$HOME ${PATH} ~ ~/x", "$HOME", "${PATH}", "~", "~/x");
        check("*.pcap ? [ab]", "*.pcap", "?", "[ab]");
        check("a;b|c&d>e<f", "a;b|c&d>e<f");
        check("-# # x", "-#", "#", "x");
        check("{a,b}", "{a,b}");
    }

    @Test
    void unterminatedQuotesAndTrailingBackslashAreErrors() {
        IllegalArgumentException single = assertThrows(IllegalArgumentException.class,
                () -> ShellWords.split("-nn 'oops"));
        assertEquals("unterminated single quote at position 4 in: -nn 'oops", single.getMessage());
        IllegalArgumentException dbl = assertThrows(IllegalArgumentException.class,
                () -> ShellWords.split("\"a \\\" b"));
        assertEquals("unterminated double quote at position 0 in: \"a \\\" b", dbl.getMessage());
        IllegalArgumentException trailing = assertThrows(IllegalArgumentException.class,
                () -> ShellWords.split("-v \\"));
        assertEquals("trailing backslash at position 3 in: -v \\", trailing.getMessage());
    }
}

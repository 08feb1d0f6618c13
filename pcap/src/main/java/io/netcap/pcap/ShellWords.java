package io.netcap.pcap;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command-line string into words the way a POSIX shell does, and does nothing else;
 * and the reverse for one word ({@link #quote}).
 *
 * <p>This replaces handing user text to {@code bash -c}: the words go straight to
 * {@link ProcessBuilder}, so there is no expansion of any kind. {@code $VAR}, {@code $(...)},
 * backquotes, globs ({@code * ? [}), {@code ~}, {@code #} and the operators
 * {@code ; | & < > ( )} are ordinary characters that end up in the words unchanged.
 *
 * <p>Quoting rules (POSIX "Quoting", minus everything that expands):
 * <ul>
 *   <li>unquoted space, tab and newline separate words; runs of them count as one;</li>
 *   <li>{@code '...'}: every character literal, no escapes at all;</li>
 *   <li>{@code "..."}: literal, except that backslash escapes {@code " \ $ `} and a backslash
 *       before a newline removes both; before any other character the backslash stays;</li>
 *   <li>unquoted backslash: the next character is literal; backslash-newline is removed;</li>
 *   <li>quotes join with adjacent text ({@code a'b'"c"} is {@code abc}); {@code ''} and
 *       {@code ""} make an empty word.</li>
 * </ul>
 * An unterminated quote or a trailing lone backslash is an {@link IllegalArgumentException}.
 */
public final class ShellWords {
    private ShellWords() {
    }

    public static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        // A word exists once any character or quote was seen, so '' yields an empty word.
        boolean inWord = false;
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
            } else if (c == '\'') {
                int close = line.indexOf('\'', i + 1);
                if (close < 0) {
                    throw new IllegalArgumentException(
                            "unterminated single quote at position " + i + " in: " + line);
                }
                word.append(line, i + 1, close);
                inWord = true;
                i = close + 1;
            } else if (c == '"') {
                i = doubleQuoted(line, i, word);
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 >= n) {
                    throw new IllegalArgumentException(
                            "trailing backslash at position " + i + " in: " + line);
                }
                char next = line.charAt(i + 1);
                if (next != '\n') { // backslash-newline is a line continuation: both vanish
                    word.append(next);
                    inWord = true;
                }
                i += 2;
            } else {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** Appends the contents of the double-quoted string opening at {@code open}; returns the index after it. */
    private static int doubleQuoted(String line, int open, StringBuilder word) {
        int i = open + 1;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < n) {
                char next = line.charAt(i + 1);
                if (next == '"' || next == '\\' || next == '$' || next == '`') {
                    word.append(next);
                    i += 2;
                    continue;
                }
                if (next == '\n') {
                    i += 2;
                    continue;
                }
            }
            word.append(c);
            i++;
        }
        throw new IllegalArgumentException(
                "unterminated double quote at position " + open + " in: " + line);
    }

    /**
     * {@code word} as a shell would read it back as one word: unchanged when it holds only
     * characters no shell treats specially, else in single quotes (a quote inside as {@code '\''}).
     */
    public static String quote(String word) {
        if (!word.isEmpty() && word.chars().allMatch(c -> Character.isLetterOrDigit(c) || "@%+=:,./_-".indexOf(c) >= 0)) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}

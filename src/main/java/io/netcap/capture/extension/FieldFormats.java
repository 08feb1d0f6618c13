package io.netcap.capture.extension;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code // format: ...} comments of an action's file, netcap's way to say how a field is
 * printed: {@code u32 addr; // format: 0x%x}. Comments are not in the BTF, so they are read from
 * the text: each belongs to the member declared on its line, in the struct whose braces enclose
 * it (named by its tag; an anonymous struct's members count as its enclosing struct's). The
 * layout itself never comes from here.
 */
final class FieldFormats {
    private static final Pattern FORMAT = Pattern.compile("//\\s*format\\s*:\\s*(.*?)\\s*$");
    /** The member a line declares: its name, then array bounds or a bitfield width, then ';'. */
    private static final Pattern MEMBER = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*(\\[[^\\]]*\\]\\s*)*(:\\s*\\d+\\s*)?;\\s*$");
    private static final Pattern OPENING = Pattern.compile("\\b(struct|union)\\s*([A-Za-z_][A-Za-z0-9_]*)?\\s*$");
    private static final Pattern BLOCK_COMMENT = Pattern.compile("/\\*.*?\\*/", Pattern.DOTALL);

    /** The format text of each commented member, by "TAG.member". */
    private final Map<String, String> formats = new HashMap<>();
    /** Line of each, for messages. */
    private final Map<String, Integer> lines = new HashMap<>();

    private FieldFormats() {
    }

    static FieldFormats parse(String text) {
        FieldFormats f = new FieldFormats();
        // block comments become blanks of the same shape, so line numbers and columns stay
        Matcher block = BLOCK_COMMENT.matcher(text);
        StringBuilder code = new StringBuilder(text.length());
        while (block.find()) {
            block.appendReplacement(code, Matcher.quoteReplacement(block.group().replaceAll("[^\n]", " ")));
        }
        block.appendTail(code);
        Deque<String> scopes = new ArrayDeque<>(); // the tag of each open brace, NOT_A_STRUCT for others
        String[] source = code.toString().split("\n", -1);
        for (int n = 0; n < source.length; n++) {
            String line = source[n];
            int comment = line.indexOf("//");
            String statement = comment < 0 ? line : line.substring(0, comment);
            Matcher format = comment < 0 ? null : FORMAT.matcher(line.substring(comment));
            // braces before the member's ';' count first: "struct s { int a; // format: %x" declares a in s
            int cut = statement.lastIndexOf(';') + 1;
            track(scopes, statement, 0, cut, n > 0 ? previousCode(source, n) : "");
            if (format != null && format.find() && !scopes.isEmpty() && !NOT_A_STRUCT.equals(scopes.peek())) {
                Matcher member = MEMBER.matcher(statement.substring(0, cut).strip());
                if (member.find()) {
                    String key = scopes.peek() + "." + member.group(1);
                    f.formats.put(key, format.group(1));
                    f.lines.put(key, n + 1);
                }
            }
            track(scopes, statement, cut, statement.length(), n > 0 ? previousCode(source, n) : "");
        }
        return f;
    }

    /** Opens and closes scopes for the braces of statement[from, to). */
    private static void track(Deque<String> scopes, String statement, int from, int to, String previousLine) {
        for (int i = from; i < to; i++) {
            char c = statement.charAt(i);
            if (c == '{') {
                String opened = opening(statement.substring(0, i), previousLine);
                // an anonymous struct inside a struct: its members are named under the enclosing tag
                if (opened != null && opened.isEmpty() && !scopes.isEmpty()) {
                    opened = scopes.peek();
                }
                scopes.push(opened == null ? NOT_A_STRUCT : opened);
            } else if (c == '}' && !scopes.isEmpty()) {
                scopes.pop();
            }
        }
    }

    /** Stands for a brace that opens no struct (a function body): its lines declare no members. */
    private static final String NOT_A_STRUCT = "\0";

    private static String previousCode(String[] source, int n) {
        String previous = source[n - 1];
        int comment = previous.indexOf("//");
        return comment < 0 ? previous : previous.substring(0, comment);
    }

    /**
     * The tag of the struct or union a "{" opens ("" when anonymous), or null when it opens
     * something else; {@code before} is the code before it on its line, {@code previousLine}
     * the line above, for a brace on a line of its own.
     */
    private static String opening(String before, String previousLine) {
        Matcher m = OPENING.matcher(before.isBlank() ? previousLine : before);
        if (!m.find()) {
            return null;
        }
        return m.group(2) == null ? "" : m.group(2);
    }

    /** The format of member {@code member} of the struct tagged {@code tag} ("" anonymous), or null. */
    String format(String tag, String member) {
        return formats.get(tag + "." + member);
    }

    /** The line of that comment (1-based), or 0. */
    int line(String tag, String member) {
        return lines.getOrDefault(tag + "." + member, 0);
    }
}

package io.netcap.capture.extension;

import io.netcap.bpf.ClangException;
import io.netcap.capture.CaptureException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the user is told when an extension does not compile or load: clang's messages about the
 * user's own file, which its #line directive makes clang name (never the generated program around
 * it); a broken signature as one usage line; a verifier rejection with the user's function, file
 * and line, from the BTF line info the verifier quotes.
 */
public final class ExtensionErrors {
    /** clang's first line of a diagnostic: {@code FILE:LINE:COL: error: TEXT}. */
    private static final Pattern DIAGNOSTIC = Pattern.compile("^(.+?):(\\d+):(\\d+): (fatal error|error|warning|note): (.*)$");
    /** The message of netcap_ext.h's signature checks. */
    private static final Pattern USAGE = Pattern.compile("netcap-usage: ([^\"]*)");
    /** A source line the verifier quotes from the BTF line info: {@code ; CODE @ FILE:LINE}. */
    private static final Pattern VERIFIER_LINE = Pattern.compile("^; (.*) @ (.+):(\\d+)$");
    private static final int MAX_LINES = 20;

    private ExtensionErrors() {
    }

    /**
     * The exception to throw for a program with these extensions that clang refused: a usage
     * error, since the C is the user's.
     */
    public static CaptureException compileFailure(ClangException e, Extensions extensions) {
        String output = e.output();
        Matcher usage = USAGE.matcher(output);
        if (usage.find()) {
            String message = usage.group(1);
            ExtensionSource source = extensions.sources().stream()
                    .filter(s -> message.contains(s.function() + "(")).findFirst()
                    .orElse(extensions.sources().get(0));
            return CaptureException.usage(source.kind().option() + " " + source.displayPath() + ": " + message);
        }
        List<String> mine = userDiagnostics(output, extensions);
        if (!mine.isEmpty()) {
            return new CaptureException(CaptureException.Kind.USAGE,
                    "the extension does not compile:\n" + String.join("\n", mine), e);
        }
        for (ExtensionSource source : extensions.sources()) {
            // a header the user's file includes, refused because vmlinux.h defines the same kernel types
            Matcher included = Pattern.compile("(?m)^In file included from " + Pattern.quote(source.displayPath())
                    + ":(\\d+):").matcher(output);
            if (included.find() && output.contains("redefinition")) {
                return CaptureException.usage(source.kind().option() + " " + source.displayPath() + ":" + included.group(1)
                        + ": the header included there defines kernel types again that netcap's vmlinux.h already"
                        + " gives every extension; remove that #include");
            }
            int open = braceBalance(source.text());
            if (open != 0) {
                return CaptureException.usage(source.kind().option() + " " + source.displayPath() + ": "
                        + (open > 0 ? open + " '{' more than '}': a brace is left open"
                        : -open + " '}' more than '{': a brace closes nothing") + ", so clang read on into netcap's"
                        + " own C and stopped there");
            }
        }
        // clang stopped in netcap's own C, but only the user's can have changed it (a brace left open, a macro)
        // the generated files live in a temporary directory, which says nothing to the user
        List<String> first = e.diagnostics().lines().limit(6).map(l -> l.replaceAll("/\\S*netcap-clang-\\d+/", ""))
                .toList();
        String files = String.join(" and ", extensions.sources().stream().map(ExtensionSource::displayPath).toList());
        return new CaptureException(CaptureException.Kind.USAGE, files + " does not compile into netcap's program;"
                + " clang stopped in netcap's part (an unclosed brace, or a macro named like one of netcap's?):\n"
                + String.join("\n", first), e);
    }

    /** '{' minus '}' in C text, leaving out comments, string and character literals. */
    static int braceBalance(String c) {
        int balance = 0;
        for (int i = 0; i < c.length(); i++) {
            char ch = c.charAt(i);
            if (ch == '/' && i + 1 < c.length() && c.charAt(i + 1) == '/') {
                int end = c.indexOf('\n', i);
                i = end < 0 ? c.length() : end;
            } else if (ch == '/' && i + 1 < c.length() && c.charAt(i + 1) == '*') {
                int end = c.indexOf("*/", i + 2);
                i = end < 0 ? c.length() : end + 1;
            } else if (ch == '"' || ch == '\'') {
                for (i++; i < c.length() && c.charAt(i) != ch && c.charAt(i) != '\n'; i++) {
                    if (c.charAt(i) == '\\') {
                        i++;
                    }
                }
            } else if (ch == '{') {
                balance++;
            } else if (ch == '}') {
                balance--;
            }
        }
        return balance;
    }

    /**
     * clang's errors (and their notes) whose location is one of the user's files, each with its
     * source and caret lines; one a macro repeats (BPF_CORE_READ names its field twice) only once.
     */
    static List<String> userDiagnostics(String output, Extensions extensions) {
        List<String> paths = extensions.sources().stream().map(ExtensionSource::displayPath).toList();
        List<List<String>> blocks = new ArrayList<>();
        List<String> current = null;
        for (String line : output.lines().toList()) {
            Matcher d = DIAGNOSTIC.matcher(line);
            if (d.matches()) {
                current = paths.contains(d.group(1)) && !d.group(4).equals("warning") ? new ArrayList<>() : null;
                if (current != null) {
                    blocks.add(current);
                }
            } else if (line.startsWith("In file included from")
                    || line.matches("\\d+ (errors?|warnings?)( and \\d+ (errors?|warnings?))? generated\\.")) {
                current = null;
                continue;
            }
            if (current != null) {
                current.add(line);
            }
        }
        List<String> kept = new ArrayList<>();
        blocks.stream().distinct().forEach(block -> block.stream().limit(MAX_LINES - kept.size()).forEach(kept::add));
        return kept;
    }

    /**
     * The verifier's rejection as said of the user's function, when the last source line its log
     * quotes before the error is in one of the user's files: "the kernel's verifier rejected
     * xcap_ext_action (FILE:LINE: CODE)". Empty when the log points elsewhere.
     */
    public static Optional<String> verifierCulprit(String log, Extensions extensions) {
        if (log == null || !extensions.any()) {
            return Optional.empty();
        }
        List<String> lines = log.lines().toList();
        for (int i = lines.size() - 1; i >= 0; i--) {
            Matcher m = VERIFIER_LINE.matcher(lines.get(i).strip());
            if (!m.matches()) {
                continue;
            }
            String path = m.group(2);
            for (ExtensionSource s : extensions.sources()) {
                if (s.displayPath().equals(path) || s.displayPath().endsWith("/" + path)) {
                    return Optional.of("the kernel's verifier rejected " + s.function() + " of " + s.kind().option()
                            + " (" + s.displayPath() + ":" + m.group(3) + ": " + m.group(1).strip() + ")");
                }
            }
            return Optional.empty(); // the last quoted line is netcap's own
        }
        return Optional.empty();
    }
}

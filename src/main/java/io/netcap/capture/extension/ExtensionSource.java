package io.netcap.capture.extension;

import io.netcap.capture.CaptureException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One user extension file as given on the command line: its path, its text and which of the
 * accepted names its function has. Only names are looked for in the text, to say at once which
 * one is missing; everything else (the signature, the struct's layout) is left to clang and to
 * the BTF it emits.
 *
 * @param kind     filter or action
 * @param path     the file as the user named it, made absolute (clang's messages name it)
 * @param text     its C
 * @param function the accepted name it defines, e.g. {@code xcap_ext_filter}
 */
public record ExtensionSource(ExtensionKind kind, Path path, String text, String function) {
    /** Far larger than any extension; a bound so that a wrong file (a binary, a log) is refused at once. */
    static final int MAX_BYTES = 1 << 20;
    private static final Pattern COMMENTS = Pattern.compile("//[^\n]*|/\\*.*?\\*/", Pattern.DOTALL);
    private static final Pattern ACTION_STRUCT = Pattern.compile(
            "\\bstruct\\s+" + ExtensionKind.ACTION_STRUCT + "\\s*\\{");

    public ExtensionSource {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(path);
        Objects.requireNonNull(text);
        Objects.requireNonNull(function);
    }

    /**
     * Reads and checks an extension file.
     *
     * @throws CaptureException (usage) a file that cannot be read, is not text, or lacks the
     *                          function (or, for an action, the struct)
     */
    public static ExtensionSource read(ExtensionKind kind, Path file) {
        Path path = file.toAbsolutePath().normalize();
        String text;
        try {
            if (Files.isDirectory(path)) {
                throw CaptureException.usage(kind.option() + " " + file + ": is a directory; give a C file");
            }
            // Read at most one byte past the bound: a device such as /dev/zero has no size to ask
            // for and no end, and a pipe (<(…)) has no size either.
            byte[] bytes;
            try (InputStream in = Files.newInputStream(path)) {
                bytes = in.readNBytes(MAX_BYTES + 1);
            }
            if (bytes.length > MAX_BYTES) {
                throw CaptureException.usage(kind.option() + " " + file + ": larger than " + (MAX_BYTES >> 20)
                        + " MiB; is it the C file?");
            }
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw CaptureException.usage(kind.option() + " " + file + ": no such file");
        } catch (CharacterCodingException e) {
            throw CaptureException.usage(kind.option() + " " + file + ": not a UTF-8 text file; give a C file");
        } catch (IOException e) {
            throw CaptureException.usage(kind.option() + " " + file + ": cannot read it: " + e.getMessage());
        }
        return of(kind, path, text);
    }

    /** An extension from text already read; {@code path} names it in messages. */
    public static ExtensionSource of(ExtensionKind kind, Path path, String text) {
        if (text.indexOf('\0') >= 0) {
            throw CaptureException.usage(kind.option() + " " + path + ": not a text file; give a C file");
        }
        String code = COMMENTS.matcher(text).replaceAll(" ");
        List<String> defined = kind.functionNames().stream()
                .filter(name -> Pattern.compile("\\b" + name + "\\s*\\(").matcher(code).find()).toList();
        String names = String.join(" or ", kind.functionNames());
        if (defined.isEmpty()) {
            throw CaptureException.usage(kind.option() + " " + path + ": defines no " + names + "; it needs "
                    + kind.signature(kind.functionNames().get(0)));
        }
        if (defined.size() > 1) {
            throw CaptureException.usage(kind.option() + " " + path + ": defines both " + String.join(" and ", kind.functionNames())
                    + "; keep one");
        }
        if (kind == ExtensionKind.ACTION && !ACTION_STRUCT.matcher(code).find()) {
            throw CaptureException.usage(kind.option() + " " + path + ": defines no struct " + ExtensionKind.ACTION_STRUCT
                    + " { ... }, the fields " + defined.get(0) + " fills for each packet");
        }
        return new ExtensionSource(kind, path, text, defined.get(0));
    }

    /**
     * The file as the program includes it: the user's text under a #line directive, so that
     * clang's messages and the BTF line info (which the verifier's log quotes) name the user's
     * file and lines, not the generated program's.
     */
    public String generatedText() {
        return "#line 1 \"" + cString(path.toString()) + "\"\n" + text + (text.endsWith("\n") ? "" : "\n");
    }

    /** The path as it appears in clang's and the verifier's messages. */
    public String displayPath() {
        return path.toString();
    }

    private static String cString(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\%03o", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}

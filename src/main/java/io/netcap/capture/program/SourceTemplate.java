package io.netcap.capture.program;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A C source file with named slots written {@code @@NAME@@}. Filling is strict: every slot in the
 * text must be given a value and every value must have a slot, so a renamed slot fails at once
 * instead of producing C that compiles to something else.
 */
public final class SourceTemplate {
    private static final Pattern SLOT = Pattern.compile("@@([A-Z0-9_]+)@@");

    private final String name;
    private final String text;

    private SourceTemplate(String name, String text) {
        this.name = name;
        this.text = text;
    }

    /** Loads a template or header shipped next to this class (src/main/resources/io/netcap/capture/program). */
    public static SourceTemplate resource(String name) {
        return new SourceTemplate(name, readResource(name));
    }

    public static String readResource(String name) {
        try (InputStream in = SourceTemplate.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource io/netcap/capture/program/" + name + " (broken jar?)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    public String fill(Map<String, String> values) {
        Set<String> unused = new HashSet<>(values.keySet());
        Matcher m = SLOT.matcher(text);
        StringBuilder out = new StringBuilder(text.length() + 1024);
        while (m.find()) {
            String slot = m.group(1);
            String value = values.get(slot);
            if (value == null) {
                throw new IllegalArgumentException(name + ": no value for slot @@" + slot + "@@");
            }
            unused.remove(slot);
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException(name + ": no slot for " + unused);
        }
        return out.toString();
    }
}

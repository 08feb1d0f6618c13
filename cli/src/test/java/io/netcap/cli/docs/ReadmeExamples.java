package io.netcap.cli.docs;

import java.util.ArrayList;
import java.util.List;

/**
 * The examples of the README's "Using it" section: its first {@code ```sh} block, a comment line
 * (or several) saying what the command after it does. The man page's EXAMPLES are these, so the
 * two cannot tell different stories.
 */
final class ReadmeExamples {
    static final String SECTION = "## Using it";

    /** One example: what it does (the comment, without "# ") and its command line(s). */
    record Example(String purpose, List<String> commands) {
    }

    private ReadmeExamples() {
    }

    /**
     * @throws IllegalArgumentException the README has no "Using it" section with a sh block, or a
     *                                  comment in it has no command after it (the build fails and says so)
     */
    static List<Example> parse(String readme) {
        List<String> lines = readme.lines().toList();
        int at = lines.indexOf(SECTION);
        if (at < 0) {
            throw new IllegalArgumentException("README.md has no '" + SECTION + "' section");
        }
        int start = at + 1;
        while (start < lines.size() && !lines.get(start).equals("```sh")) {
            if (lines.get(start).startsWith("## ")) {
                throw new IllegalArgumentException("README.md's '" + SECTION + "' section has no ```sh block");
            }
            start++;
        }
        List<Example> examples = new ArrayList<>();
        List<String> purpose = new ArrayList<>();
        List<String> commands = new ArrayList<>();
        for (int i = start + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            boolean end = line.equals("```");
            if (end || line.isBlank() || line.startsWith("#")) {
                if (!commands.isEmpty()) {
                    examples.add(new Example(String.join(" ", purpose), List.copyOf(commands)));
                    purpose.clear();
                    commands.clear();
                }
                if (end) {
                    if (!purpose.isEmpty()) {
                        throw new IllegalArgumentException("README.md example without a command: " + purpose);
                    }
                    if (examples.isEmpty()) {
                        throw new IllegalArgumentException("README.md's '" + SECTION + "' sh block has no examples");
                    }
                    return examples;
                }
                if (line.startsWith("#")) {
                    purpose.add(line.replaceFirst("^#+\\s*", ""));
                }
            } else {
                commands.add(line);
            }
        }
        throw new IllegalArgumentException("README.md's '" + SECTION + "' sh block is not closed");
    }
}

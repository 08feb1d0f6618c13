package io.netcap.cli.docs;

import io.netcap.cli.LiveCompletion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * netcap's bash completion: picocli's AutoComplete script (subcommands, options, enum values,
 * file names for file options), then netcap's part for the values that are facts of the machine
 * (live-completion.bash beside this class), with its two tables generated from the same model:
 * the subcommands, and which option of which subcommand completes which kind of value (every
 * option whose completionCandidates is a {@link LiveCompletion}).
 */
final class CompletionScript {
    private static final String LIVE_PART = "live-completion.bash";

    private CompletionScript() {
    }

    static String of(CommandLine root) {
        String name = root.getCommandName();
        StringBuilder script = new StringBuilder(AutoComplete.bash(name, root));
        script.append("\n# ---- generated from the picocli model by ").append(CompletionScript.class.getName())
                .append(" ----\n");
        script.append("_netcap_subcommands=(");
        root.getSubcommands().keySet().forEach(sub -> script.append(' ').append(sub));
        script.append(" )\n");
        script.append("declare -gA _netcap_live_options=(\n");
        liveOptions(root.getCommandSpec()).forEach((key, kind) ->
                script.append("  [\"").append(key).append("\"]=").append(kind).append('\n'));
        script.append(")\n\n");
        script.append(livePart());
        return script.toString();
    }

    /** "SUBCOMMAND OPTION-NAME" to the kind of value, for each name of each live option. */
    static Map<String, String> liveOptions(CommandSpec root) {
        Map<String, String> live = new TreeMap<>();
        for (CommandLine sub : root.subcommands().values()) {
            for (OptionSpec option : sub.getCommandSpec().options()) {
                if (option.completionCandidates() instanceof LiveCompletion completion) {
                    for (String optionName : option.names()) {
                        live.put(sub.getCommandName() + " " + optionName, completion.kind());
                    }
                }
            }
        }
        return live;
    }

    private static String livePart() {
        try (InputStream in = CompletionScript.class.getResourceAsStream(LIVE_PART)) {
            if (in == null) {
                throw new IllegalStateException(LIVE_PART + " is missing beside " + CompletionScript.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

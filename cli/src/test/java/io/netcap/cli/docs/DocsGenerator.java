package io.netcap.cli.docs;

import io.netcap.cli.Netcap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * Build step (exec-maven-plugin, package phase): writes netcap's man page source (netcap.adoc,
 * rendered to troff by the next step) and its bash completion from the picocli model,
 * the one that prints {@code --help}.
 *
 * <p>Usage: {@code DocsGenerator ADOC-DIR COMPLETION-FILE README.md VERSION}: ADOC-DIR gets netcap.adoc
 * (and nothing else: Asciidoctor's Maven plugin copies what else is there).
 */
public final class DocsGenerator {
    private DocsGenerator() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: DocsGenerator ADOC-DIR COMPLETION-FILE README.md VERSION");
        }
        Path adoc = Path.of(args[0]);
        Path completion = Path.of(args[1]);
        String readme = Files.readString(Path.of(args[2]));
        String version = args[3];
        Files.createDirectories(adoc);
        Files.writeString(adoc.resolve("netcap.adoc"), ManPageSource.of(model(), version, ReadmeExamples.parse(readme)));
        Files.createDirectories(completion.toAbsolutePath().getParent());
        Files.writeString(completion, CompletionScript.of(model()));
    }

    /** netcap's command line with every subcommand (a new one each time: picocli's generators set colour schemes on it). */
    static CommandLine model() {
        return Netcap.commandLineForDocs();
    }
}

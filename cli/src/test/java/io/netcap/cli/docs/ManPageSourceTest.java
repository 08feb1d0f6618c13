package io.netcap.cli.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import org.junit.jupiter.api.Test;

/** The man page source against the model it is made from: nothing in it is listed by hand. */
class ManPageSourceTest {
    private static final List<ReadmeExamples.Example> EXAMPLES = List.of(
            new ReadmeExamples.Example("see the C of process_raw(char *data, uint16_t len)",
                    List.of("netcap skb -f tp_btf:x --dry-run")));

    @Test
    void everySubcommandHasASectionWithEveryOptionItShows() {
        CommandLine model = DocsGenerator.model();
        String page = ManPageSource.of(DocsGenerator.model(), "9.8.7", EXAMPLES);
        for (CommandLine sub : model.getSubcommands().values()) {
            if (sub.getCommandSpec().userObject() instanceof CommandLine.HelpCommand) {
                continue;
            }
            String heading = "== NETCAP " + sub.getCommandName().toUpperCase() + "\n";
            int at = page.indexOf(heading);
            assertTrue(at > 0, heading + " missing");
            // the next subcommand's section, or the page's examples after the last one
            int next = page.indexOf("\n== NETCAP ", at + heading.length());
            String section = page.substring(at, next > 0 ? next : page.lastIndexOf("\n== Examples"));
            // and every line of its footer (its examples) that --help shows
            for (String line : sub.getCommandSpec().usageMessage().footer()) {
                assertTrue(section.contains(line.strip().replaceAll(":$", "")), "'" + line + "' missing from " + heading);
            }
            for (OptionSpec option : sub.getCommandSpec().options()) {
                if (!option.hidden()) {
                    assertTrue(section.contains(option.longestName()), option.longestName() + " missing from " + heading);
                }
            }
        }
    }

    @Test
    void theHeaderNamesThePageAndVersionAndTheExamplesKeepTheirWordsAsWritten() {
        String page = ManPageSource.of(DocsGenerator.model(), "9.8.7", EXAMPLES);
        assertTrue(page.startsWith("= netcap(1)\n:doctype: manpage\n"), page);
        assertTrue(page.contains(":mansource: netcap 9.8.7\n"), page);
        // the top command's own sections come first, from picocli, its exit codes too
        assertTrue(page.indexOf("== Synopsis") < page.indexOf("== NETCAP SKB"), page);
        assertTrue(page.contains("\n== Exit status\n"), page);
        assertTrue(page.indexOf("\n== Exit status\n") < page.indexOf("== NETCAP SKB"), page);
        for (String code : DocsGenerator.model().getCommandSpec().usageMessage().exitCodeList().keySet()) {
            assertTrue(page.contains("*" + code.strip() + "*::"), code + " missing");
        }
        assertTrue(page.contains("== Examples\n\npass:c[See the C of process_raw(char *data, uint16_t len):]\n\n"
                + "....\nnetcap skb -f tp_btf:x --dry-run\n....\n"), page);
    }

    @Test
    void aSectionPicocliDidNotWriteIsEmptyAndAnUnknownTagIsAnError() {
        String generated = "// tag::picocli-generated-man-section-arguments[]\n// end::picocli-generated-man-section-arguments[]\n"
                + "// tag::picocli-generated-man-section-name[]\n== Name\n\nnetcap - x\n\n// end::picocli-generated-man-section-name[]\n";
        assertEquals("", ManPageSource.section(generated, "arguments"));
        assertEquals("== Name\n\nnetcap - x\n\n", ManPageSource.section(generated, "name"));
        try {
            ManPageSource.section(generated, "footer");
            throw new AssertionError("no error for a missing tag");
        } catch (IllegalStateException expected) {
            assertTrue(expected.getMessage().contains("picocli-generated-man-section-footer"));
        }
    }
}

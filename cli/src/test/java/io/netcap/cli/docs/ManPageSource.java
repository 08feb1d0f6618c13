package io.netcap.cli.docs;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * The AsciiDoc source of netcap(1): one page, its sections written by picocli's own man page
 * generator from the same model that prints {@code --help}, so the page cannot drift from it.
 * picocli makes one page per command; this puts the top command's sections first, then one
 * section per subcommand (its synopsis, description, options, arguments and footer, one heading
 * level down), then the README's examples. asciidoctor's manpage backend turns it into troff.
 */
final class ManPageSource {
    /** The sections picocli writes for each command, in page order, by the names of its tags. */
    private static final List<String> COMMAND_SECTIONS = List.of("synopsis", "description", "options", "arguments", "commands",
            "exit-status", "footer");
    private static final List<String> SUBCOMMAND_SECTIONS = List.of("synopsis", "description", "options", "arguments",
            "footer");

    private ManPageSource() {
    }

    /**
     * @param root     the netcap command line with every subcommand
     * @param version  netcap's version, for the page's footer (e.g. "0.2.0")
     * @param examples the README's examples
     */
    static String of(CommandLine root, String version, List<ReadmeExamples.Example> examples) {
        CommandSpec spec = root.getCommandSpec();
        StringBuilder page = new StringBuilder();
        String name = spec.name();
        page.append("= ").append(name).append("(1)\n")
                .append(":doctype: manpage\n")
                .append(":manmanual: ").append(Character.toUpperCase(name.charAt(0))).append(name.substring(1))
                .append(" Manual\n")
                .append(":mansource: ").append(name).append(' ').append(version).append('\n')
                .append(":man-linkstyle: pass:[blue R < >]\n\n");
        String top = generated(spec);
        page.append(section(top, "name"));
        for (String section : COMMAND_SECTIONS) {
            page.append(section(top, section));
        }
        for (CommandLine sub : spec.subcommands().values()) {
            CommandSpec subSpec = sub.getCommandSpec();
            if (subSpec.usageMessage().hidden() || subSpec.userObject() instanceof CommandLine.HelpCommand) {
                continue; // "help" is netcap's own --help, described in the commands list
            }
            String text = generated(subSpec);
            page.append("== ").append(subSpec.qualifiedName(" ").toUpperCase()).append("\n\n");
            // picocli's level-2 headings become level 3 (.SS) under the subcommand's section
            page.append(":leveloffset: +1\n\n");
            for (String section : SUBCOMMAND_SECTIONS) {
                page.append(section(text, section));
            }
            page.append(":leveloffset!:\n\n");
        }
        page.append(examples(examples));
        page.append("== See also\n\n")
                .append("*tcpdump*(8), *pcap-filter*(7), *bpftool*(8)\n");
        return page.toString();
    }

    /** picocli's AsciiDoc page of one command, each section between "// tag::…[]" and "// end::…[]". */
    private static String generated(CommandSpec spec) {
        headFooter(spec.usageMessage());
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            ManPageGenerator.writeSingleManPage(out, spec);
        }
        return text.toString();
    }

    /**
     * picocli's generator leaves out a footer without a footer heading, and netcap's commands
     * start theirs with a line of their own ("", "Examples:", the commands): that line becomes
     * the heading ("Notes" when there is none), so the page shows every line --help does. Only
     * the model made for the page is changed.
     */
    static void headFooter(CommandLine.Model.UsageMessageSpec usage) {
        if (!usage.footerHeading().isEmpty() || usage.footer().length == 0) {
            return;
        }
        List<String> lines = new java.util.ArrayList<>(List.of(usage.footer()));
        while (!lines.isEmpty() && lines.get(0).isBlank()) {
            lines.remove(0);
        }
        if (lines.isEmpty()) {
            return;
        }
        String heading = "Notes";
        if (lines.get(0).strip().endsWith(":")) {
            heading = lines.remove(0).strip();
            heading = heading.substring(0, heading.length() - 1);
        }
        usage.footerHeading(heading);
        usage.footer(lines.toArray(String[]::new));
    }

    /** The text of one tagged section (empty when picocli wrote none, e.g. no positional arguments). */
    static String section(String generated, String tag) {
        String name = "picocli-generated-man-section-" + tag;
        Matcher m = Pattern.compile("(?s)// tag::" + Pattern.quote(name) + "\\[\\]\\R(.*?)// end::"
                + Pattern.quote(name) + "\\[\\]").matcher(generated);
        if (!m.find()) {
            throw new IllegalStateException("picocli's man page has no section tagged " + name
                    + " (has picocli-codegen changed its format?)");
        }
        if (m.group(1).isBlank()) {
            return "";
        }
        // a heading taken from --help's ("Exit status:", with picocli's blank) is a man page's section title
        return HEADING.matcher(m.group(1).strip()).replaceAll("== $1") + "\n\n";
    }

    private static final Pattern HEADING = Pattern.compile("(?m)^==[ \\t]+(.*?):?[ \\t]*$");

    private static String examples(List<ReadmeExamples.Example> examples) {
        StringBuilder out = new StringBuilder("== Examples\n\n");
        for (ReadmeExamples.Example example : examples) {
            // pass:c[] shows the words as written (no bold from a '*' in "char *data"), only escaped for troff
            String purpose = example.purpose().isEmpty() ? "" : Character.toUpperCase(example.purpose().charAt(0))
                    + example.purpose().substring(1) + ":";
            out.append("pass:c[").append(purpose.replace("]", "\\]")).append("]\n\n");
            out.append("....\n");
            for (String command : example.commands()) {
                out.append(command).append('\n');
            }
            out.append("....\n\n");
        }
        return out.toString();
    }
}

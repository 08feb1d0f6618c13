package io.netcap.cli.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadmeExamplesTest {
    @Test
    void eachCommentSaysWhatTheCommandsAfterItDo() {
        String readme = """
                # netcap
                ## Using it

                ```sh
                # first thing
                netcap skb -f x

                # second thing,
                # said on two lines
                netcap dump -w a.pcap
                netcap dump -r a.pcap
                ```
                ## Next
                ```sh
                not this
                ```
                """;
        assertEquals(List.of(
                new ReadmeExamples.Example("first thing", List.of("netcap skb -f x")),
                new ReadmeExamples.Example("second thing, said on two lines",
                        List.of("netcap dump -w a.pcap", "netcap dump -r a.pcap"))), ReadmeExamples.parse(readme));
    }

    @Test
    void aReadmeWithoutTheSectionOrWithACommentLeftAloneFailsTheBuildSayingWhy() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ReadmeExamples.parse("# netcap\n"))
                .getMessage().contains("'## Using it'"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ReadmeExamples.parse("## Using it\n## Other\n```sh\nx\n```\n")).getMessage().contains("no ```sh"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ReadmeExamples.parse("## Using it\n```sh\n# a\nx\n# dangling\n```\n")).getMessage()
                .contains("dangling"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ReadmeExamples.parse("## Using it\n```sh\n# a\nx\n")).getMessage().contains("not closed"));
    }

    @Test
    void theProjectsReadmeHasItsExamples() throws IOException {
        List<ReadmeExamples.Example> examples = ReadmeExamples.parse(Files.readString(Path.of("../README.md")));
        assertTrue(examples.size() >= 5, examples.toString());
        assertTrue(examples.stream().allMatch(e -> !e.purpose().isEmpty()
                && e.commands().stream().allMatch(c -> c.startsWith("netcap "))), examples.toString());
    }
}

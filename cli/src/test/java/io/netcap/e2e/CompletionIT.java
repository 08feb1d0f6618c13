package io.netcap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netcap.bpf.Privileges;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bash completion the build generated (target/completion/netcap), driven the way bash drives
 * it: the script sourced, the function that {@code complete -p netcap} names called with
 * COMP_LINE, COMP_POINT, COMP_WORDS and COMP_CWORD set as bash sets them for a line typed up to
 * the cursor, and COMPREPLY read back. {@code netcap} on the PATH is the built jar.
 */
class CompletionIT {
    static final Path SCRIPT = NetcapProcess.JAR.toAbsolutePath().getParent().resolve("completion/netcap");

    @TempDir
    Path dir;

    @Test
    void afterTheCommandItOffersEverySubcommand() throws Exception {
        Set<String> offered = complete("netcap ");
        assertTrue(offered.containsAll(List.of("skb", "dump", "backtrace", "list", "mbuf", "raw")), offered.toString());
        assertEquals(Set.of("backtrace"), complete("netcap ba"));
    }

    @Test
    void itOffersTheOptionsOfTheSubcommandFromTheModel() throws Exception {
        Set<String> offered = complete("netcap skb --js");
        assertEquals(Set.of("--json", "--json-bytes"), offered);
        assertTrue(complete("netcap list --").contains("--tracepoints"));
    }

    /** Tracepoint forms need tracefs, which only root reads; netcap list says the same. */
    @Test
    void afterATracepointCategoryItOffersThatCategorysTracepointsWithAnSkb() throws Exception {
        assumeTrue(Privileges.isRoot(), "tracepoint:CAT:EVENT forms come from tracefs, readable by root only");
        // bash replaces only what follows the last ':', so the offers are the event names
        Set<String> offered = complete("netcap skb -f tracepoint:net:");
        assertTrue(offered.contains("netif_receive_skb"), offered.toString());
        assertTrue(offered.contains("net_dev_queue"), offered.toString());
        // kfree_skb is a tracepoint of the skb category, not net
        assertFalse(offered.contains("kfree_skb"), offered.toString());
        assertEquals(Set.of("netif_receive_skb_list_entry"),
                complete("netcap skb --function=tracepoint:net:netif_receive_skb_l"));
        // tp: is tracepoint: in short, and offered as typed
        assertEquals(Set.of("netif_receive_skb_list_entry"), complete("netcap skb -f tp:net:netif_receive_skb_l"));
        // after a comma, the next hook of the list
        assertEquals(Set.of("kfree_skb"), complete("netcap dump -f tp_btf:net_dev_queue,tracepoint:skb:kfree"));
    }

    @Test
    void tpBtfHooksNeedNoRoot() throws Exception {
        assertTrue(complete("netcap backtrace -f tp_btf:netif_rec").contains("netif_receive_skb"));
    }

    @Test
    void devicesAndNamespacesAreThoseOfThisMachine() throws Exception {
        assumeTrue(Privileges.isRoot(), "makes network namespaces");
        try (TestNetwork net = TestNetwork.create()) {
            // the veth ends live in the test's namespaces, not in this one: root sees every named one
            assertEquals(Set.of(net.devA), complete("netcap skb -i " + net.devA));
            assertTrue(complete("netcap dump --interface ").contains(net.devB));
            assertEquals(Set.of(net.nsA), complete("netcap backtrace --netns " + net.nsA));
            assertTrue(complete("netcap skb --netns=").containsAll(List.of(net.nsA, net.nsB)));
        }
    }

    /**
     * What bash offers for {@code line} typed up to the cursor (the line's end). COMP_WORDS is
     * split as bash splits it: at blanks, and ':' and '=' (in COMP_WORDBREAKS) are words of their own.
     */
    /** Tab pressed twice in one shell: netcap list runs once (the list is kept in the shell, not a subshell). */
    @Test
    void theHookListIsReadOncePerShell() throws Exception {
        assertEquals(Set.of("net_dev_queue"), complete("netcap skb -f tp_btf:net_dev_q", 3));
        assertEquals(1, Files.readAllLines(dir.resolve("calls")).size(), "netcap runs for the first Tab only");
    }

    private Set<String> complete(String line) throws IOException, InterruptedException {
        return complete(line, 1);
    }

    /** As {@link #complete(String)}, asking {@code times} times in the same shell. */
    private Set<String> complete(String line, int times) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path netcap = bin.resolve("netcap");
        if (!Files.exists(netcap)) {
            String java = ProcessHandle.current().info().command().orElse("java");
            Files.writeString(netcap, "#!/bin/sh\necho \"$*\" >> '" + dir.resolve("calls") + "'\nexec '" + java + "' " + NetcapProcess.JAVA_OPTIONS + " -jar '"
                    + NetcapProcess.JAR.toAbsolutePath() + "' \"$@\"\n");
            Files.setPosixFilePermissions(netcap, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        List<String> words = bashWords(line);
        StringBuilder script = new StringBuilder();
        script.append("source '").append(SCRIPT).append("' || exit 3\n");
        // the function bash would call: complete -p prints "complete ... -F FUNCTION netcap"
        script.append("fn=$(complete -p netcap | sed -n 's/.* -F \\([^ ]*\\) .*/\\1/p')\n");
        script.append("[ -n \"$fn\" ] || { echo 'no completion registered for netcap' >&2; exit 4; }\n");
        script.append("COMP_LINE=").append(quote(line)).append("\nCOMP_POINT=").append(line.length()).append('\n');
        script.append("COMP_WORDS=(");
        for (String w : words) {
            script.append(' ').append(quote(w));
        }
        script.append(" )\nCOMP_CWORD=").append(words.size() - 1).append('\n');
        for (int i = 0; i < times; i++) {
            script.append("COMPREPLY=()\n");
            script.append("\"$fn\" netcap \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\"\n");
        }
        script.append("printf '%s\\n' \"${COMPREPLY[@]}\"\n");
        ProcessBuilder pb = new ProcessBuilder("bash", "--norc", "--noprofile", "-c", script.toString());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.redirectError(dir.resolve("stderr").toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("completion of '" + line + "' did not end within 60 s");
        }
        String err = Files.readString(dir.resolve("stderr"));
        assertEquals(0, p.exitValue(), () -> "completion of '" + line + "' failed:\n" + err);
        Set<String> offered = new TreeSet<>(out.lines().filter(s -> !s.isEmpty()).toList());
        return offered;
    }

    /** bash's split of the line into COMP_WORDS (default COMP_WORDBREAKS, for ':' and '=' here). */
    static List<String> bashWords(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (char c : line.toCharArray()) {
            if (c == ' ') {
                if (!word.isEmpty()) {
                    words.add(word.toString());
                    word.setLength(0);
                }
            } else if (c == ':' || c == '=') {
                if (!word.isEmpty()) {
                    words.add(word.toString());
                    word.setLength(0);
                }
                words.add(String.valueOf(c));
            } else {
                word.append(c);
            }
        }
        // the word at the cursor: empty after a blank; after a break character, that character's word
        if (!word.isEmpty() || line.isEmpty() || line.endsWith(" ")) {
            words.add(word.toString());
        }
        return words;
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}

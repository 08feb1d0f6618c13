package io.netcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/git-revision, which gives netcap --version its revision: run from a copy of the script in
 * a tree of its own, as the build runs it from the checkout it builds.
 */
class GitRevisionScriptTest {
    private static final Path SCRIPT = Path.of("../scripts/git-revision");

    @TempDir
    Path tree;

    private String revision() throws IOException, InterruptedException {
        Path out = tree.resolve("target/git-revision.properties");
        run(tree, tree.resolve("scripts/git-revision").toString(), out.toString());
        return Files.readString(out);
    }

    @Test
    void aTreeWithoutGitSaysUnknownAndOneInAWorkTreeItsCommitMarkedDirtyWhenChanged() throws Exception {
        Files.createDirectories(tree.resolve("scripts"));
        Files.copy(SCRIPT, tree.resolve("scripts/git-revision"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.writeString(tree.resolve("pom.xml"), "<project/>\n");
        // a source tarball: no .git here (nor above: a temporary directory)
        assertEquals("git.revision=unknown\n", revision());

        run(tree, "git", "init", "-q");
        run(tree, "git", "add", ".");
        run(tree, "git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "first");
        String head = run(tree, "git", "rev-parse", "--short=7", "HEAD").strip();
        assertEquals("git.revision=" + head + "\n", revision());

        Files.writeString(tree.resolve("pom.xml"), "<project><!-- changed --></project>\n");
        assertEquals("git.revision=" + head + "-dirty\n", revision());

        // a tarball unpacked inside another repository is still not a work tree of its own
        Path inner = tree.resolve("unpacked");
        Files.createDirectories(inner.resolve("scripts"));
        Files.copy(SCRIPT, inner.resolve("scripts/git-revision"), StandardCopyOption.COPY_ATTRIBUTES);
        run(inner, inner.resolve("scripts/git-revision").toString(), inner.resolve("rev").toString());
        assertEquals("git.revision=unknown\n", Files.readString(inner.resolve("rev")));
    }

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", command));
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
        return out;
    }
}

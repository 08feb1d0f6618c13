package io.netcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class BuildInfoTest {
    private static Properties props(String version, String revision, String dirty) {
        Properties p = new Properties();
        p.setProperty("version", version);
        p.setProperty("revision", revision);
        p.setProperty("dirty", dirty);
        return p;
    }

    @Test
    void aBuildFromGitHasItsRevisionMarkedDirtyWhenTheTreeWas() {
        assertEquals(new BuildInfo("0.2.0", "32c85f0"), BuildInfo.of(props("0.2.0", "32c85f0", "false")));
        assertEquals(new BuildInfo("0.2.0", "32c85f0-dirty"), BuildInfo.of(props("0.2.0", "32c85f0", "true")));
    }

    @Test
    void aBuildWithoutGitLeavesThePlaceholdersWhichMeanUnknown() {
        // what Maven's filtering leaves when git-commit-id found no .git
        assertEquals(new BuildInfo("0.2.0", "unknown"),
                BuildInfo.of(props("0.2.0", "${git.commit.id.abbrev}", "${git.dirty}")));
        assertEquals(new BuildInfo("unknown", "unknown"), BuildInfo.of(new Properties()));
    }

    @Test
    void theJarsOwnBuildPropertiesWereFilled() {
        BuildInfo build = BuildInfo.current();
        // target/classes is on the test class path, filtered by the build like the jar's copy
        assertTrue(build.version().matches("\\d+\\.\\d+\\.\\d+"), build.toString());
        assertTrue(build.revision().matches("[0-9a-f]{7}(-dirty)?|unknown"), build.toString());
    }
}

package io.netcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class BuildInfoTest {
    private static Properties props(String version, String revision) {
        Properties p = new Properties();
        p.setProperty("version", version);
        p.setProperty("revision", revision);
        return p;
    }

    @Test
    void theBuildsWordsAreTakenAsTheyAre() {
        assertEquals(new BuildInfo("0.2.0", "32c85f0"), BuildInfo.of(props("0.2.0", "32c85f0")));
        assertEquals(new BuildInfo("0.2.0", "32c85f0-dirty"), BuildInfo.of(props("0.2.0", "32c85f0-dirty")));
        assertEquals(new BuildInfo("0.2.0", "unknown"), BuildInfo.of(props("0.2.0", "unknown")));
    }

    @Test
    void unfilteredPlaceholdersOrNoPropertiesMeanUnknown() {
        // what an IDE's build, which does not filter resources, leaves
        assertEquals(new BuildInfo("unknown", "unknown"), BuildInfo.of(props("${project.version}", "${git.revision}")));
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

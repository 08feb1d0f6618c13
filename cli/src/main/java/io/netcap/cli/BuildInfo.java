package io.netcap.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What the build wrote into the jar (build.properties, filtered by Maven): netcap's version and
 * the git revision it was built from.
 *
 * @param version  the project version, e.g. "0.2.0"; "unknown" when the jar has no build.properties
 *                 (classes run straight from an IDE)
 * @param revision the abbreviated commit, with "-dirty" when the work tree had uncommitted changes;
 *                 "unknown" for a build from a tree without .git (a source tarball): scripts/git-revision
 */
record BuildInfo(String version, String revision) {
    private static final String RESOURCE = "build.properties";
    static final String UNKNOWN = "unknown";

    /** Reads the jar's build.properties. */
    static BuildInfo current() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // an unreadable resource in our own jar: reported as unknown, like a missing one
        }
        return of(p);
    }

    /** From the filtered properties: a value Maven left as ${...} (not filtered: an IDE's build) counts as unknown. */
    static BuildInfo of(Properties p) {
        return new BuildInfo(known(p.getProperty("version")), known(p.getProperty("revision")));
    }

    private static String known(String value) {
        return value == null || value.isBlank() || value.contains("${") ? UNKNOWN : value.strip();
    }
}

package io.netcap.capture;

import java.nio.file.Path;

/**
 * What the user asked of a capture, independent of how the command line spelled it.
 *
 * @param count stop after this many packets; 0 for no limit
 */
public record CaptureSettings(String expression, String interfaceName, Path writeFile, long count,
                              String tcpdumpFlags, int captureSize, boolean stacks, int ringSizeMiB,
                              boolean dryRun, boolean debug) {
}

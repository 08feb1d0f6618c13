package io.netcap.pcap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a pcapng file's section header says about where it was written: the hardware, the
 * operating system and the application (netcap's version and command line). Any may be null,
 * and is then left out.
 *
 * @param hardware    shb_hardware, e.g. the CPU's model name
 * @param os          shb_os, e.g. "Linux 6.18.0"
 * @param application shb_userappl, e.g. "netcap 0.1.0: netcap dump -w out.pcapng"
 */
public record PcapngSection(String hardware, String os, String application) {

    /** This machine's CPU model (or architecture) and kernel, with the given application text. */
    public static PcapngSection ofThisMachine(String application) {
        return new PcapngSection(cpuModel(), System.getProperty("os.name") + " " + System.getProperty("os.version"),
                application);
    }

    /** "netcap VERSION: netcap ARGS..." with each argument as the shell would need it quoted. */
    public static String application(String version, List<String> args) {
        StringBuilder sb = new StringBuilder(version).append(": netcap");
        for (String arg : args) {
            sb.append(' ').append(ShellWords.quote(arg));
        }
        return sb.toString();
    }

    /** /proc/cpuinfo's first "model name", else the JVM's name for the architecture. */
    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    int colon = line.indexOf(':');
                    if (colon > 0) {
                        return line.substring(colon + 1).trim();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: the architecture is what is left to say
        }
        return System.getProperty("os.arch");
    }
}

package io.netcap.capture.session;

import io.netcap.capture.kernel.NetworkNamespaces;
import io.netcap.capture.kernel.NetworkNamespaces.Answer;
import io.netcap.capture.program.ProgramConfig;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Says at start, one line each, when -i or --netns selects nothing that exists now. Not errors:
 * a device or namespace may appear while netcap runs, and the kernel program would then see it
 * (tcpdump refuses an unknown -i, as it opens the device; netcap matches names in every
 * namespace). Silent when netcap cannot tell, e.g. without root.
 */
final class SelectionCheck {
    private SelectionCheck() {
    }

    /** Prints the warnings, if any, for this configuration. */
    static void warn(ProgramConfig config, PrintWriter err) {
        warnings(config, NetworkNamespaces::scan).forEach(w -> err.println("netcap: warning: " + w));
        err.flush();
    }

    /** The warnings; the namespaces are scanned only when -i or --netns was given. */
    static List<String> warnings(ProgramConfig config, Supplier<NetworkNamespaces> scan) {
        List<String> warnings = new ArrayList<>();
        if (config.interfaceName() == null && config.netns() == 0) {
            return warnings;
        }
        NetworkNamespaces namespaces = scan.get();
        if (config.netns() != 0 && namespaces.exists(config.netns()) == Answer.NO) {
            int unknown = namespaces.uninspected();
            warnings.add("--netns: no network namespace has inode " + config.netns() + " now"
                    + (unknown == 0 ? "" : " (the namespace of " + unknown + (unknown == 1 ? " process" : " processes")
                            + " could not be read)")
                    + "; capturing in case one appears");
            return warnings; // a device in a namespace that is not there: one warning says it
        }
        String dev = config.interfaceName();
        if (dev != null && namespaces.hasDevice(dev, config.netns()) == Answer.NO) {
            warnings.add(config.netns() == 0
                    ? "no device named " + dev + " in any network namespace now; capturing in case it appears"
                    : "no device named " + dev + " in network namespace " + config.netns()
                            + " now; capturing in case it appears");
        }
        return warnings;
    }
}

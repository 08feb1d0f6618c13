package io.netcap.cli;

import java.util.Collections;
import java.util.Iterator;

/**
 * Marks an option whose values the bash completion computes when Tab is pressed, because they
 * are facts of the machine, not of netcap: hooks of the running kernel, devices, namespaces.
 * Given as an option's {@code completionCandidates}, it lists nothing itself (so help and picocli's
 * static completion have no list to show); the completion generator finds the options that carry
 * one in the picocli model and routes them to the shell function named by {@link #kind()}.
 */
public abstract class LiveCompletion implements Iterable<String> {
    /** The kind of value: the bash completion's {@code _netcap_live_KIND} function computes them. */
    public abstract String kind();

    @Override
    public final Iterator<String> iterator() {
        return Collections.emptyIterator();
    }

    /** Kernel hooks as {@code -f} takes them, from {@code netcap list --json}. */
    public static final class KernelHooks extends LiveCompletion {
        @Override
        public String kind() {
            return "hooks";
        }
    }

    /** Network device names, from this namespace and (as root) those {@code ip netns} names. */
    public static final class Devices extends LiveCompletion {
        @Override
        public String kind() {
            return "devices";
        }
    }

    /** Network namespace names from {@code ip netns}. */
    public static final class Namespaces extends LiveCompletion {
        @Override
        public String kind() {
            return "netns";
        }
    }
}

package io.netcap.bpf;

import java.util.Locale;

/**
 * How captured packets travel from the eBPF program to netcap. The BPF ring buffer (Linux 5.8)
 * is one buffer shared by all CPUs, read in time order per CPU and woken up in batches; the perf
 * buffer ({@link MappedPerfBuffer}) is one buffer per CPU, each in its CPU's order, woken every
 * sixteenth of a buffer, and is what kernels before 5.8 have. docs/BENCHMARKS.md compares them.
 */
public enum EventTransport {
    RING_BUFFER("ring"),
    PERF_BUFFER("perf");

    private final String optionName;

    EventTransport(String optionName) {
        this.optionName = optionName;
    }

    /** The name on the command line (--transport). */
    public String optionName() {
        return optionName;
    }

    /** The transport named {@code name} ("ring" or "perf", any case). */
    public static EventTransport parse(String name) {
        for (EventTransport t : values()) {
            if (t.optionName.equals(name.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown transport \"" + name + "\": use ring or perf");
    }
}

package io.netcap.cli;

import io.netcap.bpf.EventTransport;
import io.netcap.capture.CaptureException;
import io.netcap.capture.gather.GatherSettings;
import io.netcap.capture.program.HookSpec;
import io.netcap.capture.program.MbufLayout;
import io.netcap.capture.program.ProgramConfig;
import io.netcap.capture.session.CaptureRequest;
import io.netcap.pcap.OutputSpec;
import io.netcap.pcap.ShellWords;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * How packets are taken and where they go: the options skb and dump share (a picocli mixin).
 * Values are checked once, by the engine's records ({@link ProgramConfig}, {@link CaptureRequest},
 * {@link OutputSpec}); this class only maps the command line onto them.
 */
public final class CaptureOptions {
    @Option(names = {"-w", "--write-file"}, paramLabel = "FILE",
            description = "write packets to a pcap file instead of showing them with tcpdump; "
                    + "- writes the pcap to stdout (to pipe into tcpdump -r -), with every message on stderr")
    Path writeFile;

    @Option(names = {"-t", "--tcpdump-flags"}, paramLabel = "FLAGS", defaultValue = "-nn",
            description = "flags for the tcpdump that shows packets, split like a shell would (default: ${DEFAULT-VALUE})")
    String tcpdumpFlags;

    @Option(names = {"-s", "--capture-max-size"}, paramLabel = "BYTES", defaultValue = "1514",
            description = "bytes of each packet to capture, 1..65535 (default: ${DEFAULT-VALUE})")
    int captureSize;

    @Option(names = {"-S", "--stack-dump"}, description = "print each packet's kernel stack under it")
    boolean stacks;

    @Option(names = "--ring-size", paramLabel = "MIB", defaultValue = "32",
            description = "size of the kernel-to-user buffer in MiB, a power of two; a perf buffer shares it out among the CPUs (default: ${DEFAULT-VALUE})")
    int ringSizeMiB;

    @Option(names = "--transport", paramLabel = "ring|perf", converter = TransportConverter.class,
            description = "how packets reach netcap: the BPF ring buffer (default where the kernel has it, 5.8+) or the per-CPU perf buffer")
    EventTransport transport;

    @Option(names = "--json", description = "one JSON object per packet on stdout instead of tcpdump's lines")
    boolean json;

    @Option(names = "--json-bytes", description = "with --json: include the packet bytes in hex")
    boolean jsonBytes;

    @Option(names = "--color", paramLabel = "auto|always|never", defaultValue = "auto", converter = ColorMode.Converter.class,
            description = "when to use the colours chosen for netcap's own lines (--gather-output-color): only on a"
                    + " terminal (auto, the default), always, or never")
    ColorMode color;

    /** The request for these kernel hooks and options; {@code skbDataOffset} and {@code fakeHeaders} are skb's. */
    CaptureRequest request(List<HookSpec> hooks, FilterOptions filter, DeviceOptions device, Integer skbDataOffset,
                           boolean fakeHeaders) {
        return request(hooks, filter, device, skbDataOffset, fakeHeaders, null);
    }

    /** As above, following packets through the hooks with these --gather settings (null: not). */
    CaptureRequest request(List<HookSpec> hooks, FilterOptions filter, DeviceOptions device, Integer skbDataOffset,
                           boolean fakeHeaders, GatherSettings gather) {
        ProgramConfig config = new ProgramConfig(captureSize, stacks, device.interfaceName, device.netnsInode(),
                skbDataOffset, fakeHeaders);
        return request(hooks, filter, config, gather);
    }

    /**
     * The request for these user-space points (netcap mbuf, netcap raw): buffers of this link
     * type, mbufs of this layout.
     */
    CaptureRequest userRequest(List<HookSpec> points, FilterOptions filter, MbufLayout layout, int linkType,
                               GatherSettings gather) {
        if (stacks) {
            throw CaptureException.usage("-S shows kernel stacks; a packet taken in a user process has none");
        }
        ProgramConfig config = new ProgramConfig(captureSize, false, null, 0, null, false, layout, linkType);
        return request(points, filter, config, gather);
    }

    private CaptureRequest request(List<HookSpec> hooks, FilterOptions filter, ProgramConfig config,
                                   GatherSettings gather) {
        return new CaptureRequest(hooks, filter.expression(), config, filter.count, transport, ringSizeMiB,
                filter.dryRun, filter.debug, gather);
    }

    OutputSpec output() {
        return output(false);
    }

    /** @param notes packets carry notes (--gather) to print under them */
    OutputSpec output(boolean notes) {
        if (writeFile != null && writeFile.toString().isEmpty()) {
            throw CaptureException.usage("-w: empty file name; give a path, or - for stdout");
        }
        List<String> flags;
        try {
            flags = ShellWords.split(tcpdumpFlags);
        } catch (IllegalArgumentException e) {
            throw CaptureException.usage("-t: " + e.getMessage());
        }
        try {
            return new OutputSpec(writeFile, json, jsonBytes, flags, stacks, captureSize, notes,
                    color.colours(1), color.colours(2));
        } catch (IllegalArgumentException e) {
            throw CaptureException.usage(e.getMessage());
        }
    }

    /** "ring" or "perf", any case; picocli reports anything else as a usage error. */
    static final class TransportConverter implements picocli.CommandLine.ITypeConverter<EventTransport> {
        @Override
        public EventTransport convert(String value) {
            try {
                return EventTransport.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}

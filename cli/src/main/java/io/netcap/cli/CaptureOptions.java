package io.netcap.cli;

import io.netcap.bpf.EventTransport;
import io.netcap.capture.CaptureException;
import io.netcap.capture.gather.GatherSettings;
import io.netcap.capture.program.HookSpec;
import io.netcap.capture.program.MbufLayout;
import io.netcap.capture.program.ProgramConfig;
import io.netcap.capture.session.CaptureRequest;
import io.netcap.pcap.FileOutput;
import io.netcap.pcap.OutputSpec;
import io.netcap.pcap.PcapngSection;
import io.netcap.pcap.ShellWords;
import java.nio.file.Path;
import java.util.List;
import java.util.Stack;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * How packets are taken and where they go: the options skb and dump share (a picocli mixin).
 * Values are checked once, by the engine's records ({@link ProgramConfig}, {@link CaptureRequest},
 * {@link OutputSpec}); this class only maps the command line onto them.
 */
public final class CaptureOptions {
    @Option(names = {"-w", "--write-file"}, paramLabel = "FILE",
            description = "write packets to a pcap (or pcapng) file instead of showing them; "
                    + "- writes the pcap to stdout (to pipe into tcpdump -r -; pcapng too), with every message on stderr")
    Path writeFile;

    @Option(names = "--pcapng", description = "write -w as pcapng: per-interface blocks and each packet's hook,"
            + " namespace, skb, CPU, drop reason, -S stack and notes as its comment (a name ending .pcapng says the same)")
    boolean pcapng;

    @Option(names = {"-C", "--file-size"}, paramLabel = "SIZE", description = "as tcpdump: start a new -w file (FILE1, FILE2, ...) once"
            + " the current one holds more than SIZE million bytes (or SIZE with k, m, g: KiB, MiB, GiB)")
    String rotateSize;

    /** tcpdump's -G, spelt out: netcap's -G is --gather. */
    @Option(names = "--rotate-seconds", paramLabel = "SECONDS",
            description = "as tcpdump's -G: start a new -w file every SECONDS;"
            + " the -w name goes through strftime (e.g. out-%%H%%M%%S.pcap)")
    Integer rotateSeconds;

    @Option(names = {"-W", "--file-count"}, paramLabel = "N", description = "as tcpdump: with -C, keep at most N files, reused in a ring;"
            + " with --rotate-seconds alone, stop after N files")
    Integer fileLimit;

    @Option(names = "--write-file-rotate", paramLabel = "N", description = "keep only the last N packets and write"
            + " them to -w when the capture ends (Ctrl-C, SIGTERM, -c, or an error)")
    Integer keepLast;

    @Option(names = "--decoder", paramLabel = "tcpdump|builtin", converter = DecoderConverter.class,
            completionCandidates = Spellings.Decoders.class,
            description = "what shows packets: tcpdump (the default where it is installed) or netcap's built-in"
                    + " one-line decoder (used, with a notice, where tcpdump is not installed)")
    OutputSpec.Decoder decoder;

    @Option(names = {"-t", "--tcpdump-flags"}, paramLabel = "FLAGS", parameterConsumer = VerbatimValue.class,
            description = "flags for the tcpdump that shows packets, split like a shell would (default: -nn)")
    String tcpdumpFlags;

    /**
     * Takes the next argument as the option's value whatever it looks like. tcpdump's flags begin
     * with '-', and picocli refuses a value that is also one of netcap's option names: {@code -t -e}
     * (tcpdump's "print the link-level header") was "Expected parameter for option" (a fresh
     * user's review), even as {@code --tcpdump-flags=-e}.
     */
    static final class VerbatimValue implements CommandLine.IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, ArgSpec argSpec,
                                      CommandSpec commandSpec) {
            if (args.isEmpty()) {
                throw new CommandLine.ParameterException(commandSpec.commandLine(),
                        "Missing required parameter for option '--tcpdump-flags' (FLAGS)");
            }
            argSpec.setValue(args.pop());
        }
    }

    /** The subcommand this mixin is part of: its command line goes into a pcapng file's header. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = {"-s", "--capture-max-size"}, paramLabel = "BYTES", defaultValue = "1514",
            description = "bytes of each packet to capture, 1..65535 (default: ${DEFAULT-VALUE})")
    int captureSize;

    @Option(names = {"-S", "--stack-dump"}, description = "print each packet's kernel stack under it")
    boolean stacks;

    @Option(names = "--ring-size", paramLabel = "MIB", defaultValue = "32",
            description = "size of the kernel-to-user buffer in MiB, a power of two; a perf buffer shares it out among the CPUs (default: ${DEFAULT-VALUE})")
    int ringSizeMiB;

    @Option(names = "--transport", paramLabel = "ring|perf", converter = TransportConverter.class,
            completionCandidates = Spellings.Transports.class,
            description = "how packets reach netcap: the BPF ring buffer (default where the kernel has it, 5.8+) or the per-CPU perf buffer")
    EventTransport transport;

    @Option(names = "--json", description = "one JSON object per packet on stdout instead of tcpdump's lines")
    boolean json;

    @Option(names = "--json-bytes", description = "with --json: include the packet bytes in hex")
    boolean jsonBytes;

    @Option(names = "--color", paramLabel = "auto|always|never", defaultValue = "auto", converter = ColorMode.Converter.class,
            completionCandidates = Spellings.ColorModes.class,
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
        List<String> flags = OutputSpec.DEFAULT_TCPDUMP_FLAGS;
        if (tcpdumpFlags != null) {
            if (decoder == OutputSpec.Decoder.BUILTIN) {
                throw CaptureException.usage("-t passes flags to tcpdump; the built-in decoder takes none"
                        + " (drop -t, or use --decoder tcpdump)");
            }
            try {
                flags = ShellWords.split(tcpdumpFlags);
            } catch (IllegalArgumentException e) {
                throw CaptureException.usage("-t: " + e.getMessage());
            }
        }
        try {
            FileOutput files = new FileOutput(pcapng, rotateSize == null ? 0 : FileOutput.parseSize(rotateSize),
                    atLeastOne("--rotate-seconds", rotateSeconds), atLeastOne("-W", fileLimit),
                    atLeastOne("--write-file-rotate", keepLast),
                    // only a pcapng section header names the application: reading the build's
                    // version from the jar costs a plain pcap's start ~5 ms (async-profiler)
                    FileOutput.pcapng(pcapng, writeFile == null ? null : writeFile.toString()) ? application() : null);
            // only notes are coloured: without them, no isatty (its libc binding costs start-up time)
            return new OutputSpec(writeFile, json, jsonBytes, flags, stacks, captureSize, notes,
                    notes && color.colours(1), notes && color.colours(2), files, decoder);
        } catch (IllegalArgumentException e) {
            throw CaptureException.usage(e.getMessage());
        }
    }

    /** An option's count, 0 when not given; given, it must be at least 1. */
    private static int atLeastOne(String option, Integer value) {
        if (value != null && value < 1) {
            throw new IllegalArgumentException(option + ": must be at least 1, not " + value);
        }
        return value == null ? 0 : value;
    }

    /** "netcap VERSION: netcap skb -f ... -w out.pcapng", for a pcapng file's section header. */
    private String application() {
        List<String> args = mixee == null ? List.of() : mixee.root().commandLine().getParseResult().originalArgs();
        // the version line only: the full --version loads libbpf and libpcap to ask theirs (start-up time)
        return PcapngSection.application(VersionReport.firstLine(BuildInfo.current()), args);
    }

    /** "tcpdump" or "builtin", any case; picocli reports anything else as a usage error. */
    static final class DecoderConverter implements picocli.CommandLine.ITypeConverter<OutputSpec.Decoder> {
        @Override
        public OutputSpec.Decoder convert(String value) {
            try {
                return OutputSpec.Decoder.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("--decoder: '" + value
                        + "' is not one of tcpdump, builtin");
            }
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

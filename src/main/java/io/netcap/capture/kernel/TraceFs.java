package io.netcap.capture.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The kernel's tracing file system: where tracepoints and their record layouts are listed.
 * Mounted on demand (root only), as libbpf also needs it to attach tracepoints.
 */
public final class TraceFs {
    private static final Path[] CANDIDATES = {Path.of("/sys/kernel/tracing"), Path.of("/sys/kernel/debug/tracing")};
    private static final Pattern FIELD = Pattern.compile(
            "^\\s*field:(.+?)\\s+([A-Za-z_][A-Za-z0-9_]*)(\\[[^]]*])?;\\s*offset:(\\d+);\\s*size:(\\d+);");

    private final Path root;

    private TraceFs(Path root) {
        this.root = root;
    }

    /** A field of a tracepoint record, e.g. {@code void * skbaddr} at offset 8, size 8. */
    public record Field(String type, String name, int offset, int size) {
        /** What tracepoints call their skb pointer field. */
        static final java.util.Set<String> SKB_FIELD_NAMES = java.util.Set.of("skbaddr", "skb", "skb_addr");

        public boolean isPointer() {
            return type.endsWith("*");
        }

        /** The field netcap's tracepoint programs read the skb from. */
        public boolean isSkbPointer() {
            return isPointer() && SKB_FIELD_NAMES.contains(name);
        }
    }

    /** Finds tracefs, mounting it on /sys/kernel/tracing when it is not mounted and we may. */
    public static Optional<TraceFs> open() {
        for (Path p : CANDIDATES) {
            if (Files.isDirectory(p.resolve("events"))) {
                return Optional.of(new TraceFs(p));
            }
        }
        Path main = CANDIDATES[0];
        if (Files.isDirectory(main)) {
            try {
                Process mount = new ProcessBuilder("mount", "-t", "tracefs", "nodev", main.toString())
                        .redirectErrorStream(true).start();
                mount.getInputStream().readAllBytes();
                if (mount.waitFor() == 0 && Files.isDirectory(main.resolve("events"))) {
                    return Optional.of(new TraceFs(main));
                }
            } catch (IOException e) {
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return Optional.empty();
    }

    public Path root() {
        return root;
    }

    public boolean exists(String category, String event) {
        return Files.isRegularFile(root.resolve("events").resolve(category).resolve(event).resolve("format"));
    }

    /** The record layout of a tracepoint, or empty when there is no such tracepoint. */
    public Optional<List<Field>> fields(String category, String event) throws IOException {
        Path format = root.resolve("events").resolve(category).resolve(event).resolve("format");
        if (!Files.isRegularFile(format)) {
            return Optional.empty();
        }
        return Optional.of(parseFormat(Files.readAllLines(format)));
    }

    static List<Field> parseFormat(List<String> lines) {
        List<Field> fields = new ArrayList<>();
        for (String line : lines) {
            Matcher m = FIELD.matcher(line);
            if (m.find()) {
                fields.add(new Field(m.group(1).strip(), m.group(2), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5))));
            }
        }
        return fields;
    }

    /** Every tracepoint as "category:event". */
    public List<String> events() throws IOException {
        List<String> all = new ArrayList<>();
        try (Stream<Path> cats = Files.list(root.resolve("events"))) {
            for (Path cat : (Iterable<Path>) cats::iterator) {
                if (!Files.isDirectory(cat)) {
                    continue;
                }
                try (Stream<Path> evs = Files.list(cat)) {
                    evs.filter(Files::isDirectory)
                            .forEach(ev -> all.add(cat.getFileName() + ":" + ev.getFileName()));
                }
            }
        }
        return all;
    }

    /** kprobe_events exists only when the kernel was built with CONFIG_KPROBES. */
    public boolean hasKprobes() {
        return Files.exists(root.resolve("kprobe_events"));
    }
}

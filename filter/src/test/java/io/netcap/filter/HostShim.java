package io.netcap.filter;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Compiles generated filter C for the host with gcc and runs it over packets. The shim copies
 * every packet into a heap block of exactly its captured length and is built with
 * AddressSanitizer, so a read past {@code data_end} fails the run instead of going unnoticed;
 * UBSan catches shifts and overflows that C leaves undefined.
 */
final class HostShim {
    /** A packet as the filter sees it. */
    record Input(byte[] bytes, int wireLength, int capturedLength) {}

    private final List<String> functions = new ArrayList<>();
    private final StringBuilder source = new StringBuilder();

    /** Adds translated C; {@code lenFunctions} are the {@code NAME_len} entry points it defines. */
    HostShim add(String cSource, String... lenFunctions) {
        source.append(cSource).append('\n');
        functions.addAll(List.of(lenFunctions));
        return this;
    }

    int functionCount() {
        return functions.size();
    }

    private Path executable;
    private boolean bpfLoads;

    /**
     * Builds the C as the BPF build reads it (with {@code __bpf__} defined): a 2- or 4-byte field
     * with one unaligned load and a byte swap, not byte by byte. UBSan's alignment check is off for
     * it, as those loads are unaligned by design (x86 and the verifier take them).
     */
    HostShim asBpfBuildReads() {
        bpfLoads = true;
        return this;
    }

    /** Builds the shim once; call after all {@link #add} calls. */
    HostShim compile(Path workDir) throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        Path c = workDir.resolve("shim.c");
        executable = workDir.resolve("shim");
        Files.writeString(c, shimSource(), StandardCharsets.UTF_8);
        List<String> gcc = new ArrayList<>(List.of("gcc", "-O1", "-g", "-Wall", "-Wno-unused-function",
                "-fsanitize=address,undefined", "-fno-sanitize-recover=all"));
        if (bpfLoads) {
            gcc.addAll(List.of("-D__bpf__", "-fno-sanitize=alignment", "-fno-strict-aliasing"));
        }
        gcc.addAll(List.of("-o", executable.toString(), c.toString()));
        exec(workDir, gcc);
        return this;
    }

    /** Verdicts of every function, indexed [function][packet]. */
    long[][] run(List<Input> packets, Path workDir) throws IOException, InterruptedException {
        return run(packets, workDir, 0, 1);
    }

    /**
     * Verdicts of functions {@code first, first + stride, ...} (in that order), indexed
     * [selected function][packet]; one shim process for all of them.
     */
    long[][] run(List<Input> packets, Path workDir, int first, int stride) throws IOException, InterruptedException {
        if (executable == null) {
            compile(workDir);
        }
        Path in = Files.createTempFile(workDir, "packets", ".bin");
        Files.write(in, encode(packets));
        String out = exec(workDir, List.of(executable.toString(), in.toString(),
                Integer.toString(first), Integer.toString(stride)));
        String[] lines = out.isEmpty() ? new String[0] : out.split("\n");
        if (lines.length != packets.size()) {
            throw new IllegalStateException("shim printed " + lines.length + " lines for " + packets.size() + " packets");
        }
        int selected = (functions.size() - first + stride - 1) / stride;
        long[][] verdicts = new long[selected][packets.size()];
        for (int p = 0; p < lines.length; p++) {
            String[] fields = lines[p].trim().split(" ");
            if (fields.length != selected) {
                throw new IllegalStateException("packet " + p + ": " + fields.length + " verdicts, expected " + selected);
            }
            for (int f = 0; f < selected; f++) {
                verdicts[f][p] = Long.parseLong(fields[f]);
            }
        }
        return verdicts;
    }

    private String shimSource() {
        StringBuilder sb = new StringBuilder();
        sb.append("#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n\n")
                .append("typedef unsigned char __u8;\ntypedef unsigned short __u16;\ntypedef unsigned int __u32;\n")
                .append("#define __always_inline inline __attribute__((always_inline))\n\n")
                .append(source)
                .append("\ntypedef __u32 (*filter_fn)(const __u8 *, const __u8 *, __u32);\n")
                .append("static const filter_fn filters[] = {\n");
        for (String f : functions) {
            sb.append("\t").append(f).append(",\n");
        }
        sb.append("};\n\n")
                .append("static __u32 read_u32(FILE *in)\n{\n\tunsigned char b[4];\n")
                .append("\tif (fread(b, 1, 4, in) != 4) { fprintf(stderr, \"short read\\n\"); exit(2); }\n")
                .append("\treturn (__u32)b[0] << 24 | (__u32)b[1] << 16 | (__u32)b[2] << 8 | b[3];\n}\n\n")
                .append("int main(int argc, char **argv)\n{\n")
                .append("\tFILE *in = fopen(argv[1], \"rb\");\n\tif (!in) { perror(argv[1]); return 2; }\n")
                .append("\tsize_t first = argc > 2 ? strtoul(argv[2], 0, 10) : 0;\n")
                .append("\tsize_t stride = argc > 3 ? strtoul(argv[3], 0, 10) : 1;\n")
                .append("\t__u32 count = read_u32(in);\n")
                .append("\tfor (__u32 p = 0; p < count; p++) {\n")
                .append("\t\t__u32 wire = read_u32(in), cap = read_u32(in);\n")
                .append("\t\t__u8 *buf = malloc(cap ? cap : 1);\n")
                .append("\t\tif (cap && fread(buf, 1, cap, in) != cap) { fprintf(stderr, \"short packet\\n\"); return 2; }\n")
                .append("\t\tfor (size_t f = first; f < sizeof filters / sizeof filters[0]; f += stride)\n")
                .append("\t\t\tprintf(\"%s%u\", f != first ? \" \" : \"\", filters[f](buf, buf + cap, wire));\n")
                .append("\t\tputchar('\\n');\n\t\tfree(buf);\n\t}\n\treturn 0;\n}\n");
        return sb.toString();
    }

    private static byte[] encode(List<Input> packets) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(packets.size());
        for (Input p : packets) {
            out.writeInt(p.wireLength());
            out.writeInt(p.capturedLength());
            out.write(p.bytes(), 0, p.capturedLength());
        }
        return bytes.toByteArray();
    }

    private static String exec(Path dir, List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
        byte[] stdout = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(command.get(0) + " failed (exit " + process.exitValue() + "):\n"
                    + tail(Files.readString(dir.resolve("stderr.txt"))));
        }
        return new String(stdout, StandardCharsets.US_ASCII);
    }

    private static String tail(String s) {
        return s.length() > 4000 ? "..." + s.substring(s.length() - 4000) : s;
    }
}

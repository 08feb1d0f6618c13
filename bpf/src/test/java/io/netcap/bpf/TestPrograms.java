package io.netcap.bpf;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Compiles the small BPF programs the tests load. */
public final class TestPrograms {
    /** Kept in target/ so repeated test runs skip clang, but never in the user's cache. */
    public static final ClangCompiler CLANG = new ClangCompiler("clang", Path.of("target", "test-clang-cache"));

    public static final String PRELUDE = """
            #include <linux/types.h>
            #include <linux/bpf.h>
            #include <bpf/bpf_helpers.h>
            char LICENSE[] SEC("license") = "GPL";
            """;

    private TestPrograms() {
    }

    public static void assumeRoot() {
        assumeTrue(Privileges.isRoot(), "kernel test: needs root to load BPF programs");
    }

    /** Compiles {@link #PRELUDE} + {@code body}. */
    static byte[] compile(String body) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("main.bpf.c", PRELUDE + body);
        return CLANG.compile(files).object();
    }

    /** Compiles, opens and loads. */
    static BpfObject load(String name, String body) {
        BpfObject object = BpfObject.open(compile(body), name);
        try {
            object.load();
            return object;
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    static byte[] intBytes(int... values) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * values.length).order(java.nio.ByteOrder.nativeOrder());
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    static int intAt(byte[] bytes, int offset) {
        return java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.nativeOrder()).getInt(offset);
    }

    static long longAt(byte[] bytes, int offset) {
        return java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.nativeOrder()).getLong(offset);
    }
}

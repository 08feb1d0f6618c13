package io.netcap.bpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClangCompilerTest {
    @TempDir
    Path cache;

    private static Map<String, String> sources(String value) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("main.bpf.c", TestPrograms.PRELUDE + "#include \"value.h\"\n"
                + "SEC(\"syscall\") int prog(void *ctx) { return VALUE; }\n");
        files.put("value.h", "#define VALUE " + value + "\n");
        return files;
    }

    @Test
    void compilesToAnElfObjectAndCachesIt() throws Exception {
        ClangCompiler clang = new ClangCompiler("clang", cache);
        ClangCompiler.Compilation first = clang.compile(sources("7"));
        assertFalse(first.cacheHit());
        byte[] elf = first.object();
        assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, java.util.Arrays.copyOf(elf, 4));
        assertEquals(247, elf[18] & 0xff, "e_machine EM_BPF");
        List<String> command = first.command();
        assertEquals("clang", command.get(0));
        assertTrue(command.containsAll(List.of("-O2", "-g", "-target", "bpf", "-D__TARGET_ARCH_x86")), command.toString());
        assertTrue(command.get(command.size() - 3).endsWith("/main.bpf.c"), command.toString());

        try (var entries = Files.list(cache)) {
            List<Path> files = entries.toList();
            assertEquals(1, files.size(), "one object, no temp files left: " + files);
            assertEquals(first.cacheKey() + ".bpf.o", files.get(0).getFileName().toString());
        }

        ClangCompiler.Compilation second = new ClangCompiler("clang", cache).compile(sources("7"));
        assertTrue(second.cacheHit());
        assertArrayEquals(elf, second.object());

        ClangCompiler.Compilation changedHeader = clang.compile(sources("8"));
        assertFalse(changedHeader.cacheHit(), "a header is part of the key");
        assertNotEquals(first.cacheKey(), changedHeader.cacheKey());
    }

    @Test
    void aCacheHitStartsNoProcessAndAReplacedClangMisses(@TempDir Path bin) throws Exception {
        // A stand-in for clang that counts its runs: the key names clang by its file, so a hit
        // needs no "clang --version", and replacing the file changes the key.
        Path runs = bin.resolve("runs");
        Path fake = bin.resolve("counting-clang");
        String script = "#!/bin/sh\necho run >> '" + runs + "'\nexec clang \"$@\"\n";
        Files.writeString(fake, script);
        fake.toFile().setExecutable(true);

        ClangCompiler.Compilation first = new ClangCompiler(fake.toString(), cache).compile(sources("3"));
        assertFalse(first.cacheHit());
        assertEquals(1, Files.readAllLines(runs).size(), "the compile is the only run");

        ClangCompiler.Compilation hit = new ClangCompiler(fake.toString(), cache).compile(sources("3"));
        assertTrue(hit.cacheHit());
        assertEquals(first.cacheKey(), hit.cacheKey());
        assertEquals(1, Files.readAllLines(runs).size(), "a hit runs nothing");

        Files.writeString(fake, script + "# upgraded\n");
        ClangCompiler.Compilation replaced = new ClangCompiler(fake.toString(), cache).compile(sources("3"));
        assertFalse(replaced.cacheHit(), "another clang is another key");
        assertNotEquals(first.cacheKey(), replaced.cacheKey());
        assertEquals(2, Files.readAllLines(runs).size());
    }

    @Test
    void withoutACacheDirEveryCompileRunsClang() {
        ClangCompiler clang = new ClangCompiler("clang", null);
        assertFalse(clang.compile(sources("1")).cacheHit());
        assertFalse(clang.compile(sources("1")).cacheHit());
    }

    @Test
    void compileErrorsShowClangsFirstErrorLines() {
        ClangCompiler clang = new ClangCompiler("clang", cache);
        ClangException e = assertThrows(ClangException.class, () -> clang.compile(sources("undeclared_thing")));
        assertTrue(e.diagnostics().contains("error:"), e.getMessage());
        assertTrue(e.diagnostics().contains("undeclared_thing"), e.getMessage());
        assertTrue(e.getMessage().startsWith("clang failed to compile main.bpf.c"), e.getMessage());
        try (var entries = Files.list(cache)) {
            assertEquals(0, entries.count(), "nothing cached for a failed compile");
        } catch (java.io.IOException io) {
            throw new AssertionError(io);
        }
    }

    @Test
    void missingClangSaysWhatToInstall() {
        ClangCompiler clang = new ClangCompiler("/nonexistent/clang", cache);
        ClangException e = assertThrows(ClangException.class, () -> clang.compile(sources("1")));
        assertEquals("clang not found: install the Debian package clang (scripts/setup does)", e.getMessage());
    }

    @Test
    void fileNamesMustStayInsideTheSourceDirectory() {
        ClangCompiler clang = new ClangCompiler("clang", cache);
        Map<String, String> files = new LinkedHashMap<>(sources("1"));
        files.put("../escape.h", "");
        assertThrows(IllegalArgumentException.class, () -> clang.compile(files));
        assertThrows(IllegalArgumentException.class, () -> clang.compile("other.c", sources("1")));
    }

    @Test
    void firstErrorsSkipsWarningsBeforeTheFirstError() {
        String out = "a.c:1:1: warning: meh\nnoise\na.c:2:1: error: bad\n  here\n";
        assertEquals("a.c:2:1: error: bad\n  here", ClangCompiler.firstErrors(out));
    }

    @Test
    void defaultCacheDirEndsInNetcap() {
        Path dir = ClangCompiler.defaultCacheDir();
        String env = System.getenv("NETCAP_CACHE_DIR");
        if (env == null || env.isEmpty()) {
            assertEquals("netcap", dir.getFileName().toString());
        } else {
            assertEquals(Path.of(env), dir);
        }
    }
}

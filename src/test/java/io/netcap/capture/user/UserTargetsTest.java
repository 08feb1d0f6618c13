package io.netcap.capture.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netcap.capture.CaptureException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link UserTargets}: what each way of naming a function or USDT probe resolves to, and the
 * message for each way of getting it wrong, on programs gcc builds, the system's libc and DPDK
 * libraries, and the test JVM's own process.
 */
class UserTargetsTest {
    private static final int SELF = (int) ProcessHandle.current().pid();
    private static final Path LIBC = ElfSymbolsTest.LIBC;
    private static final Path MBUF = Path.of("/usr/lib/x86_64-linux-gnu/librte_mbuf.so.23");
    private static final Path JVM = Path.of(System.getProperty("java.home"), "lib", "server", "libjvm.so");

    /** A program whose one USDT probe passes 13 arguments: a note written by hand, as sdt.h stops at 12. */
    private static final String THIRTEEN_ARGUMENTS = """
            __asm__(".pushsection .note.stapsdt,\\"\\",\\"note\\"\\n"
                    ".balign 4\\n"
                    ".4byte 8, 2f-1f, 3\\n"
                    ".asciz \\"stapsdt\\"\\n"
                    "1: .8byte 0x1000, 0, 0\\n"
                    ".asciz \\"many\\"\\n"
                    ".asciz \\"args\\"\\n"
                    ".asciz \\"8@%rdi 8@%rsi 8@%rdx 8@%rcx 8@%r8 8@%r9 8@%rax 8@%rbx 8@%r10 8@%r11 8@%r12 8@%r13 8@%r14\\"\\n"
                    "2: .balign 4\\n"
                    ".popsection\\n");
            int main(void) { return 0; }
            """;

    private final UserTargets targets = new UserTargets(Map.of());

    // ---- functions in a file

    @Test
    void aStaticFunctionIsFoundInSymtab(@TempDir Path dir) throws Exception {
        Path app = NativeBuild.app(dir, "app");
        ResolvedFunction found = targets.resolveFunction(app.toString(), "helper_twice", null);
        FunctionSymbol symbol = ElfSymbols.read(app).definitions("helper_twice").get(0);
        assertEquals(app.toAbsolutePath(), found.binary());
        assertEquals("helper_twice", found.function());
        assertEquals(ElfSymbols.Table.SYMTAB, found.table());
        assertEquals(symbol.address(), found.address());
        assertEquals(symbol.fileOffset(), found.fileOffset());
        assertEquals(List.of(), found.warnings());
    }

    @Test
    void aLibraryFunctionIsFoundInDynsym() throws Exception {
        assumeTrue(Files.isReadable(MBUF), "needs " + MBUF + " (Debian package librte-mbuf23, from libdpdk-dev)");
        ResolvedFunction found = targets.resolveFunction(MBUF.toString(), "rte_pktmbuf_free_bulk", null);
        assertEquals(ElfSymbols.Table.DYNSYM, found.table());
        assertEquals(readelfAddress(MBUF, "rte_pktmbuf_free_bulk@@"), found.address());
        assertEquals(MBUF, found.binary());
    }

    @Test
    void theDefaultVersionOfAVersionedFunctionIsChosen(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isReadable(LIBC), "needs " + LIBC + " (Debian package libc6)");
        // libc has realpath@GLIBC_2.2.5 and realpath@@GLIBC_2.3: programs linked now call the second.
        assertEquals(readelfAddress(LIBC, "realpath@@"), targets.resolveFunction(LIBC.toString(), "realpath", null).address());

        Path library = ElfSymbolsTest.versionedLibrary(dir);
        long fooNew = ElfSymbols.read(library).definitions("foo_new").get(0).address();
        assertEquals(fooNew, targets.resolveFunction(library.toString(), "foo", null).address(), "from .symtab");
        Path stripped = NativeBuild.stripped(library, "libversioned-stripped.so");
        ResolvedFunction fromDynsym = targets.resolveFunction(stripped.toString(), "foo", null);
        assertEquals(ElfSymbols.Table.DYNSYM, fromDynsym.table());
        assertEquals(fooNew, fromDynsym.address(), "from .dynsym and .gnu.version");
    }

    @Test
    void anIndirectFunctionIsRefusedForItsImplementations(@TempDir Path dir) throws Exception {
        Path library = NativeBuild.gcc(dir, "libtwice.so", List.of("-O2", "-shared", "-fPIC"), "twice.c", """
                __attribute__((noinline)) static int twice_fast(int x) { return x << 1; }
                __attribute__((noinline)) static int twice_generic(int x) { return x + x; }
                static int (*pick(void))(int) { return __builtin_cpu_supports("avx2") ? twice_fast : twice_generic; }
                int twice(int) __attribute__((ifunc("pick")));
                """);
        assertEquals("twice in " + library + " is an indirect function (GNU IFUNC): it runs once, when the file is"
                + " loaded, to pick the implementation calls go to; probe that implementation, perhaps twice_fast,"
                + " twice_generic", usage(() -> targets.resolveFunction(library.toString(), "twice", null)));
        Path stripped = NativeBuild.stripped(library, "libtwice-stripped.so");
        assertTrue(usage(() -> targets.resolveFunction(stripped.toString(), "twice", null))
                .endsWith("probe that implementation (libtwice-stripped.so has no .symtab to name it)"));

        assumeTrue(Files.isReadable(LIBC), "needs " + LIBC + " (Debian package libc6)");
        String message = usage(() -> targets.resolveFunction(LIBC.toString(), "memcpy", null));
        assertTrue(message.startsWith("memcpy in " + LIBC + " is an indirect function (GNU IFUNC)"), message);
    }

    @Test
    void aNameOfTwoStaticFunctionsIsAmbiguous(@TempDir Path dir) throws Exception {
        Path app = NativeBuild.gcc(dir, "two", List.of("-O2"),
                "a.c", "__attribute__((noinline, noclone)) static int step(int x) { return x + 1; }\n"
                        + "int a(int x) { return step(x); }\n",
                "b.c", "__attribute__((noinline, noclone)) static int step(int x) { return x * 3; }\n"
                        + "int b(int x) { return step(x); }\nint a(int);\nint main(int c, char **v) { return a(c) + b(c); }\n");
        String message = usage(() -> targets.resolveFunction(app.toString(), "step", null));
        assertTrue(message.startsWith("step names 2 different functions in " + app + " (at 0x"), message);
        assertTrue(message.endsWith("; probe a caller with a unique name"), message);
    }

    /** Its arguments would be read from x86-64's registers: a program of another machine is refused. */
    @Test
    void aProgramForAnotherMachineIsRefused(@TempDir Path dir) throws Exception {
        Path app = NativeBuild.app(dir, "app");
        byte[] bytes = Files.readAllBytes(app);
        bytes[0x12] = (byte) 183; // e_machine: EM_AARCH64 (elf.h)
        bytes[0x13] = 0;
        Path other = Files.write(dir.resolve("app-aarch64"), bytes);
        assertEquals(other + " is built for another machine (ELF e_machine 183); netcap probes x86-64 programs only",
                usage(() -> targets.resolveFunction(other.toString(), "process_one", null)));
    }

    @Test
    void aStrippedProgramIsSaidToBeStripped(@TempDir Path dir) throws Exception {
        Path stripped = NativeBuild.stripped(NativeBuild.app(dir, "app"), "app-stripped");
        String message = usage(() -> targets.resolveFunction(stripped.toString(), "process_one", null));
        assertEquals(stripped + " is stripped (no .symtab) and does not export process_one\n"
                + "probe an unstripped build of it, or a library function it calls (LIBRARY:FUNCTION)", message);

        Path java = Files.readSymbolicLink(Path.of("/proc/self/exe"));
        assumeTrue(!ElfSymbols.read(java).hasSymtab(), "this java is not stripped");
        assertTrue(usage(() -> targets.resolveFunction(java.toString(), "main", null))
                .startsWith(java + " is stripped (no .symtab) and does not export main"));
    }

    @Test
    void aStrippedProgramStillOffersWhatItExports(@TempDir Path dir) throws Exception {
        Path exported = NativeBuild.stripped(NativeBuild.app(dir, "app", "-rdynamic"), "app-stripped");
        assertEquals(ElfSymbols.Table.DYNSYM, targets.resolveFunction(exported.toString(), "process_one", null).table());
        String message = usage(() -> targets.resolveFunction(exported.toString(), "helper_twice", null));
        assertTrue(message.startsWith(exported + " is stripped (no .symtab) and does not export helper_twice"), message);
    }

    @Test
    void aMisspeltFunctionGetsCloseNames(@TempDir Path dir) throws Exception {
        Path app = NativeBuild.app(dir, "app");
        assertEquals("no function process_brust in " + app + "; did you mean process_burst?",
                usage(() -> targets.resolveFunction(app.toString(), "process_brust", null)));
        String some = usage(() -> targets.resolveFunction(app.toString(), "process", null));
        assertTrue(some.startsWith("no function process in " + app + "; did you mean process_"), some);
        assumeTrue(Files.isReadable(LIBC), "needs " + LIBC);
        long containing = ElfSymbols.read(LIBC).names().stream().filter(n -> n.contains("mallo")).count();
        assertTrue(containing > 3, containing + " libc functions contain mallo");
        String many = usage(() -> targets.resolveFunction(LIBC.toString(), "mallo", null));
        assertEquals(3, many.split("\n")[0].split(", ").length, "at most 3 names: " + many);
        assertEquals("no function zzzzzzzzzzzz in " + app,
                usage(() -> targets.resolveFunction(app.toString(), "zzzzzzzzzzzz", null)), "nothing close: no list");
    }

    @Test
    void filesThatCannotBeProbedAreSaidWhy(@TempDir Path dir) throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "not a program, but long enough for an ELF header"
                + " to fit in it if it were one");
        assertTrue(usage(() -> targets.resolveFunction(text.toString(), "f", null))
                .startsWith(text + ": not an ELF file ("), "not ELF");
        assertEquals(dir.resolve("missing") + ": no such file",
                usage(() -> targets.resolveFunction(dir.resolve("missing").toString(), "f", null)));
        assertEquals(dir + " is a directory; give the program or library file to probe",
                usage(() -> targets.resolveFunction(dir.toString(), "f", null)));
        assertTrue(usage(() -> targets.resolveFunction("/dev/null", "f", null)).startsWith("/dev/null is not a regular file"));

        Path object = NativeBuild.gcc(dir, "app.o", List.of("-c"), "object.c", "int f(void) { return 1; }\n");
        assertTrue(usage(() -> targets.resolveFunction(object.toString(), "f", null))
                .startsWith(object + " is an object file (ELF type ET_REL)"));
    }

    @Test
    void aRelativePathIsTakenFromTheCurrentDirectory() throws Exception {
        assumeTrue(Files.isReadable(LIBC), "needs " + LIBC);
        Path relative = Path.of("").toAbsolutePath().relativize(LIBC);
        Path binary = targets.resolveFunction(relative.toString(), "malloc", null).binary();
        // Not normalised: "dir/.." is not always the directory dir is in (a symlink), and the kernel resolves it.
        assertTrue(binary.isAbsolute(), binary.toString());
        assertTrue(Files.isSameFile(LIBC, binary), binary.toString());
    }

    // ---- bare file names

    @Test
    void aBareLibraryNameIsLookedUpLikeTheDynamicLinkerDoes(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isReadable(MBUF), "needs " + MBUF + " (Debian package librte-mbuf23)");
        ResolvedFunction found = targets.resolveFunction("librte_mbuf.so.23", "rte_pktmbuf_free_bulk", null);
        assertTrue(Files.isSameFile(MBUF, found.binary()), found.binary().toString());

        Path library = ElfSymbolsTest.versionedLibrary(dir);
        UserTargets withPath = new UserTargets(Map.of("LD_LIBRARY_PATH", dir.toString()));
        assertEquals(library, withPath.resolveFunction("libversioned.so", "bar", null).binary());

        String message = usage(() -> targets.resolveFunction("librte_mbuff.so.23", "rte_pktmbuf_free_bulk", null));
        assertTrue(message.startsWith("no file librte_mbuff.so.23 in " + String.join(":", TargetFiles.LIBRARY_DIRS)
                + "; give its path; did you mean librte_mbuf.so.23"), message);
    }

    @Test
    void aBareNameIsFirstLookedForAmongTheProcesssLibraries() throws Exception {
        assumeTrue(Files.isReadable(LIBC), "needs " + LIBC);
        for (String name : List.of("libc.so.6", "libc")) {
            ResolvedFunction found = targets.resolveFunction(name, "malloc", SELF);
            assertTrue(Files.isSameFile(LIBC, found.binary()), name + ": " + found.binary());
            assertEquals(List.of(), found.warnings(), "the process maps it");
        }
    }

    @Test
    void aFileTheProcessDoesNotMapIsWarnedAbout(@TempDir Path dir) throws Exception {
        Path app = NativeBuild.app(dir, "app");
        ResolvedFunction found = targets.resolveFunction(app.toString(), "process_one", SELF);
        assertEquals(List.of("process " + SELF + " (" + ProcessMaps.of(SELF).command() + ") does not map " + app
                + " now: the probe fires only if it loads it later"), found.warnings());
    }

    // ---- functions in a process

    @Test
    void withoutAFileTheProcesssProgramIsSearchedFirst(@TempDir Path dir) throws Exception {
        Path app = NativeBuild.app(dir, "app");
        try (NativeBuild.Running running = new NativeBuild.Running(app)) {
            ResolvedFunction found = targets.resolveFunction(null, "process_one", running.pid());
            assertEquals(app, found.binary());
            assertEquals(ElfSymbols.Table.SYMTAB, found.table());
            // libc defines it too, but the program's own symbols win: a program may define what a library does.
            assertTrue(Files.isSameFile(LIBC, targets.resolveFunction(null, "malloc", running.pid()).binary()));
        }
    }

    @Test
    void thenEachLibraryItMaps() throws Exception {
        assumeTrue(Files.isReadable(LIBC), "needs " + LIBC);
        ResolvedFunction found = targets.resolveFunction(null, "malloc", SELF);
        assertTrue(Files.isSameFile(LIBC, found.binary()), found.binary().toString());
        assertEquals(readelfAddress(LIBC, "malloc@@"), found.address());
    }

    @Test
    void aDeletedProgramIsProbedThroughProcExe(@TempDir Path dir) throws Exception {
        Path app = NativeBuild.app(dir, "app");
        try (NativeBuild.Running running = new NativeBuild.Running(app)) {
            Files.delete(app);
            assertEquals(Path.of("/proc/" + running.pid() + "/exe"),
                    targets.resolveFunction(null, "process_one", running.pid()).binary());
        }
    }

    @Test
    void aFunctionNoFileOfTheProcessHasListsWhatWasSearched() throws Exception {
        ProcessMaps self = ProcessMaps.of(SELF);
        long libraries = self.libraries().stream().filter(f -> !f.deleted()).count();
        String message = usage(() -> targets.resolveFunction(null, "no_such_function_here", SELF));
        String[] lines = message.split("\n");
        assertTrue(lines[0].startsWith("no function no_such_function_here in process " + SELF + " (" + self.command()
                + "): searched its program " + self.executable().path() + " and the " + libraries
                + " libraries it maps"), message);
        if (!ElfSymbols.read(self.executable().openPath()).hasSymtab()) {
            assertEquals(2, lines.length, message);
            assertTrue(lines[1].startsWith(self.executable().path() + " is stripped (no .symtab)"), message);
        }
        assertTrue(usage(() -> targets.resolveFunction(null, "mallok", SELF)).contains("; did you mean malloc"),
                "close names come from the libraries when the program has none");
    }

    @Test
    void aFunctionAloneNeedsAProcess() {
        assertEquals("process_one: give -p PID, or the program or library that has it as TARGET:process_one",
                usage(() -> targets.resolveFunction(null, "process_one", null)));
    }

    @Test
    void noSuchProcess() throws Exception {
        int pidMax;
        try (java.io.InputStream in = Files.newInputStream(Path.of("/proc/sys/kernel/pid_max"))) {
            pidMax = Integer.parseInt(new String(in.readNBytes(64), java.nio.charset.StandardCharsets.US_ASCII).strip());
        }
        assertEquals("no process with PID " + pidMax + " (has it exited?)",
                usage(() -> targets.resolveFunction(null, "malloc", pidMax)));
        assertEquals("no process with PID " + pidMax + " (has it exited?)",
                usage(() -> targets.resolveFunction(LIBC.toString(), "malloc", pidMax)));
        assertEquals("no process with PID " + pidMax + " (has it exited?)",
                usage(() -> targets.resolveUsdt(null, "p", "n", pidMax)));
    }

    // ---- USDT probes

    @Test
    void usdtProbesOfAFileWithTheirArgumentCounts(@TempDir Path dir) throws Exception {
        Path app = NativeBuild.app(dir, "app");
        ResolvedUsdt one = targets.resolveUsdt(app.toString(), "netcap_test", "one", null);
        assertEquals(app, one.binary());
        assertEquals(2, one.argumentCount());
        assertEquals(1, one.sites());
        assertEquals(0, targets.resolveUsdt(app.toString(), "netcap_test", "bare", null).argumentCount());
        ResolvedUsdt burst = targets.resolveUsdt(app.toString(), "netcap_test", "burst", null);
        assertEquals(3, burst.argumentCount());
        assertEquals(2, burst.sites());
        assertEquals(2, targets.resolveUsdt(app.toString(), "netcap_test", "gated", null).argumentCount(),
                "a probe with a semaphore");
    }

    @Test
    void aMissingUsdtProbeListsThoseThere(@TempDir Path dir) throws Exception {
        Path app = NativeBuild.app(dir, "app");
        String message = usage(() -> targets.resolveUsdt(app.toString(), "netcap_test", "onee", null));
        assertTrue(message.startsWith("no USDT probe netcap_test:onee in " + app + "; it has netcap_test:one, "), message);
        for (String id : List.of("netcap_test:bare", "netcap_test:burst", "netcap_test:gated")) {
            assertTrue(message.contains(id), message);
        }
        assertFalse(message.contains("more"), "all four listed: " + message);
    }

    @Test
    void aFileWithoutUsdtProbesSaysSo() throws Exception {
        assumeTrue(Files.isReadable(LIBC), "needs " + LIBC);
        assumeTrue(!UsdtNotes.read(LIBC).hasSection(), "this libc has SDT probes");
        assertEquals(LIBC + " has no USDT probes (no .note.stapsdt section); probe one of its functions instead, as "
                + LIBC + ":FUNCTION", usage(() -> targets.resolveUsdt(LIBC.toString(), "libc", "setjmp", null)));
    }

    @Test
    void usdtProbesOfAProcess(@TempDir Path dir) throws Exception {
        Path app = NativeBuild.app(dir, "app");
        try (NativeBuild.Running running = new NativeBuild.Running(app)) {
            ResolvedUsdt found = targets.resolveUsdt(null, "netcap_test", "burst", running.pid());
            assertEquals(app, found.binary());
            assertEquals(3, found.argumentCount());
        }
        assumeTrue(Files.isReadable(JVM) && UsdtNotes.read(JVM).hasSection(), "this JVM has no hotspot probes");
        ResolvedUsdt loaded = targets.resolveUsdt(null, "hotspot", "class__loaded", SELF);
        assertTrue(Files.isSameFile(JVM, loaded.binary()), loaded.binary().toString());
        Matcher arguments = Pattern.compile("Name: class__loaded\\n.*\\n\\s*Arguments: (.*)")
                .matcher(NativeBuild.readelf("-n", "-W", JVM.toString()));
        assertTrue(arguments.find());
        assertEquals(arguments.group(1).strip().split(" ").length, loaded.argumentCount());

        String message = usage(() -> targets.resolveUsdt(null, "hotspot", "class__loadd", SELF));
        assertTrue(message.startsWith("no USDT probe hotspot:class__loadd in process " + SELF), message);
        assertTrue(message.contains("hotspot:class__loaded, "), "the close one first: " + message);
        assertTrue(message.matches("(?s).* and \\d+ more$"), message);
    }

    @Test
    void aProcessWithoutUsdtProbesSaysSo(@TempDir Path dir) throws Exception {
        Path plain = NativeBuild.gcc(dir, "plain", List.of("-O2"), "plain.c", """
                #include <stdio.h>
                int main(void) { char l[8]; printf("ready\\n"); fflush(stdout); while (fgets(l, sizeof l, stdin)); return 0; }
                """);
        try (NativeBuild.Running running = new NativeBuild.Running(plain)) {
            ProcessMaps maps = ProcessMaps.of(running.pid());
            assumeTrue(maps.files().stream().noneMatch(f -> {
                try {
                    return UsdtNotes.read(f.openPath()).hasSection();
                } catch (Exception e) {
                    return false;
                }
            }), "this system's libc has SDT probes");
            String message = usage(() -> targets.resolveUsdt(null, "p", "n", running.pid()));
            assertTrue(message.startsWith("process " + running.pid() + " (plain) has no USDT probes: none of its program "
                    + plain + " and the "), message);
        }
    }

    @Test
    void aUsdtProbeAloneNeedsAProcess() {
        assertEquals("usdt:p:n: give -p PID, or the program or library that has the probe",
                usage(() -> targets.resolveUsdt(null, "p", "n", null)));
        assertTrue(usage(() -> targets.resolveUsdt(null, "", "n", null)).contains("give both the provider"));
    }

    @Test
    void aProbeWithMoreArgumentsThanLibbpfReadsIsRefused(@TempDir Path dir) throws Exception {
        Path many = NativeBuild.gcc(dir, "many", List.of(), "many.c", THIRTEEN_ARGUMENTS);
        assertEquals("USDT probe many:args in " + many + " passes 13 arguments; libbpf attaches only to probes of up"
                + " to 12", usage(() -> targets.resolveUsdt(many.toString(), "many", "args", null)));
    }

    /** The message of the usage error {@code call} throws, checked to be one or two lines. */
    private static String usage(Executable call) {
        CaptureException e = assertThrows(CaptureException.class, call);
        assertEquals(CaptureException.Kind.USAGE, e.kind(), e.getMessage());
        assertTrue(e.getMessage().split("\n").length <= 2, "one or two lines: " + e.getMessage());
        return e.getMessage();
    }

    /** The address readelf shows for the .dynsym entry whose versioned name starts with {@code prefix}. */
    private static long readelfAddress(Path file, String prefix) throws Exception {
        Matcher m = Pattern.compile("^\\s*\\d+: ([0-9a-f]{16}) .* " + Pattern.quote(prefix) + "\\S*$", Pattern.MULTILINE)
                .matcher(NativeBuild.readelf("--dyn-syms", "-W", file.toString()));
        assertTrue(m.find(), prefix + " in " + file);
        return Long.parseUnsignedLong(m.group(1), 16);
    }
}

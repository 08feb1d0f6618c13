package io.netcap.bpf;

import static io.netcap.bpf.TestPrograms.assumeRoot;
import static io.netcap.bpf.TestPrograms.intAt;
import static io.netcap.bpf.TestPrograms.intBytes;
import static io.netcap.bpf.TestPrograms.longAt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("kernel")
class BpfObjectTest {
    private static final String ADDER = """
            struct args { __u32 a; __u32 b; };
            struct {
                __uint(type, BPF_MAP_TYPE_HASH);
                __uint(max_entries, 16);
                __type(key, __u32);
                __type(value, __u64);
            } table SEC(".maps");
            struct {
                __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
                __uint(max_entries, 1);
                __type(key, __u32);
                __type(value, __u32);
            } percpu SEC(".maps");

            SEC("syscall")
            int add(struct args *args)
            {
                __u32 key = args->a;
                __u64 *value = bpf_map_lookup_elem(&table, &key);
                return (value ? (int)*value : 1000) + args->b;
            }

            SEC("syscall")
            int unused(void *ctx)
            {
                return 7;
            }
            """;

    @BeforeEach
    void root() {
        assumeRoot();
    }

    @Test
    void loadsListsAndRunsPrograms() {
        try (BpfObject object = TestPrograms.load("adder", ADDER)) {
            assertTrue(object.isLoaded());
            List<String> names = object.programs().stream().map(BpfProgram::name).toList();
            assertEquals(List.of("add", "unused"), names);
            BpfProgram add = object.program("add");
            assertEquals(KernelFeatures.PROG_TYPE_SYSCALL, add.type());
            assertEquals("syscall", add.sectionName());
            assertTrue(add.fd() > 0);
            assertEquals(1005, add.testRun(null, intBytes(3, 5)).retval(), "no entry for key 3 yet");
        }
    }

    @Test
    void mapRoundTripIsSeenByTheProgram() {
        try (BpfObject object = TestPrograms.load("adder", ADDER)) {
            BpfMap table = object.map("table");
            assertEquals(4, table.keySize());
            assertEquals(8, table.valueSize());
            assertEquals(16, table.maxEntries());
            assertFalse(table.isPerCpu());

            byte[] value = new byte[8];
            assertFalse(table.lookup(intBytes(3), value), "empty map");
            table.update(intBytes(3), new byte[] {40, 0, 0, 0, 0, 0, 0, 0});
            assertTrue(table.lookup(intBytes(3), value));
            assertEquals(40, longAt(value, 0));
            assertEquals(42, object.program("add").testRun(null, intBytes(3, 2)).retval());

            byte[] next = new byte[4];
            assertTrue(table.nextKey(null, next));
            assertEquals(3, intAt(next, 0));
            assertFalse(table.nextKey(next, new byte[4]), "only one key");

            BpfException exists = assertThrows(BpfException.class,
                    () -> table.update(intBytes(3), new byte[8], BpfMap.UPDATE_NOEXIST));
            assertEquals(17, exists.errno(), "EEXIST: " + exists.getMessage());

            assertTrue(table.delete(intBytes(3)));
            assertFalse(table.delete(intBytes(3)));
            assertThrows(IllegalArgumentException.class, () -> table.lookup(intBytes(3), new byte[4]),
                    "a short value buffer would let the kernel write past it");
        }
    }

    @Test
    void perCpuValuesHaveOneSlotPerPossibleCpu() {
        try (BpfObject object = TestPrograms.load("adder", ADDER)) {
            BpfMap percpu = object.map("percpu");
            assertTrue(percpu.isPerCpu());
            int cpus = BpfMap.possibleCpus();
            assertTrue(cpus >= 1);
            assertEquals(8 * cpus, percpu.valueBufferSize(), "4-byte values are padded to 8 per CPU");
            byte[] slots = new byte[percpu.valueBufferSize()];
            for (int cpu = 0; cpu < cpus; cpu++) {
                slots[cpu * 8] = (byte) (cpu + 1);
            }
            percpu.update(intBytes(0), slots);
            byte[] back = new byte[percpu.valueBufferSize()];
            assertTrue(percpu.lookup(intBytes(0), back));
            assertArrayEquals(slots, back);
        }
    }

    @Test
    void autoloadOffLeavesAProgramUnloaded() {
        try (BpfObject object = BpfObject.open(TestPrograms.compile(ADDER), "adder")) {
            object.program("unused").setAutoload(false);
            assertFalse(object.program("unused").autoload());
            object.load();
            assertTrue(object.program("add").fd() > 0);
            assertThrows(BpfException.class, () -> object.program("unused").fd());
        }
    }

    @Test
    void badElfIsABpfExceptionWithErrno() {
        BpfException e = assertThrows(BpfException.class,
                () -> BpfObject.open("this is not an ELF file".getBytes(), "junk"));
        assertTrue(e.errno() > 0, e.getMessage());
        assertTrue(e.getMessage().startsWith("open BPF object junk: "), e.getMessage());
        assertFalse(e.libbpfMessage().isEmpty());
    }

    @Test
    void unknownProgramOrMapIsENOENT() {
        try (BpfObject object = BpfObject.open(TestPrograms.compile(ADDER), "adder")) {
            assertEquals(2, assertThrows(BpfException.class, () -> object.program("nope")).errno());
            assertEquals(2, assertThrows(BpfException.class, () -> object.map("nope")).errno());
        }
    }

    @Test
    void verifierRejectionCarriesTheLogOfTheFailingProgram() {
        String body = """
                SEC("syscall")
                int fine(void *ctx) { return 0; }

                SEC("syscall")
                int reads_wild_memory(void *ctx)
                {
                    __u64 addr = bpf_ktime_get_ns();
                    return *(int *)addr;   /* dereferencing a scalar: the verifier must refuse */
                }
                """;
        try (BpfObject object = BpfObject.open(TestPrograms.compile(body), "wild")) {
            BpfException e = assertThrows(BpfException.class, object::load);
            assertTrue(e.getMessage().contains("reads_wild_memory"), e.getMessage());
            assertEquals("reads_wild_memory", e.program());
            assertEquals(13, e.errno(), "EACCES from the verifier: " + e.getMessage());
            assertTrue(e.verifierLog().contains("invalid mem access"), e.verifierLog());
            assertFalse(object.isLoaded());
        }
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseIsRefused() {
        BpfObject object = TestPrograms.load("adder", ADDER);
        BpfProgram add = object.program("add");
        BpfMap table = object.map("table");
        object.close();
        object.close();
        assertThrows(IllegalStateException.class, add::fd);
        assertThrows(IllegalStateException.class, table::fd);
        assertThrows(IllegalStateException.class, () -> object.program("add"));
    }

    @Test
    void attachedTracepointsCountOurSyscallsUntilDetached() throws Exception {
        String body = """
                __u32 target_tid;
                __u64 tracepoint_hits;
                __u64 raw_hits;

                SEC("tracepoint/raw_syscalls/sys_enter")
                int on_enter(void *ctx)
                {
                    if ((__u32)bpf_get_current_pid_tgid() == target_tid)
                        __sync_fetch_and_add(&tracepoint_hits, 1);
                    return 0;
                }

                SEC("raw_tracepoint/sys_enter")
                int on_raw_enter(void *ctx)
                {
                    if ((__u32)bpf_get_current_pid_tgid() == target_tid)
                        __sync_fetch_and_add(&raw_hits, 1);
                    return 0;
                }
                """;
        try (BpfObject object = TestPrograms.load("counter", body)) {
            BpfMap bss = object.maps().stream().filter(m -> m.name().endsWith(".bss")).findFirst().orElseThrow();
            byte[] globals = new byte[bss.valueSize()];
            // Only this thread: the JVM's other threads make syscalls at any time.
            byte[] pid = intBytes(currentThreadId());
            System.arraycopy(pid, 0, globals, 0, 4);
            bss.update(intBytes(0), globals);

            BpfLink auto = object.program("on_enter").attach();
            BpfLink raw = object.program("on_raw_enter").attachRawTracepoint("sys_enter");
            makeSyscalls();
            bss.lookup(intBytes(0), globals);
            long hits = longAt(globals, 8);
            long rawHits = longAt(globals, 16);
            assertTrue(hits > 0 && rawHits > 0, "hits " + hits + ", raw " + rawHits);

            auto.close();
            auto.close();
            assertTrue(auto.isClosed());
            // The syscalls that detach it are themselves still counted; take the baseline after.
            bss.lookup(intBytes(0), globals);
            hits = longAt(globals, 8);
            rawHits = longAt(globals, 16);
            makeSyscalls();
            bss.lookup(intBytes(0), globals);
            assertEquals(hits, longAt(globals, 8), "detached program still ran");
            assertTrue(longAt(globals, 16) > rawHits, "the raw tracepoint stays attached");
            assertFalse(raw.isClosed());
            object.close();
            assertTrue(raw.isClosed(), "closing the object detaches its links");
        }
    }

    @Test
    void explicitTracepointAttachAndBadTargets() {
        String body = """
                SEC("tracepoint")
                int anywhere(void *ctx) { return 0; }
                """;
        try (BpfObject object = TestPrograms.load("tp", body)) {
            BpfProgram program = object.program("anywhere");
            try (BpfLink link = program.attachTracepoint("raw_syscalls", "sys_exit")) {
                assertTrue(link.description().contains("raw_syscalls/sys_exit"));
            }
            BpfException e = assertThrows(BpfException.class,
                    () -> program.attachTracepoint("no_such_category", "no_such_event"));
            assertEquals(2, e.errno(), e.getMessage());
            assertTrue(e.getMessage().startsWith("attach anywhere -> tracepoint no_such_category/no_such_event"),
                    e.getMessage());
        }
    }

    private static final String SYSCALL_COUNTER = """
            __u32 target_tid;
            __u64 enter_hits;
            __u64 exit_hits;

            SEC("tracepoint/raw_syscalls/sys_enter")
            int on_enter(void *ctx)
            {
                if ((__u32)bpf_get_current_pid_tgid() == target_tid)
                    __sync_fetch_and_add(&enter_hits, 1);
                return 0;
            }

            SEC("tracepoint/raw_syscalls/sys_exit")
            int on_exit(void *ctx)
            {
                if ((__u32)bpf_get_current_pid_tgid() == target_tid)
                    __sync_fetch_and_add(&exit_hits, 1);
                return 0;
            }
            """;

    /** Points the counter at this thread and returns its .bss map. */
    private static BpfMap countThisThread(BpfObject object) throws Exception {
        BpfMap bss = object.maps().stream().filter(m -> m.name().endsWith(".bss")).findFirst().orElseThrow();
        byte[] globals = new byte[bss.valueSize()];
        System.arraycopy(intBytes(currentThreadId()), 0, globals, 0, 4);
        bss.update(intBytes(0), globals);
        return bss;
    }

    /** {enter_hits, exit_hits} after making some syscalls, minus what they were before. */
    private static long[] hitsOfSomeSyscalls(BpfMap bss) throws Exception {
        byte[] globals = new byte[bss.valueSize()];
        bss.lookup(intBytes(0), globals);
        long enter = longAt(globals, 8);
        long exit = longAt(globals, 16);
        makeSyscalls();
        bss.lookup(intBytes(0), globals);
        return new long[] {longAt(globals, 8) - enter, longAt(globals, 16) - exit};
    }

    @Test
    void detachAllDetachesEveryLinkAndLeavesTheObjectUsable() throws Exception {
        BpfObject object = TestPrograms.load("counter", SYSCALL_COUNTER);
        try {
            BpfMap bss = countThisThread(object);
            BpfLink enter = object.program("on_enter").attachTracepoint("raw_syscalls", "sys_enter");
            BpfLink exit = object.program("on_exit").attach();
            long[] attached = hitsOfSomeSyscalls(bss);
            assertTrue(attached[0] > 0 && attached[1] > 0, "enter " + attached[0] + ", exit " + attached[1]);

            object.detachAll();
            assertTrue(enter.isClosed() && exit.isClosed());
            assertArrayEquals(new long[] {0, 0}, hitsOfSomeSyscalls(bss), "a detached program still ran");
            object.detachAll(); // nothing left: does nothing
            enter.close();      // the caller closing its copy again is harmless too

            // The object stays loaded: its programs can be attached again and its maps read.
            assertFalse(object.isClosed());
            BpfLink again = object.program("on_enter").attachTracepoint("raw_syscalls", "sys_enter");
            assertTrue(hitsOfSomeSyscalls(bss)[0] > 0, "attached again");
            object.close();
            assertTrue(again.isClosed(), "close detaches what was attached after a detachAll");
            object.close();
        } finally {
            object.close();
        }
    }

    @Test
    void detachAllTriesEveryLinkNewestFirstAndThrowsTheFirstFailure() {
        try (BpfObject object = BpfObject.open(TestPrograms.compile(ADDER), "adder")) {
            List<String> destroyed = new ArrayList<>();
            BpfLink a = object.register(fakeLink("a", 0, destroyed));
            BpfLink b = object.register(fakeLink("b", -Errno.EINVAL, destroyed));
            BpfLink c = object.register(fakeLink("c", 0, destroyed));
            BpfLink d = object.register(fakeLink("d", -16, destroyed)); // EBUSY

            BpfException e = assertThrows(BpfException.class, object::detachAll);
            assertEquals(List.of("d", "c", "b", "a"), destroyed, "newest first, and past the failures");
            assertEquals(16, e.errno(), "the first failure is thrown: " + e.getMessage());
            assertEquals("detach d", e.operation());
            assertEquals(1, e.getSuppressed().length);
            assertEquals(Errno.EINVAL, ((BpfException) e.getSuppressed()[0]).errno());
            assertTrue(a.isClosed() && b.isClosed() && c.isClosed() && d.isClosed());

            object.detachAll();
            assertEquals(4, destroyed.size(), "nothing is destroyed twice, failed or not");
        }
    }

    @Test
    void closeClosesTheObjectEvenWhenADetachFails() throws Exception {
        BpfObject object = TestPrograms.load("counter", SYSCALL_COUNTER);
        BpfMap bss = countThisThread(object);
        List<String> destroyed = new ArrayList<>();
        BpfLink real = object.program("on_enter").attachTracepoint("raw_syscalls", "sys_enter");
        object.register(fakeLink("broken", -Errno.EINVAL, destroyed));
        assertTrue(hitsOfSomeSyscalls(bss)[0] > 0);

        BpfException e = assertThrows(BpfException.class, object::close);
        assertEquals("detach broken", e.operation());
        assertEquals(List.of("broken"), destroyed);
        assertTrue(real.isClosed(), "the failure did not stop the older link's detach");
        assertTrue(object.isClosed(), "bpf_object__close ran despite the failure");
        assertThrows(IllegalStateException.class, () -> object.program("on_enter"));
        object.close(); // idempotent, and the failure is not reported twice
        object.detachAll();
    }

    /** A link whose destroy records its name and returns {@code result} instead of calling libbpf. */
    private static BpfLink fakeLink(String name, int result, List<String> destroyed) {
        Pointer notALink = Memory.allocateDirect(NativeLibbpf.RUNTIME, 8);
        return new BpfLink(name, notALink, link -> {
            destroyed.add(name);
            return result;
        });
    }

    /** The kernel's id of the calling thread: /proc/thread-self links to PID/task/TID. */
    private static int currentThreadId() throws Exception {
        String link = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/thread-self")).toString();
        return Integer.parseInt(link.substring(link.lastIndexOf('/') + 1));
    }

    private static void makeSyscalls() throws Exception {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            seen.add(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat")).substring(0, 1));
        }
        assertFalse(seen.isEmpty());
    }
}

package io.netcap.bpf;

import static io.netcap.bpf.NativeLibbpf.LIB;
import static io.netcap.bpf.NativeLibbpf.RUNTIME;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * A BPF ELF object opened by libbpf: its programs and maps, and the links attached from it.
 *
 * <p>The object is the one owner of those links: every attach through one of its
 * {@link BpfProgram}s is remembered here, {@link #detachAll()} destroys them, and
 * {@link #close()} destroys them and then the object (which unloads programs and maps). Both
 * are best effort: one link failing to detach neither keeps the others attached nor keeps the
 * object open. Not thread-safe.
 */
public final class BpfObject implements AutoCloseable {
    /** Verifier logs of rejected programs run to hundreds of KiB; we keep the end. */
    private static final int LOG_BUFFER_SIZE = 1 << 20;
    private static final int LOG_TAIL_CHARS = 16 * 1024;

    // struct bpf_object_open_opts: size_t sz @0; const char *object_name @8; the rest left zero,
    // which libbpf accepts because sz says they are absent.
    private static final int OPEN_OPTS_SIZE = 16;

    private final String name;
    // libbpf may keep pointing into the ELF image and the name while the object lives.
    private final Pointer elfImage;
    private final Pointer nameString;
    private final List<BpfLink> links = new ArrayList<>();
    private Pointer handle;
    private boolean loaded;

    private BpfObject(String name, Pointer elfImage, Pointer nameString, Pointer handle) {
        this.name = name;
        this.elfImage = elfImage;
        this.nameString = nameString;
        this.handle = handle;
    }

    /** Parses {@code elf} (a clang -target bpf object); nothing reaches the kernel until {@link #load()}. */
    public static BpfObject open(byte[] elf, String name) {
        Objects.requireNonNull(elf, "elf");
        Objects.requireNonNull(name, "name");
        Pointer image = Memory.allocateDirect(RUNTIME, Math.max(1, elf.length));
        image.put(0, elf, 0, elf.length);
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        Pointer nameString = Memory.allocateDirect(RUNTIME, nameBytes.length + 1, true);
        nameString.put(0, nameBytes, 0, nameBytes.length);
        Pointer opts = Memory.allocateDirect(RUNTIME, OPEN_OPTS_SIZE, true);
        opts.putLong(0, OPEN_OPTS_SIZE);
        opts.putPointer(8, nameString);
        Pointer handle = NativeLibbpf.checkPointer("open BPF object " + name,
                LIB.bpf_object__open_mem(image, elf.length, opts));
        return new BpfObject(name, image, nameString, handle);
    }

    public String name() {
        return name;
    }

    public boolean isLoaded() {
        return loaded;
    }

    /**
     * Loads every autoload program and creates the maps. If the verifier rejects a program, the
     * exception names it and carries the tail of its verifier log.
     */
    public void load() {
        Pointer obj = handle();
        // Each program gets its own log buffer: with log_level 0 libbpf asks the kernel for no log
        // while a program loads fine, and on a rejection it retries that program at log_level 1
        // into our buffer. So the one buffer that is not empty afterwards names the culprit.
        // malloc'ed, not cleared: only the pages the kernel writes are ever touched.
        List<BpfProgram> programs = programs();
        List<Pointer> logs = new ArrayList<>();
        for (BpfProgram program : programs) {
            Pointer log = Memory.allocateDirect(RUNTIME, LOG_BUFFER_SIZE, false);
            log.putByte(0, (byte) 0);
            logs.add(log);
            NativeLibbpf.check("set log buffer of " + program.name(),
                    LIB.bpf_program__set_log_buf(program.handle(), log, LOG_BUFFER_SIZE));
        }
        int result = LIB.bpf_object__load(obj);
        for (BpfProgram program : programs) {
            // Detach our buffers so libbpf never touches them after they are garbage collected.
            LIB.bpf_program__set_log_buf(program.handle(), null, 0);
        }
        if (result < 0) {
            int errno = -result;
            String failed = null;
            String log = "";
            for (int i = 0; i < programs.size() && failed == null; i++) {
                if (logs.get(i).getByte(0) != 0) {
                    failed = programs.get(i).name();
                    log = tail(logs.get(i).getString(0, LOG_BUFFER_SIZE, StandardCharsets.UTF_8));
                }
            }
            String operation = "load BPF object " + name + (failed == null ? "" : " (program " + failed + ")");
            throw new BpfException(operation, errno, NativeLibbpf.strerror(errno), log, failed);
        }
        loaded = true;
    }

    private static String tail(String log) {
        if (log.length() <= LOG_TAIL_CHARS) {
            return log;
        }
        int start = log.indexOf('\n', log.length() - LOG_TAIL_CHARS);
        return "...\n" + log.substring(start < 0 ? log.length() - LOG_TAIL_CHARS : start + 1);
    }

    /** The program whose C function is {@code programName}; throws if there is none. */
    public BpfProgram program(String programName) {
        Pointer prog = NativeLibbpf.checkPointer("find program " + programName + " in " + name,
                LIB.bpf_object__find_program_by_name(handle(), programName));
        return new BpfProgram(this, prog);
    }

    /** All programs in ELF order. */
    public List<BpfProgram> programs() {
        Pointer obj = handle();
        List<BpfProgram> result = new ArrayList<>();
        for (Pointer p = LIB.bpf_object__next_program(obj, null); p != null && p.address() != 0;
                p = LIB.bpf_object__next_program(obj, p)) {
            result.add(new BpfProgram(this, p));
        }
        return result;
    }

    /** The map named {@code mapName} (global data maps are named like {@code "<obj>.bss"}). */
    public BpfMap map(String mapName) {
        Pointer map = NativeLibbpf.checkPointer("find map " + mapName + " in " + name,
                LIB.bpf_object__find_map_by_name(handle(), mapName));
        return new BpfMap(this, map);
    }

    /** All maps, including the ones libbpf creates for .data/.bss/.rodata. */
    public List<BpfMap> maps() {
        Pointer obj = handle();
        List<BpfMap> result = new ArrayList<>();
        for (Pointer m = LIB.bpf_object__next_map(obj, null); m != null && m.address() != 0;
                m = LIB.bpf_object__next_map(obj, m)) {
            result.add(new BpfMap(this, m));
        }
        return result;
    }

    /** Remembers a link so that {@link #detachAll()} and {@link #close()} destroy it. */
    BpfLink register(BpfLink link) {
        // Links their callers closed early need no destroying; forgetting them keeps a long
        // session that attaches and detaches repeatedly from accumulating dead entries.
        links.removeIf(BpfLink::isClosed);
        links.add(link);
        return link;
    }

    /**
     * Destroys every link attached from this object's programs, newest first (the reverse of
     * attaching, so a hook that depends on an earlier one goes first). Every link is tried even
     * when some fail; none is remembered afterwards, so calling this again does nothing until
     * the next attach. Links already closed by their callers are skipped.
     *
     * @throws BpfException the first detach failure, once all were tried; later failures are
     *                      attached to it as suppressed exceptions
     */
    public void detachAll() {
        RuntimeException first = null;
        while (!links.isEmpty()) {
            // Removed before closing: a link is destroyed at most once, whatever close() does.
            BpfLink link = links.remove(links.size() - 1);
            try {
                link.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    Pointer handle() {
        if (handle == null) {
            throw new IllegalStateException("BPF object " + name + " is closed");
        }
        return handle;
    }

    boolean isClosed() {
        return handle == null;
    }

    /**
     * Detaches every link as {@link #detachAll()} does, then always closes the object, unloading
     * its programs and maps, even if a detach failed: giving up there would leave the programs
     * loaded and the object's fds and memory held for the rest of the process. Idempotent.
     *
     * @throws BpfException the first detach failure, after the object was closed
     */
    @Override
    public void close() {
        if (handle == null) {
            return;
        }
        try {
            detachAll();
        } finally {
            Pointer obj = handle;
            handle = null;
            LIB.bpf_object__close(obj);
            // Keep the ELF image and name reachable until libbpf has let go of them.
            java.lang.ref.Reference.reachabilityFence(elfImage);
            java.lang.ref.Reference.reachabilityFence(nameString);
        }
    }
}

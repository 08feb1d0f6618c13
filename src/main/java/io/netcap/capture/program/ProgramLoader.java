package io.netcap.capture.program;

import io.netcap.bpf.BpfException;
import io.netcap.bpf.BpfMap;
import io.netcap.bpf.BpfObject;
import io.netcap.bpf.BpfProgram;
import io.netcap.bpf.Errno;
import io.netcap.bpf.ClangCompiler;
import io.netcap.bpf.ClangException;
import io.netcap.capture.CaptureException;
import io.netcap.capture.StartupPhases;
import io.netcap.capture.extension.ExtensionDecoder;
import io.netcap.capture.extension.ExtensionErrors;
import io.netcap.capture.extension.Extensions;
import io.netcap.capture.kernel.KernelLayout;
import java.util.List;
import java.util.function.Consumer;

/**
 * Compiles, opens, configures and loads a generated program. A plain function hook starts as
 * fentry; when the kernel refuses to load it (fentry not permitted, function not traceable),
 * that hook is regenerated as a kprobe and the load retried, if this kernel has kprobes. The
 * result says which program was finally loaded, so messages name the hook kind really in use.
 */
public final class ProgramLoader {
    /**
     * The program as finally loaded (hooks may have fallen back) and its object, not yet attached.
     *
     * @param compiled whether clang ran for it (false: every object came from the cache)
     */
    /**
     * @param decoder  what shows the --ext-action's struct, read from the object's BTF; null without an action
     */
    public record Loaded(CaptureProgram program, BpfObject object, boolean compiled, ExtensionDecoder decoder) {
    }

    private ProgramLoader() {
    }

    /**
     * Attaches every hook's program; the object owns the links, so closing or detaching it
     * removes the ones already attached when a later one fails. First hands the program the
     * kernel's memory layout, where a hook reads page fragments by it, from the first packet on.
     */
    public static void attach(BpfObject object, CaptureProgram program) {
        if (program.readsFragmentsByLayout()) {
            KernelLayout.addresses().ifPresent(a -> object.map(KernelAbi.LAYOUT_MAP)
                    .update(new byte[4], KernelAbi.encodeLayout(a.pageOffsetBase(), a.vmemmapBase())));
        }
        for (Hook hook : program.hooks()) {
            try {
                BpfProgram prog = object.program(hook.programName());
                UserProbe user = hook.user();
                switch (hook.kind()) {
                    case UPROBE -> prog.attachUprobe(user.pid(), user.binary(), user.offset(), hook.target());
                    case USDT -> prog.attachUsdt(user.pid(), user.binary(), user.provider(), hook.target());
                    default -> prog.attach();
                }
            } catch (BpfException e) {
                throw CaptureException.runtime("cannot attach to " + hook.spec() + ": " + e.getMessage()
                        + (hook.user() != null && hook.user().pid() > 0 && e.errno() == Errno.ESRCH
                                ? " (process " + hook.user().pid() + " has exited)" : ""), e);
            }
        }
    }

    /**
     * @param kprobes   whether this kernel can attach kprobes
     * @param config    the run-time settings, written into the object's .rodata
     * @param configure sizes maps before load (the object is not loaded yet)
     */
    public static Loaded load(CaptureProgram program, ProgramConfig config, boolean kprobes,
                              Consumer<BpfObject> configure) {
        return load(program, config, kprobes, configure, new ClangCompiler());
    }

    /** As {@link #load(CaptureProgram, ProgramConfig, boolean, Consumer)}, with this compiler and its cache. */
    static Loaded load(CaptureProgram program, ProgramConfig config, boolean kprobes, Consumer<BpfObject> configure,
                       ClangCompiler clang) {
        CaptureProgram current = program;
        boolean compiled = false;
        ExtensionDecoder decoder = null;
        // each retry drops the dynptr or turns at least one fentry hook into a kprobe
        for (int attempt = 0; attempt <= program.hooks().size() + 1; attempt++) {
            ClangCompiler.Compilation c = compile(clang, current);
            StartupPhases.mark("compile", c.cacheHit() ? "cached" : "clang");
            compiled |= !c.cacheHit();
            Extensions ext = current.extensions();
            if (decoder == null && ext.action() != null) {
                // before load: a struct netcap cannot show is a usage error, not a surprise at the first packet
                decoder = ExtensionDecoder.fromObject(c.object(), ext.action(), ext.color());
            }
            BpfObject object = BpfObject.open(c.object(), current.kind().objectName());
            try {
                object.map(KernelAbi.SCRATCH_MAP).setMaxEntries(BpfMap.possibleCpus());
                object.map(KernelAbi.CONFIG_MAP).setInitialValue(KernelAbi.encodeConfig(config, current.filter().readExtent()));
                // A stack map is allocated whole at load: one entry when nothing records stacks.
                object.map(KernelAbi.STACKS_MAP).setMaxEntries(config.stacks() ? KernelAbi.STACK_ENTRIES : 1);
                configure.accept(object);
                object.load();
                StartupPhases.mark("load");
                return new Loaded(current, object, compiled, decoder);
            } catch (BpfException e) {
                object.close();
                current = refusedDirectLoads(current, e) ? current.withoutDirectLoads()
                        : refusedSkbDynptr(current, e) ? current.withoutSkbDynptr() : fallBack(current, kprobes, e);
            } catch (RuntimeException e) {
                object.close();
                throw e;
            }
        }
        throw new IllegalStateException("unreachable: every hook already fell back");
    }

    static ClangCompiler.Compilation compile(ClangCompiler clang, CaptureProgram program) {
        try {
            Extensions ext = program.extensions();
            if (!ext.any()) {
                return clang.compile(program.kind().mainFile(), ProgramGenerator.generate(program));
            }
            return clang.compile(program.kind().mainFile(), ProgramGenerator.generate(program), ext.clangFlags(),
                    !ext.includesOwnHeaders());
        } catch (ClangException e) {
            if (program.extensions().any() && !e.output().isEmpty()) {
                throw ExtensionErrors.compileFailure(e, program.extensions());
            }
            throw CaptureException.runtime(e.getMessage(), e);
        }
    }

    /**
     * Whether the verifier refused the kfunc bpf_dynptr_from_skb (a kernel that has it but not
     * for tracing programs, or not for this hook): then packets are read as before 6.3, through
     * the linear part and the kallsyms path, and PacketReach says what that costs.
     */
    static boolean refusedSkbDynptr(CaptureProgram program, BpfException e) {
        return program.skbDynptr() && e.verifierLog() != null && e.verifierLog().contains("bpf_dynptr_from_skb");
    }

    /**
     * Whether the verifier refused bpf_rdonly_cast to void (kernels from 6.2, which have the kfunc,
     * to 6.16, which cast only to structs): then the first bytes of a packet are copied with
     * bpf_probe_read_kernel, as on every other hook kind.
     */
    static boolean refusedDirectLoads(CaptureProgram program, BpfException e) {
        return program.directLoads() && e.verifierLog() != null && e.verifierLog().contains("bpf_rdonly_cast");
    }

    /**
     * The program with the fentry hooks that failed turned into kprobes, or an exception saying why
     * that cannot be. A refusal before verification (EPERM for fentry) leaves no verifier log, so
     * libbpf cannot say which program failed; then every fentry hook is taken as the cause.
     */
    private static CaptureProgram fallBack(CaptureProgram current, boolean kprobes, BpfException e) {
        List<Hook> fentry = current.hooks().stream().filter(h -> h.kind() == HookKind.FENTRY).toList();
        List<Hook> failed = e.program() != null
                ? current.hooks().stream().filter(h -> h.programName().equals(e.program())).toList()
                : fentry;
        if (failed.isEmpty() || failed.stream().anyMatch(h -> h.kind() != HookKind.FENTRY)) {
            throw CaptureException.runtime(LoadFailure.describe(e, current.hooks(), current.extensions()), e);
        }
        String why = "the kernel refused fentry (" + e.libbpfMessage() + ")";
        for (Hook hook : failed) {
            if (!hook.kprobeFallback()) {
                throw CaptureException.runtime("cannot capture at " + hook.spec() + ": " + why
                        + "; without the fentry: prefix netcap falls back to a kprobe", e);
            }
            if (!kprobes) {
                throw HookResolver.functionHooksUnavailable(hook.target() + "@" + (hook.skbLocation() + 1),
                        why + " and it has no kprobes (CONFIG_KPROBES is not set)");
            }
            current = current.withHook(hook.asKprobe());
        }
        return current;
    }
}

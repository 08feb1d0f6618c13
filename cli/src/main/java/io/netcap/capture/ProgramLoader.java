package io.netcap.capture;

import io.netcap.bpf.BpfException;
import io.netcap.bpf.BpfLink;
import io.netcap.bpf.BpfMap;
import io.netcap.bpf.BpfObject;
import io.netcap.bpf.CaptureHook;
import io.netcap.bpf.CaptureProgram;
import io.netcap.cli.NetcapException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Compiles, opens and loads a generated program. A plain function hook starts as fentry; when
 * the kernel refuses to load it (fentry not permitted, function not traceable), that hook is
 * regenerated as a kprobe and the load retried, if this kernel has kprobes. The result says
 * which program was finally loaded, so messages name the hook kind really in use.
 */
final class ProgramLoader {
    record Loaded(CaptureProgram program, BpfObject object) {
    }

    private ProgramLoader() {
    }

    /**
     * Attaches every hook's program, adding each link to {@code links} as it is made, so the
     * caller detaches the ones already attached when a later one fails. First hands the program
     * the kernel's memory layout, so it can read page fragments from the first packet on.
     */
    static void attach(BpfObject object, CaptureProgram program, List<BpfLink> links) {
        KernelLayout.writeTo(object);
        for (CaptureHook hook : program.hooks()) {
            try {
                links.add(object.program(hook.programName()).attach());
            } catch (BpfException e) {
                throw new NetcapException(NetcapException.RUNTIME,
                        "cannot attach to " + hook.spec() + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * The program with the fentry hooks that failed turned into kprobes, or an exception saying why
     * that cannot be. A refusal before verification (EPERM for fentry) leaves no verifier log, so
     * libbpf cannot say which program failed; then every fentry hook is taken as the cause.
     */
    private static CaptureProgram fallBack(CaptureProgram current, List<HookSpec> specs, boolean kprobes, BpfException e) {
        List<CaptureHook> fentry = current.hooks().stream().filter(h -> h.kind() == CaptureHook.Kind.FENTRY).toList();
        List<CaptureHook> failed = e.program() != null
                ? current.hooks().stream().filter(h -> h.programName().equals(e.program())).toList()
                : fentry;
        if (failed.isEmpty() || failed.stream().anyMatch(h -> h.kind() != CaptureHook.Kind.FENTRY)) {
            throw new NetcapException(NetcapException.RUNTIME, LoadFailure.describe(e, current.hooks()), e);
        }
        String why = "the kernel refused fentry (" + e.libbpfMessage() + ")";
        for (CaptureHook hook : failed) {
            HookSpec spec = specs.get(hook.index());
            if (spec.kind() != HookSpec.Kind.FUNCTION) {
                throw new NetcapException(NetcapException.RUNTIME, "cannot capture at " + hook.spec() + ": " + why
                        + "; without the fentry: prefix netcap falls back to a kprobe", e);
            }
            if (!kprobes) {
                throw HookResolver.functionHooksUnavailable(spec.text(),
                        why + " and it has no kprobes (CONFIG_KPROBES is not set)");
            }
            current = current.withHook(hook.asKprobe());
        }
        return current;
    }

    /**
     * @param specs      what the user wrote, by hook index: only plain FUNCTION hooks may fall back
     * @param kprobes    whether this kernel can attach kprobes
     * @param configure  sizes maps before load (the object is not loaded yet)
     */
    static Loaded load(CaptureProgram program, List<HookSpec> specs, boolean kprobes, String mainFile,
                       Function<CaptureProgram, Map<String, String>> generator, String objectName,
                       java.util.function.Consumer<BpfObject> configure) {
        CaptureProgram current = program;
        for (int attempt = 0; attempt <= program.hooks().size(); attempt++) {
            byte[] elf = ProgramPreparation.compile(generator.apply(current), mainFile);
            BpfObject object = BpfObject.open(elf, objectName);
            try {
                object.map("netcap_scratch").setMaxEntries(BpfMap.possibleCpus());
                configure.accept(object);
                object.load();
                return new Loaded(current, object);
            } catch (BpfException e) {
                object.close();
                current = fallBack(current, specs, kprobes, e);
            }
        }
        throw new IllegalStateException("unreachable: every hook already fell back");
    }
}

package io.netcap.capture.program;

import io.netcap.capture.kernel.TraceFs;
import io.netcap.bpf.BpfException;
import io.netcap.bpf.ClangCompiler;
import io.netcap.bpf.KernelFeatures;
import io.netcap.bpf.btf.Btf;
import io.netcap.bpf.btf.SkbFunction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which kinds of hook the running kernel lets netcap attach. These are properties of the
 * kernel, not of a function or tracepoint, so they are worked out once per run.
 *
 * <p>Every answer is one of yes, no (with the reason) or unknown (with what would be needed to
 * find out): without root nothing can be loaded, and guessing would send users to hooks that
 * then fail.
 */
public final class AttachSupport {
    /** libbpf attaches kprobes through this PMU when it exists, else through tracefs's kprobe_events. */
    static final Path KPROBE_PMU = Path.of("/sys/bus/event_source/devices/kprobe");
    private static final String TRIAL_FUNCTION = "icmp_rcv";
    private static final String TRIAL_TRACEPOINT = "netif_receive_skb";

    /**
     * One answer.
     *
     * @param available true, false, or null when it could not be found out
     * @param detail    why not or why unknown; "" for a plain yes
     */
    public record Availability(Boolean available, String detail) {
        static Availability yes() {
            return new Availability(true, "");
        }

        static Availability no(String why) {
            return new Availability(false, why);
        }

        static Availability unknown(String why) {
            return new Availability(null, why);
        }

        /** "yes", "no (why)" or "unknown (why)". */
        public String describe() {
            String word = available == null ? "unknown" : available ? "yes" : "no";
            return detail.isEmpty() ? word : word + " (" + detail + ")";
        }

        /** Known not to work; unknown counts as possibly working. */
        public boolean ruledOut() {
            return Boolean.FALSE.equals(available);
        }
    }

    private final String release;
    private final Map<HookKind, Availability> byKind;

    AttachSupport(String release, Map<HookKind, Availability> byKind) {
        this.release = release;
        this.byKind = new EnumMap<>(byKind);
    }

    /** Works out every answer for the running kernel; loads small test programs only as root. */
    public static AttachSupport detect(Btf btf, Optional<TraceFs> traceFs, boolean root) {
        return detect(btf, traceFs, root, new AttachTrial(new ClangCompiler()));
    }

    static AttachSupport detect(Btf btf, Optional<TraceFs> traceFs, boolean root, AttachTrial trial) {
        Map<HookKind, Availability> kinds = new EnumMap<>(HookKind.class);
        kinds.put(HookKind.KPROBE, kprobe(traceFs));
        kinds.put(HookKind.TRACEPOINT, tracepoint(traceFs, root));
        if (root) {
            kinds.put(HookKind.RAW_TP, programType(KernelFeatures.PROG_TYPE_RAW_TRACEPOINT));
            kinds.put(HookKind.TP_BTF, tryAttach(trial, "tp_btf", tracepointTarget(btf)));
            kinds.put(HookKind.FENTRY, tryAttach(trial, "fentry", functionTarget(btf)));
        } else {
            Availability notRoot = Availability.unknown("needs root to test");
            kinds.put(HookKind.RAW_TP, notRoot);
            kinds.put(HookKind.TP_BTF, notRoot);
            kinds.put(HookKind.FENTRY, notRoot);
        }
        return new AttachSupport(System.getProperty("os.version"), kinds);
    }

    /** The kernel release, e.g. "6.18.0". */
    public String release() {
        return release;
    }

    /**
     * Whether hooks of this kind can attach. For a plain function hook (FUNCTION) netcap tries
     * fentry and then kprobe, so it works when either does.
     */
    public Availability availability(HookKind kind) {
        if (kind == HookKind.FUNCTION) {
            Availability fentry = byKind.get(HookKind.FENTRY);
            Availability kprobe = byKind.get(HookKind.KPROBE);
            if (Boolean.TRUE.equals(fentry.available()) || Boolean.TRUE.equals(kprobe.available())) {
                return Availability.yes();
            }
            if (fentry.ruledOut() && kprobe.ruledOut()) {
                return Availability.no("neither fentry nor kprobe");
            }
            return Availability.unknown("depends on fentry and kprobe");
        }
        return byKind.get(kind);
    }

    private static Availability kprobe(Optional<TraceFs> traceFs) {
        if (Files.isDirectory(KPROBE_PMU)) {
            return Availability.yes();
        }
        if (traceFs.isEmpty()) {
            return Availability.unknown("tracefs is not readable without root");
        }
        return traceFs.get().hasKprobes() ? Availability.yes()
                : Availability.no("no kprobe_events in tracefs: kernel built without kprobes");
    }

    private static Availability tracepoint(Optional<TraceFs> traceFs, boolean root) {
        if (traceFs.isEmpty()) {
            return root ? Availability.no("tracefs is not mounted and could not be mounted")
                    : Availability.unknown("tracefs is not readable without root");
        }
        return root ? programType(KernelFeatures.PROG_TYPE_TRACEPOINT) : Availability.unknown("needs root to test");
    }

    /** libbpf's program-type probe is reliable for tracepoint and raw_tp, which have no attach-type variants. */
    private static Availability programType(int type) {
        try {
            return KernelFeatures.supportsProgramType(type) ? Availability.yes()
                    : Availability.no("the kernel refuses this program type");
        } catch (BpfException e) {
            return Availability.unknown(e.getMessage());
        } catch (LinkageError e) {
            return Availability.unknown("libbpf is not usable: " + e.getMessage());
        }
    }

    private static Availability tryAttach(AttachTrial trial, String kind, Optional<String> target) {
        if (target.isEmpty()) {
            return Availability.no("the kernel's BTF has nothing to attach " + kind + " to");
        }
        AttachTrial.Outcome outcome = trial.attempt(kind + "/" + target.get());
        return outcome.attached() == null ? Availability.unknown(outcome.detail())
                : outcome.attached() ? Availability.yes() : Availability.no(outcome.detail());
    }

    /** A function every networking kernel has, so a refusal is about fentry and not about the target. */
    private static Optional<String> functionTarget(Btf btf) {
        if (btf.findFuncParams(TRIAL_FUNCTION).isPresent()) {
            return Optional.of(TRIAL_FUNCTION);
        }
        List<SkbFunction> functions = btf.functionsWithSkb();
        return functions.isEmpty() ? Optional.empty() : Optional.of(functions.get(0).name());
    }

    private static Optional<String> tracepointTarget(Btf btf) {
        if (btf.findTracepointParams(TRIAL_TRACEPOINT).isPresent()) {
            return Optional.of(TRIAL_TRACEPOINT);
        }
        return btf.tracepointNames().stream().findFirst();
    }
}

package io.netcap.capture.program;

import io.netcap.bpf.btf.Btf;
import io.netcap.capture.CaptureException;
import io.netcap.capture.kernel.TraceFs;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where an skb can be captured on this kernel, as {@code netcap list} shows it: which kinds of hook
 * the kernel attaches, and the functions and tracepoints with an skb argument, each hook marked as
 * taken or refused by {@code netcap skb -f}. Built by {@link #build}; rendering is the caller's job.
 *
 * @param support     which kinds of hook this kernel attaches
 * @param functions   the functions, when the scope asked for them
 * @param tracepoints the tracepoints in event-name order, when the scope asked for them
 */
public record HookListing(AttachSupport support, Optional<CheckedFunctions> functions,
                          Optional<List<CheckedTracepoint>> tracepoints) {

    /**
     * The kinds whose support a listing reports, what works everywhere first. {@link HookKind#FUNCTION}
     * is not among them: it is fentry or kprobe, whichever attaches.
     */
    public static final List<HookKind> KERNEL_KINDS = List.of(HookKind.TRACEPOINT, HookKind.RAW_TP,
            HookKind.TP_BTF, HookKind.FENTRY, HookKind.KPROBE);

    /** What a listing covers. */
    public enum Scope {
        FUNCTIONS, TRACEPOINTS, BOTH;

        boolean functions() {
            return this != TRACEPOINTS;
        }

        boolean tracepoints() {
            return this != FUNCTIONS;
        }
    }

    /**
     * A hook text that netcap skb would not take here, and why.
     *
     * @param byKernel true when the kernel cannot attach this kind of hook at all, which the
     *                 kernel's support already says once for every hook of the kind; false when
     *                 netcap refuses this one hook
     */
    public record Refusal(String hook, String reason, boolean byKernel) {
    }

    /**
     * The functions with an skb argument. Function hooks are taken or refused all together (the
     * kernel's fentry/kprobe support and netcap's function-hook support decide), so there is at
     * most one refusal.
     *
     * @param refusal empty when netcap skb takes function hooks here, or there are no functions
     */
    public record CheckedFunctions(List<HookCatalog.Function> functions, Optional<Refusal> refusal) {
        public CheckedFunctions {
            functions = List.copyOf(functions);
        }
    }

    /** A tracepoint with its hooks split into those netcap skb takes here and those it refuses. */
    public record CheckedTracepoint(HookCatalog.Tracepoint tracepoint, List<String> accepted, List<Refusal> refused) {
        public CheckedTracepoint {
            accepted = List.copyOf(accepted);
            refused = List.copyOf(refused);
        }
    }

    /**
     * Lists the hooks whose function or event name matches {@code filter} (find semantics). As
     * root this loads tiny test programs to learn which hook kinds the kernel attaches.
     *
     * @param traceFs empty when tracefs cannot be read: classic tracepoint forms are then left out
     * @param root    whether test programs can be loaded; without, kernel support is unknown
     * @throws CaptureException (runtime) when tracefs is there but cannot be read
     */
    public static HookListing build(Btf btf, Optional<TraceFs> traceFs, boolean root, Pattern filter, Scope scope) {
        AttachSupport support = AttachSupport.detect(btf, traceFs, root);
        return build(support, new HookCatalog(btf, traceFs), new HookResolver(traceFs), filter, scope);
    }

    /** {@link #build} with the kernel's answers given, so tests can stand in for a kernel. */
    static HookListing build(AttachSupport support, HookCatalog catalog, HookResolver resolver, Pattern filter,
                             Scope scope) {
        HookListingCheck check = new HookListingCheck(support, resolver);
        Optional<CheckedFunctions> functions = Optional.empty();
        if (scope.functions()) {
            List<HookCatalog.Function> found = catalog.functions(filter);
            functions = Optional.of(new CheckedFunctions(found, check.functions(found)));
        }
        Optional<List<CheckedTracepoint>> tracepoints = Optional.empty();
        if (scope.tracepoints()) {
            try {
                tracepoints = Optional.of(catalog.tracepoints(filter).stream().map(check::tracepoint).toList());
            } catch (IOException e) {
                throw CaptureException.runtime("cannot read tracefs: " + e.getMessage(), e);
            }
        }
        return new HookListing(support, functions, tracepoints);
    }
}

package io.netcap.capture.program;

import io.netcap.capture.CaptureException;
import io.netcap.capture.program.HookListing.CheckedTracepoint;
import io.netcap.capture.program.HookListing.Refusal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides which listed hooks {@code netcap skb -f} takes on this kernel, by asking the same
 * {@link HookResolver} that netcap skb uses, after ruling out kinds the kernel refuses. Listing
 * what BTF allows but netcap skb then rejects would send users round in circles.
 */
final class HookListingCheck {
    private final AttachSupport support;
    private final HookResolver resolver;

    HookListingCheck(AttachSupport support, HookResolver resolver) {
        this.support = support;
        this.resolver = resolver;
    }

    /**
     * Function hooks stand or fall together (the kernel's fentry/kprobe support, netcap's
     * function-hook support), so the first one answers for all rather than thousands of checks.
     */
    Optional<Refusal> functions(List<HookCatalog.Function> functions) {
        if (functions.isEmpty()) {
            return Optional.empty();
        }
        return refusal(functions.get(0).hooks().get(0));
    }

    CheckedTracepoint tracepoint(HookCatalog.Tracepoint tp) {
        List<HookCatalog.Hook> candidates = new ArrayList<>(tp.hooks());
        // Shown as refused with tracefs's reason, rather than silently missing.
        tp.noSkbIn().forEach(c -> candidates.add(
                new HookCatalog.Hook(HookKind.TRACEPOINT, HookSpec.tracepointText(c, tp.event()))));
        List<String> accepted = new ArrayList<>();
        List<Refusal> refused = new ArrayList<>();
        for (HookCatalog.Hook hook : candidates) {
            refusal(hook).ifPresentOrElse(refused::add, () -> accepted.add(hook.text()));
        }
        return new CheckedTracepoint(tp, accepted, refused);
    }

    private Optional<Refusal> refusal(HookCatalog.Hook hook) {
        AttachSupport.Availability kernel = support.availability(hook.kind());
        if (kernel.ruledOut()) {
            String what = hook.kind() == HookKind.FUNCTION ? "function hooks" : hook.kind().prefix() + " programs";
            return Optional.of(new Refusal(hook.text(), "this kernel cannot attach " + what + ": " + kernel.detail(),
                    true));
        }
        try {
            resolver.resolve(List.of(HookSpec.parse(hook.text())));
            return Optional.empty();
        } catch (CaptureException | IllegalArgumentException | IllegalStateException e) {
            return Optional.of(new Refusal(hook.text(), withoutHookPrefix(e.getMessage(), hook.text()), false));
        }
    }

    /** The resolver starts many messages with the hook text, which a listing already shows beside it. */
    static String withoutHookPrefix(String message, String hook) {
        return message != null && message.startsWith(hook + ": ") ? message.substring(hook.length() + 2) : message;
    }
}

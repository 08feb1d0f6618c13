package io.netcap.capture.session;

import io.netcap.bpf.BpfMap;
import io.netcap.capture.Plural;
import io.netcap.capture.kernel.KernelSymbols;
import io.netcap.capture.kernel.ReasonNames;
import io.netcap.capture.kernel.StackResolver;
import io.netcap.capture.program.CaptureProgram;
import io.netcap.capture.program.Hook;
import io.netcap.capture.program.KernelAbi;
import io.netcap.capture.program.ProgramConfig;
import io.netcap.capture.program.ProgramKind;
import io.netcap.capture.program.ProgramPreparation;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * netcap backtrace: loads the counting program, waits (Ctrl-C, --duration or -c), then reads
 * the counts and the stacks once and prints the report. The kernel does the counting, so the
 * cost per dropped packet is one stack walk and one hash update, with nothing sent to user space.
 */
public final class BacktraceRunner {
    /** How the report is printed. */
    public enum Format { TEXT, JSON, FOLDED }

    /**
     * @param durationMillis stop after this long; 0 for until Ctrl-C (or -c)
     * @param top            print only the most frequent stacks; 0 for all
     */
    public record Report(Format format, long durationMillis, int top) {
    }

    private static final long POLL_MILLIS = 100;

    private BacktraceRunner() {
    }

    public static int run(CaptureRequest request, Report report, PrintWriter out, PrintWriter err) throws IOException {
        // Counting per stack is what backtrace does: its program records every stack.
        ProgramConfig config = request.config().withStacks(true);
        ProgramPreparation.Prepared prepared = ProgramPreparation.prepare(ProgramKind.BACKTRACE, request.hooks(),
                request.expression(), request.transport(), request.dryRun(), request.debug(), err);
        if (request.dryRun()) {
            ProgramPreparation.printDryRun(out, prepared.program(), config);
            return 0;
        }
        try (AttachedProgram attached = AttachedProgram.load(prepared, config, object -> { })) {
            SelectionCheck.warn(config, err); // loaded, so root: the namespaces can be seen
            attached.attach(err);
            long duration = report.durationMillis();
            err.println("netcap: listening on " + attached.hookList() + ", counting kernel stacks"
                    + (duration > 0 ? " for " + duration / 1000.0 + " s" : "") + " (Ctrl-C to print)");
            err.flush();
            long deadline = duration > 0 ? System.nanoTime() + duration * 1_000_000L : Long.MAX_VALUE;
            while (!attached.stopRequested() && System.nanoTime() < deadline
                    && (request.limit() == 0 || attached.counters().matched() < request.limit())) {
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            attached.detach();
            CaptureProgram program = attached.program();
            BacktraceReport counted = BacktraceReport.of(readCounts(attached, program));
            print(counted, report, program, request.expression(), out);
            KernelAbi.Counters t = attached.counters();
            err.println(Plural.of(counted.total(), "packet") + " counted in "
                    + Plural.of(counted.entries().size(), "stack")
                    + " (" + t.seen() + " seen at the hooks)");
            if (counted.withoutStack() > 0) {
                err.println(counted.withoutStack() + " of them without a stack: the kernel could not record it");
            }
            if (t.unlocated() > 0) {
                err.println(t.unlocated() + " packets not counted: packet data not found or the count map was full");
            }
            err.flush();
            return 0;
        }
    }

    private static void print(BacktraceReport counted, Report report, CaptureProgram program, String expression,
                              PrintWriter out) throws IOException {
        switch (report.format()) {
            case TEXT -> counted.printText(out, report.top(), program.hooks().size() > 1);
            case FOLDED -> counted.printFolded(out, report.top());
            case JSON -> counted.printJson(out, report.top(), program.hooks().stream().map(Hook::spec).toList(),
                    expression);
        }
    }

    /** Reads every (stack, hook, reason) count and resolves each stack once. */
    private static List<BacktraceReport.Entry> readCounts(AttachedProgram attached, CaptureProgram program)
            throws IOException {
        BpfMap drops = attached.object().map(KernelAbi.DROPS_MAP);
        StackResolver stacks = new StackResolver(attached.object().map(KernelAbi.STACKS_MAP), KernelSymbols.load());
        ReasonNames reasons = ReasonNames.load(program.reasonEnums());
        Map<Integer, List<String>> frames = new HashMap<>();
        List<BacktraceReport.Entry> entries = new ArrayList<>();
        byte[] key = null;
        byte[] next = new byte[KernelAbi.DROP_KEY_SIZE];
        byte[] value = new byte[8];
        while (drops.nextKey(key, next)) {
            key = next.clone();
            if (!drops.lookup(key, value)) {
                continue;
            }
            KernelAbi.DropKey k = KernelAbi.decodeDropKey(key);
            Hook hook = program.hooks().get(k.hook());
            long count = KernelAbi.decodeCount(value);
            List<String> stack = frames.computeIfAbsent(k.stackId(), stacks::functions);
            BacktraceReport.Reason reason = hook.hasReason()
                    ? new BacktraceReport.Reason(hook.reason().label(), reasons.name(hook.reason(), k.reason())) : null;
            entries.add(new BacktraceReport.Entry(stack, hook.spec(), reason, count));
        }
        return entries;
    }
}

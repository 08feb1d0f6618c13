package io.netcap.capture;

import io.netcap.bpf.BpfLink;
import io.netcap.bpf.BpfMap;
import io.netcap.bpf.BpfObject;
import io.netcap.bpf.CaptureHook;
import io.netcap.bpf.CaptureProgram;
import io.netcap.bpf.CaptureProgramGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
    public enum Format { TEXT, JSON, FOLDED }

    private static final long POLL_MILLIS = 100;
    private static final int KEY_SIZE = 16;

    private final CaptureSettings settings;
    private final PrintWriter out;
    private final PrintWriter err;
    private final long durationMillis;
    private final Format format;
    private final int top;

    /** @param durationMillis stop after this long; 0 for until Ctrl-C (or -c) */
    public BacktraceRunner(CaptureSettings settings, PrintWriter out, PrintWriter err, long durationMillis,
                           Format format, int top) {
        this.settings = settings;
        this.out = out;
        this.err = err;
        this.durationMillis = durationMillis;
        this.format = format;
        this.top = top;
    }

    public int run(List<HookSpec> specs) throws IOException {
        ProgramPreparation.Prepared prepared = ProgramPreparation.prepare(settings, specs);
        CaptureProgram program = prepared.program();
        if (settings.dryRun()) {
            ProgramPreparation.printDryRun(out, CaptureProgramGenerator.generateBacktrace(program),
                    CaptureProgramGenerator.BACKTRACE_FILE);
            return 0;
        }
        ProgramLoader.Loaded loaded = ProgramLoader.load(program, specs, prepared.kprobes(),
                CaptureProgramGenerator.BACKTRACE_FILE, CaptureProgramGenerator::generateBacktrace, "netcap_backtrace",
                object -> { });
        program = loaded.program();
        StopSignal stop = StopSignal.install();
        List<BpfLink> links = new ArrayList<>();
        try (BpfObject object = loaded.object()) {
            ProgramLoader.attach(object, program, links);
            err.println("netcap: listening on " + CaptureRunner.hookList(program.hooks())
                    + ", counting kernel stacks" + (durationMillis > 0 ? " for " + durationMillis / 1000.0 + " s" : "")
                    + " (Ctrl-C to print)");
            err.flush();
            BpfMap stats = object.map("netcap_stats");
            long deadline = durationMillis > 0 ? System.nanoTime() + durationMillis * 1_000_000L : Long.MAX_VALUE;
            while (!stop.requested() && System.nanoTime() < deadline
                    && (settings.count() == 0 || Summary.read(stats, program.hooks().size()).matched() < settings.count())) {
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            for (int i = links.size() - 1; i >= 0; i--) {
                links.get(i).close();
            }
            BacktraceReport report = BacktraceReport.of(readCounts(object, program));
            print(report, program);
            Summary.Totals t = Summary.read(stats, program.hooks().size());
            err.println(report.total() + " packet" + (report.total() == 1 ? "" : "s") + " counted in "
                    + report.entries().size() + " stack" + (report.entries().size() == 1 ? "" : "s")
                    + " (" + t.seen() + " seen at the hooks)");
            if (report.withoutStack() > 0) {
                err.println(report.withoutStack() + " of them without a stack: the kernel could not record it");
            }
            if (t.unlocated() > 0) {
                err.println(t.unlocated() + " packets not counted: packet data not found or the count map was full");
            }
            err.flush();
            return 0;
        } finally {
            for (BpfLink link : links) {
                link.close();
            }
            stop.uninstall();
        }
    }

    private void print(BacktraceReport report, CaptureProgram program) throws IOException {
        switch (format) {
            case TEXT -> report.printText(out, top, program.hooks().size() > 1);
            case FOLDED -> report.printFolded(out, top);
            case JSON -> report.printJson(out, top, program.hooks().stream().map(CaptureHook::spec).toList(),
                    settings.expression());
        }
    }

    /** Reads every (stack, hook, reason) count and resolves each stack once. */
    private List<BacktraceReport.Entry> readCounts(BpfObject object, CaptureProgram program) throws IOException {
        BpfMap drops = object.map("netcap_drops");
        StackResolver stacks = new StackResolver(object.map("netcap_stacks"), KernelSymbols.load());
        DropReasons reasons = DropReasons.forHooks(program.hooks());
        Map<Integer, List<String>> frames = new HashMap<>();
        List<BacktraceReport.Entry> entries = new ArrayList<>();
        byte[] key = null;
        byte[] next = new byte[KEY_SIZE];
        byte[] value = new byte[8];
        while (drops.nextKey(key, next)) {
            key = next.clone();
            if (!drops.lookup(key, value)) {
                continue;
            }
            ByteBuffer k = ByteBuffer.wrap(key).order(ByteOrder.nativeOrder());
            int stackId = k.getInt(0);
            CaptureHook hook = program.hooks().get(k.getInt(4));
            long count = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getLong(0);
            List<String> stack = frames.computeIfAbsent(stackId, stacks::functions);
            String reason = reasons.nameAt(hook, Integer.toUnsignedLong(k.getInt(8)));
            entries.add(new BacktraceReport.Entry(stack, hook.spec(), reason, count));
        }
        return entries;
    }
}

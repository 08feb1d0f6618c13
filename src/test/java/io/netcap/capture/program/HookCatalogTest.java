package io.netcap.capture.program;

import static io.netcap.capture.program.KernelBtf.exactly;
import io.netcap.capture.kernel.TraceFs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netcap.bpf.ClangCompiler;
import io.netcap.bpf.Privileges;
import io.netcap.bpf.btf.Btf;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The catalogue read from this machine's kernel BTF (and tracefs, when root can read it). */
class HookCatalogTest {
    private static Btf btf;

    @BeforeAll
    static void readKernelBtf() throws IOException {
        btf = KernelBtf.read();
    }

    @Test
    void icmpRcvTakesItsSkbFirst() {
        List<HookCatalog.Function> found = new HookCatalog(btf, Optional.empty()).functions(exactly("icmp_rcv"));
        assertEquals(1, found.size(), found.toString());
        HookCatalog.Function f = found.get(0);
        assertEquals("icmp_rcv", f.name());
        assertEquals(List.of(1), f.skbArgs());
        assertEquals(List.of("struct sk_buff *skb"), f.params());
        assertEquals(List.of(new HookCatalog.Hook(HookKind.FUNCTION, "icmp_rcv@1")), f.hooks());
    }

    @Test
    void everyFunctionWithAnSkbIsListedWithOneHookPerSkbArgument() {
        List<HookCatalog.Function> all = new HookCatalog(btf, Optional.empty()).functions(Pattern.compile(""));
        assertTrue(all.size() > 1000, "only " + all.size() + " functions");
        assertEquals(btf.functionsWithSkb().size(), all.size());
        for (HookCatalog.Function f : all) {
            assertFalse(f.skbArgs().isEmpty(), f.name());
            assertEquals(f.skbArgs().size(), f.hooks().size(), f.name());
            if (!f.params().isEmpty()) {
                for (int arg : f.skbArgs()) {
                    assertTrue(f.params().get(arg - 1).contains("struct sk_buff *"), f + " argument " + arg);
                }
            }
        }
    }

    @Test
    void aFunctionWithTwoSkbsOffersBothArguments() {
        List<HookCatalog.Function> found = new HookCatalog(btf, Optional.empty()).functions(exactly("skb_try_coalesce"));
        assumeTrue(found.size() == 1, "this kernel has no single skb_try_coalesce");
        assertEquals(List.of(1, 2), found.get(0).skbArgs());
        assertEquals(List.of("skb_try_coalesce@1", "skb_try_coalesce@2"),
                found.get(0).hooks().stream().map(HookCatalog.Hook::text).toList());
    }

    @Test
    void filterUsesFindSoUnanchoredPatternsMatchInside() {
        HookCatalog catalog = new HookCatalog(btf, Optional.empty());
        List<HookCatalog.Function> inside = catalog.functions(Pattern.compile("cmp_rc"));
        assertTrue(inside.stream().anyMatch(f -> f.name().equals("icmp_rcv")), inside.toString());
        assertTrue(catalog.functions(Pattern.compile("^no_such_function_at_all$")).isEmpty());
    }

    @Test
    void withoutTracefsOnlyBtfFormsAreOffered() throws IOException {
        List<HookCatalog.Tracepoint> found = new HookCatalog(btf, Optional.empty())
                .tracepoints(exactly("netif_receive_skb"));
        assertEquals(1, found.size());
        HookCatalog.Tracepoint tp = found.get(0);
        assertEquals(List.of(1), tp.skbArgs());
        assertEquals(HookCatalog.TracefsForm.TRACEFS_UNREADABLE, tp.tracefsForm());
        assertNull(tp.category());
        assertEquals(List.of("tp_btf:netif_receive_skb", "raw_tp:netif_receive_skb"),
                tp.hooks().stream().map(HookCatalog.Hook::text).toList());
    }

    @Test
    void tracepointsWithoutAnSkbAreLeftOut() throws IOException {
        List<HookCatalog.Tracepoint> all = new HookCatalog(btf, Optional.empty()).tracepoints(Pattern.compile(""));
        assertTrue(all.size() >= 10, all.toString());
        assertTrue(all.stream().noneMatch(tp -> tp.event().equals("sched_switch")));
        assertTrue(all.stream().allMatch(tp -> !tp.skbArgs().isEmpty()));
    }

    @Test
    void withTracefsTheCategoryComesFromItsEventDirectories() throws IOException {
        Optional<TraceFs> traceFs = TraceFs.open();
        assumeTrue(traceFs.isPresent(), "needs a readable tracefs (root)");
        HookCatalog catalog = new HookCatalog(btf, traceFs);
        HookCatalog.Tracepoint receive = catalog.tracepoints(exactly("netif_receive_skb")).get(0);
        assertEquals(HookCatalog.TracefsForm.USABLE, receive.tracefsForm());
        assertEquals("net", receive.category());
        assertEquals(List.of("tp_btf:netif_receive_skb", "raw_tp:netif_receive_skb", "tracepoint:net:netif_receive_skb"),
                receive.hooks().stream().map(HookCatalog.Hook::text).toList());
        HookCatalog.Tracepoint free = catalog.tracepoints(exactly("kfree_skb")).get(0);
        assertEquals(List.of(1), free.skbArgs());
        assertEquals("skb", free.category());
    }

    @Test
    void aTracefsRecordWithoutAnSkbFieldRulesOutTheTracepointForm() throws IOException {
        Optional<TraceFs> traceFs = TraceFs.open();
        assumeTrue(traceFs.isPresent(), "needs a readable tracefs (root)");
        // sock_rcvqueue_full passes the skb in BTF but records only sizes in tracefs.
        assumeTrue(traceFs.get().exists("sock", "sock_rcvqueue_full"), "no sock:sock_rcvqueue_full here");
        List<HookCatalog.Tracepoint> found = new HookCatalog(btf, traceFs).tracepoints(exactly("sock_rcvqueue_full"));
        assumeTrue(found.size() == 1, "sock_rcvqueue_full has no skb argument in this kernel's BTF");
        HookCatalog.Tracepoint tp = found.get(0);
        assertEquals(HookCatalog.TracefsForm.NO_SKB_FIELD, tp.tracefsForm());
        assertEquals(List.of("sock"), tp.noSkbIn());
        assertNull(tp.category());
        assertTrue(tp.hooks().stream().noneMatch(h -> h.kind() == HookKind.TRACEPOINT), tp.hooks().toString());
    }

    @Test
    void severalSkbArgumentsMakeTheBtfFormsExplicit() {
        HookCatalog.Tracepoint tp = new HookCatalog.Tracepoint("two_skbs", List.of(1, 3), List.of(),
                HookCatalog.TracefsForm.USABLE, List.of("net"), List.of());
        assertEquals(List.of("tp_btf:two_skbs@1", "tp_btf:two_skbs@3", "raw_tp:two_skbs@1", "raw_tp:two_skbs@3",
                "tracepoint:net:two_skbs"), tp.hooks().stream().map(HookCatalog.Hook::text).toList());
    }

    @Test
    void theSkbFieldIsAPointerNamedSkbaddrSkbOrSkbAddr() {
        assertTrue(new TraceFs.Field("void *", "skbaddr", 8, 8).isSkbPointer());
        assertTrue(new TraceFs.Field("const void *", "skb", 8, 8).isSkbPointer());
        assertTrue(new TraceFs.Field("const void *", "skb_addr", 8, 8).isSkbPointer()); // tcp_sendmsg_locked
        assertFalse(new TraceFs.Field("const void *", "skaddr", 8, 8).isSkbPointer());
        assertFalse(new TraceFs.Field("unsigned long", "skbaddr", 8, 8).isSkbPointer());
    }

    /** Which kinds of hook the kernel allows: unknown without root, tested for real with it. */
    @Nested
    class KernelSupport {
        @Test
        void withoutRootNothingIsClaimed() {
            AttachSupport support = AttachSupport.detect(btf, Optional.empty(), false,
                    new AttachTrial(new ClangCompiler()));
            for (HookKind kind : List.of(HookKind.TRACEPOINT, HookKind.RAW_TP,
                    HookKind.TP_BTF, HookKind.FENTRY)) {
                assertNull(support.availability(kind).available(), kind.toString());
                assertTrue(support.availability(kind).describe().startsWith("unknown ("), kind.toString());
            }
            boolean pmu = Files.isDirectory(AttachSupport.KPROBE_PMU);
            assertEquals(pmu ? Boolean.TRUE : null, support.availability(HookKind.KPROBE).available());
            assertFalse(support.availability(HookKind.FUNCTION).ruledOut());
            assertEquals(System.getProperty("os.version"), support.release());
        }

        @Test
        void asRootTheAnswersComeFromTheKernel() {
            assumeTrue(Privileges.isRoot(), "needs root");
            Optional<TraceFs> traceFs = TraceFs.open();
            assumeTrue(traceFs.isPresent(), "needs tracefs");
            AttachSupport support = AttachSupport.detect(btf, traceFs, true);
            // Every kernel netcap runs on has these three; netcap skb is built on them.
            assertEquals(Boolean.TRUE, support.availability(HookKind.TRACEPOINT).available());
            assertEquals(Boolean.TRUE, support.availability(HookKind.RAW_TP).available());
            assertEquals(Boolean.TRUE, support.availability(HookKind.TP_BTF).available(),
                    support.availability(HookKind.TP_BTF).describe());
            boolean kprobes = traceFs.get().hasKprobes() || Files.isDirectory(AttachSupport.KPROBE_PMU);
            assertEquals(kprobes, support.availability(HookKind.KPROBE).available());
            AttachSupport.Availability fentry = support.availability(HookKind.FENTRY);
            assertNotNull(fentry.available(), "root gets a real answer for fentry: " + fentry.describe());
            if (!fentry.available()) {
                assertTrue(fentry.detail().contains("errno"), fentry.detail());
            }
            boolean functions = fentry.available() || kprobes;
            assertEquals(functions, support.availability(HookKind.FUNCTION).available());
        }

        @Test
        void trialProgramHasTheSectionAsked() {
            String source = AttachTrial.source("fentry/icmp_rcv");
            assertTrue(source.contains("SEC(\"fentry/icmp_rcv\")"), source);
            assertTrue(source.contains("BPF_PROG(netcap_attach_trial)"), source);
        }

        @Test
        void aTrialOfTpBtfAttaches() {
            assumeTrue(Privileges.isRoot(), "needs root");
            AttachTrial.Outcome outcome = new AttachTrial(new ClangCompiler()).attempt("tp_btf/netif_receive_skb");
            assertEquals(new AttachTrial.Outcome(true, ""), outcome);
        }

        @Test
        void aTrialAtAFunctionThatDoesNotExistFails() {
            assumeTrue(Privileges.isRoot(), "needs root");
            AttachTrial.Outcome outcome = new AttachTrial(new ClangCompiler())
                    .attempt("fentry/netcap_no_such_kernel_function");
            assertEquals(Boolean.FALSE, outcome.attached(), outcome.toString());
            assertTrue(outcome.detail().startsWith("fentry/netcap_no_such_kernel_function: "), outcome.detail());
        }
    }
}

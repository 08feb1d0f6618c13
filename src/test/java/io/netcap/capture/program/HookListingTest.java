package io.netcap.capture.program;

import static io.netcap.capture.program.KernelBtf.exactly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netcap.bpf.btf.Btf;
import io.netcap.capture.kernel.TraceFs;
import io.netcap.capture.program.AttachSupport.Availability;
import io.netcap.capture.program.HookListing.CheckedFunctions;
import io.netcap.capture.program.HookListing.CheckedTracepoint;
import io.netcap.capture.program.HookListing.Refusal;
import io.netcap.capture.program.HookListing.Scope;
import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which hooks a listing says netcap skb takes, against this machine's kernel BTF, with the
 * kernel's attach support stood in for so that refusals by the kernel can be tested anywhere.
 */
class HookListingTest {
    private static Btf btf;

    @BeforeAll
    static void readKernelBtf() throws IOException {
        btf = KernelBtf.read();
    }

    /** A kernel that attaches every kind of hook but those given. */
    private static AttachSupport kernelRefusing(Map<HookKind, Availability> refused) {
        Map<HookKind, Availability> kinds = new EnumMap<>(HookKind.class);
        HookListing.KERNEL_KINDS.forEach(kind -> kinds.put(kind, Availability.yes()));
        kinds.putAll(refused);
        return new AttachSupport("6.0.0-test", kinds);
    }

    private static HookListing list(AttachSupport support, Optional<TraceFs> traceFs, Pattern filter, Scope scope) {
        return HookListing.build(support, new HookCatalog(btf, traceFs), new HookResolver(traceFs), filter, scope);
    }

    private static CheckedTracepoint onlyTracepoint(HookListing listing) {
        List<CheckedTracepoint> tracepoints = listing.tracepoints().orElseThrow();
        assertEquals(1, tracepoints.size(), tracepoints.toString());
        return tracepoints.get(0);
    }

    @Test
    void functionHooksNetcapSkbTakesAreNotRefused() {
        HookListing listing = list(kernelRefusing(Map.of()), Optional.empty(), exactly("icmp_rcv"), Scope.FUNCTIONS);
        CheckedFunctions functions = listing.functions().orElseThrow();
        assertEquals(List.of("icmp_rcv"), functions.functions().stream().map(HookCatalog.Function::name).toList());
        assertEquals(Optional.empty(), functions.refusal());
    }

    @Test
    void aKernelWithoutFentryOrKprobeRefusesFunctionHooksOnceForAll() {
        AttachSupport support = kernelRefusing(Map.of(HookKind.FENTRY, Availability.no("errno 1"),
                HookKind.KPROBE, Availability.no("no kprobe_events")));
        CheckedFunctions functions = list(support, Optional.empty(), Pattern.compile("^icmp_"), Scope.FUNCTIONS)
                .functions().orElseThrow();
        assertTrue(functions.functions().size() > 1, functions.functions().toString());
        String first = functions.functions().get(0).hooks().get(0).text();
        assertEquals(Optional.of(new Refusal(first, "this kernel cannot attach function hooks: neither fentry nor kprobe",
                true)), functions.refusal());
    }

    @Test
    void noFunctionsMeansNothingToRefuse() {
        AttachSupport support = kernelRefusing(Map.of(HookKind.FENTRY, Availability.no("errno 1"),
                HookKind.KPROBE, Availability.no("no kprobe_events")));
        CheckedFunctions functions = list(support, Optional.empty(), exactly("no_such_function_at_all"),
                Scope.FUNCTIONS).functions().orElseThrow();
        assertEquals(new CheckedFunctions(List.of(), Optional.empty()), functions);
    }

    @Test
    void withoutTracefsTheBtfFormsOfATracepointAreTaken() {
        CheckedTracepoint checked = onlyTracepoint(list(kernelRefusing(Map.of()), Optional.empty(),
                exactly("netif_receive_skb"), Scope.TRACEPOINTS));
        assertEquals("netif_receive_skb", checked.tracepoint().event());
        assertEquals(List.of("tp_btf:netif_receive_skb", "raw_tp:netif_receive_skb"), checked.accepted());
        assertEquals(List.of(), checked.refused());
    }

    @Test
    void aKindTheKernelRefusesIsRefusedForEveryHookOfItByTheKernel() {
        AttachSupport support = kernelRefusing(Map.of(HookKind.RAW_TP,
                Availability.no("the kernel refuses this program type")));
        CheckedTracepoint checked = onlyTracepoint(list(support, Optional.empty(), exactly("netif_receive_skb"),
                Scope.TRACEPOINTS));
        assertEquals(List.of("tp_btf:netif_receive_skb"), checked.accepted());
        assertEquals(List.of(new Refusal("raw_tp:netif_receive_skb",
                "this kernel cannot attach raw_tp programs: the kernel refuses this program type", true)),
                checked.refused());
    }

    @Test
    void aHookTheResolverRejectsIsRefusedByNetcapWithTheResolversReason() {
        // Not in this kernel's BTF, so the resolver answers for both BTF forms.
        HookCatalog.Tracepoint missing = new HookCatalog.Tracepoint("netcap_no_such_event", List.of(1), List.of(),
                HookCatalog.TracefsForm.TRACEFS_UNREADABLE, List.of(), List.of());
        CheckedTracepoint checked = new HookListingCheck(kernelRefusing(Map.of()), new HookResolver(Optional.empty()))
                .tracepoint(missing);
        assertEquals(List.of(), checked.accepted());
        assertEquals(List.of("tp_btf:netcap_no_such_event", "raw_tp:netcap_no_such_event"),
                checked.refused().stream().map(Refusal::hook).toList());
        for (Refusal refusal : checked.refused()) {
            assertFalse(refusal.byKernel(), refusal.toString());
            assertFalse(refusal.reason().isBlank(), refusal.toString());
            assertFalse(refusal.reason().startsWith(refusal.hook() + ": "), refusal.toString());
        }
    }

    @Test
    void aTracefsRecordWithoutAnSkbFieldIsRefusedByNetcapNotHidden() throws IOException {
        Optional<TraceFs> traceFs = TraceFs.open();
        assumeTrue(traceFs.isPresent(), "needs a readable tracefs (root)");
        // sock_rcvqueue_full passes the skb in BTF but records only sizes in tracefs.
        assumeTrue(traceFs.get().exists("sock", "sock_rcvqueue_full"), "no sock:sock_rcvqueue_full here");
        HookListing listing = list(kernelRefusing(Map.of()), traceFs, exactly("sock_rcvqueue_full"), Scope.TRACEPOINTS);
        assumeTrue(listing.tracepoints().orElseThrow().size() == 1, "no skb argument in this kernel's BTF");
        CheckedTracepoint checked = onlyTracepoint(listing);
        assertEquals(List.of("tp_btf:sock_rcvqueue_full", "raw_tp:sock_rcvqueue_full"), checked.accepted());
        Refusal refusal = checked.refused().get(0);
        assertEquals("tracepoint:sock:sock_rcvqueue_full", refusal.hook());
        assertFalse(refusal.byKernel());
        assertTrue(refusal.reason().startsWith("tracepoint sock:sock_rcvqueue_full has no skb field"), refusal.reason());
    }

    @Test
    void theScopeLeavesTheOtherHalfOut() {
        AttachSupport support = kernelRefusing(Map.of());
        Pattern filter = Pattern.compile("^(icmp_rcv|netif_receive_skb)$");
        HookListing functions = list(support, Optional.empty(), filter, Scope.FUNCTIONS);
        assertTrue(functions.functions().isPresent());
        assertTrue(functions.tracepoints().isEmpty());
        HookListing tracepoints = list(support, Optional.empty(), filter, Scope.TRACEPOINTS);
        assertTrue(tracepoints.functions().isEmpty());
        assertTrue(tracepoints.tracepoints().isPresent());
        HookListing both = list(support, Optional.empty(), filter, Scope.BOTH);
        assertEquals(functions.functions(), both.functions());
        assertEquals(tracepoints.tracepoints(), both.tracepoints());
    }

    @Test
    void withoutRootTheBuilderClaimsNoKernelSupportAndRefusesNothingForIt() {
        HookListing listing = HookListing.build(btf, Optional.empty(), false, exactly("netif_receive_skb"), Scope.BOTH);
        assertEquals(System.getProperty("os.version"), listing.support().release());
        assertNull(listing.support().availability(HookKind.TP_BTF).available());
        assertEquals(List.of("tp_btf:netif_receive_skb", "raw_tp:netif_receive_skb"),
                onlyTracepoint(listing).accepted());
        assertTrue(listing.functions().isPresent());
    }

    @Test
    void reasonsDropTheHookTextTheListingShowsBesideThem() {
        assertEquals("fentry needs the function in the kernel's BTF",
                HookListingCheck.withoutHookPrefix("icmp_rcv@1: fentry needs the function in the kernel's BTF",
                        "icmp_rcv@1"));
        assertEquals("unknown tracepoint net:x", HookListingCheck.withoutHookPrefix("unknown tracepoint net:x",
                "tracepoint:net:x"));
        assertNull(HookListingCheck.withoutHookPrefix(null, "icmp_rcv@1"));
    }
}

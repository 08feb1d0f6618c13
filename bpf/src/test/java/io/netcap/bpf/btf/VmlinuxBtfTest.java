package io.netcap.bpf.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checks against the running kernel's BTF; skipped where the kernel does not expose it. */
class VmlinuxBtfTest {
    private static Btf btf;

    @BeforeAll
    static void loadKernelBtf() throws IOException {
        assumeTrue(Files.isReadable(Btf.VMLINUX), Btf.VMLINUX + " is not readable (kernel without BTF?)");
        long start = System.nanoTime();
        Btf fresh = Btf.load(Btf.VMLINUX);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("parsed " + fresh + " in " + elapsedMs + " ms (cold JVM)");
        // Generous bound: a cold JVM parses in well under 100 ms; only an accidental O(n^2) gets here.
        assertTrue(elapsedMs < 1000, "parsing took " + elapsedMs + " ms");
        btf = Btf.vmlinux();
    }

    @Test
    void vmlinuxIsCachedPerProcess() throws IOException {
        assertSame(btf, Btf.vmlinux());
    }

    @Test
    void theKernelsBlobIsReadWholeAndParsesAsTheCheckedLoadDoes() throws IOException {
        // sysfs refuses Java's shared mapping, so this is the read path: one page per read(2)
        assertEquals(Files.size(Btf.VMLINUX), BtfBlobSource.open(Btf.VMLINUX).remaining());
        // vmlinux() leaves out netcap's reference check (the kernel checks its own BTF); load() keeps it
        assertEquals(btf.typeCount(), Btf.load(Btf.VMLINUX).typeCount());
        assertEquals(btf.funcParams("icmp_rcv"), Btf.load(Btf.VMLINUX).funcParams("icmp_rcv"));
    }

    @Test
    void networkEntryPointsTakeTheSkbFirst() {
        for (String function : List.of("icmp_rcv", "ip_rcv", "__dev_queue_xmit", "tcp_v4_rcv")) {
            assertEquals(OptionalInt.of(1), btf.skbArgument(btf.funcParams(function)), function);
        }
    }

    @Test
    void dropFunctionTakesTheSkb() {
        // kfree_skb_reason(skb, reason) became an inline wrapper of sk_skb_reason_drop(sk, skb, reason)
        // in Linux 6.11; whichever exists must be found with the skb where the kernel puts it.
        if (btf.findFuncParams("kfree_skb_reason").isPresent()) {
            assertEquals(OptionalInt.of(1), btf.skbArgument(btf.funcParams("kfree_skb_reason")));
        } else {
            List<BtfParam> params = btf.funcParams("sk_skb_reason_drop");
            assertEquals(OptionalInt.of(2), btf.skbArgument(params));
            assertEquals("enum skb_drop_reason", params.get(2).typeName());
        }
    }

    @Test
    void ipRcvParametersAreRendered() {
        List<BtfParam> params = btf.funcParams("ip_rcv");
        assertEquals("struct sk_buff *skb", params.get(0).declaration());
        assertEquals("struct net_device *dev", params.get(1).declaration());
    }

    @Test
    void netifReceiveSkbTracepoint() {
        List<BtfParam> params = btf.tracepointParams("netif_receive_skb");
        assertEquals("struct sk_buff *skb", params.get(0).declaration());
        assertEquals(1, params.get(0).index());
        assertEquals(OptionalInt.of(1), btf.skbArgument(params));
    }

    @Test
    void kfreeSkbTracepointHasSkbAndReason() {
        List<BtfParam> params = btf.tracepointParams("kfree_skb");
        assertEquals(OptionalInt.of(1), btf.skbArgument(params));
        BtfParam reason = params.stream().filter(p -> p.name().equals("reason")).findFirst().orElseThrow();
        assertEquals("enum skb_drop_reason", reason.typeName());
    }

    @Test
    void dropReasonsAreKnown() {
        Map<Long, String> reasons = btf.enumValues("skb_drop_reason");
        assertTrue(reasons.containsValue("SKB_DROP_REASON_NOT_SPECIFIED"), reasons.toString());
        assertTrue(reasons.containsValue("SKB_DROP_REASON_NETFILTER_DROP"), reasons.toString());
        assertEquals("SKB_DROP_REASON_NOT_SPECIFIED", reasons.get(2L));
    }

    @Test
    void thousandsOfFunctionsTakeAnSkb() {
        List<SkbFunction> functions = btf.functionsWithSkb();
        assertTrue(functions.size() > 1000, "only " + functions.size());
        assertTrue(functions.contains(new SkbFunction("icmp_rcv", List.of(1))));
    }

    @Test
    void tracepointNamesIncludeNetworkingEvents() {
        List<String> names = btf.tracepointNames();
        assertTrue(names.contains("kfree_skb") && names.contains("netif_receive_skb"), names.size() + " names");
        assertTrue(names.stream().noneMatch(n -> n.startsWith("btf_trace_")));
    }

    @Test
    void rendersEveryType() {
        for (int id = 0; id <= btf.typeCount(); id++) {
            String text = btf.typeToString(id);
            assertTrue(!text.isEmpty() && !text.contains("<loop>"), "type id " + id + " rendered as '" + text + "'");
        }
        int skbPtr = btf.funcParams("icmp_rcv").get(0).typeId();
        assertEquals("struct sk_buff *", btf.typeToString(skbPtr));
    }

    @Test
    void structLayoutsOfTheRunningKernel() {
        BtfStructLayout listHead = btf.findStructLayout("list_head").orElseThrow();
        assertEquals(16, listHead.size());
        assertEquals(Map.of("next", 0, "prev", 8), listHead.offsets());

        // ihl and version are 4-bit fields and left out; saddr/daddr sit in an anonymous
        // struct_group union since Linux 5.16 and must be found either way.
        BtfStructLayout iphdr = btf.findStructLayout("iphdr").orElseThrow();
        assertEquals(20, iphdr.size());
        // (Newer kernels follow with "addrs", the struct_group's named view of the same bytes.)
        assertEquals(List.of("tos", "tot_len", "id", "frag_off", "ttl", "protocol", "check", "saddr", "daddr"),
                List.copyOf(iphdr.offsets().keySet()).subList(0, 9));
        assertEquals(9, iphdr.offsets().get("protocol"));
        assertEquals(12, iphdr.offsets().get("saddr"));
        assertEquals(16, iphdr.offsets().get("daddr"));

        BtfStructLayout skb = btf.findStructLayout("sk_buff").orElseThrow();
        assertTrue(skb.size() > 100, skb.toString());
        for (String member : List.of("len", "data_len", "head", "data", "protocol", "dev", "mark")) {
            Integer offset = skb.offsets().get(member);
            assertNotNull(offset, member + " missing from " + skb.offsets().keySet());
            assertTrue(offset >= 0 && offset < skb.size(), member + " at " + offset);
        }
        // The first anonymous union starts with struct { next; prev; union { dev; ... }; }.
        assertEquals(0, skb.offsets().get("next"));
        assertEquals(8, skb.offsets().get("prev"));
        assertEquals(16, skb.offsets().get("dev"));
        assertFalse(skb.offsets().containsKey("cloned"), "a 1-bit field has no byte offset");
        assertFalse(skb.offsets().containsKey(""), "anonymous members are expanded, not listed");
    }

    /** Every byte-aligned, named, direct member of every struct must lie where bpftool says. */
    @Test
    void structLayoutsAgreeWithBpftool() throws Exception {
        Pattern struct = Pattern.compile("^\\[(\\d+)] STRUCT '([^']+)' size=(\\d+) vlen=(\\d+)");
        Pattern member = Pattern.compile("^\\s+'([^']*)' type_id=\\d+ bits_offset=(\\d+)( bitfield_size=(\\d+))?");
        List<String> lines = bpftoolDump();
        int structs = 0;
        int members = 0;
        for (int i = 0; i < lines.size(); i++) {
            Matcher s = struct.matcher(lines.get(i));
            if (!s.find()) {
                continue;
            }
            String name = s.group(2);
            if (name.equals("(anon)")) {
                continue;
            }
            if (btf.findType(name, BtfKind.STRUCT).orElseThrow() != Integer.parseInt(s.group(1))) {
                continue; // a same-named later struct; findStructLayout answers for the first
            }
            BtfStructLayout layout = btf.findStructLayout(name).orElseThrow();
            assertEquals(Integer.parseInt(s.group(3)), layout.size(), lines.get(i));
            structs++;
            int vlen = Integer.parseInt(s.group(4));
            for (int m = 1; m <= vlen; m++) {
                String line = lines.get(i + m);
                Matcher mm = member.matcher(line);
                assertTrue(mm.find(), line);
                long bits = Long.parseLong(mm.group(2));
                boolean bitfield = mm.group(4) != null && !mm.group(4).equals("0");
                if (mm.group(1).equals("(anon)") || bitfield || bits % 8 != 0) {
                    continue;
                }
                assertEquals(Integer.valueOf((int) (bits / 8)), layout.offsets().get(mm.group(1)),
                        "struct " + name + ": " + line.trim());
                members++;
            }
        }
        assertTrue(structs > 1000 && members > 10_000, structs + " structs, " + members + " members");
    }

    /** Every type id must have the kind and name bpftool reports for it. */
    @Test
    void agreesWithBpftoolOnEveryType() throws Exception {
        List<String> lines = bpftoolDump();
        Pattern record = Pattern.compile("^\\[(\\d+)] (\\w+) '([^']*)'");
        int records = 0;
        int tracepoints = 0;
        for (String line : lines) {
            Matcher m = record.matcher(line);
            if (!line.startsWith("[")) {
                continue;
            }
            assertTrue(m.find(), line);
            records++;
            int id = Integer.parseInt(m.group(1));
            assertEquals(BtfKind.valueOf(m.group(2)), btf.kind(id), line);
            String name = m.group(3).equals("(anon)") ? "" : m.group(3);
            assertEquals(name, btf.name(id), line);
            if (m.group(2).equals("TYPEDEF") && name.startsWith("btf_trace_")) {
                tracepoints++;
            }
        }
        assertEquals(records, btf.typeCount(), "bpftool btf dump | grep -c '^\\['");
        assertEquals(tracepoints, btf.tracepointNames().size());
    }

    private static List<String> bpftoolDump() throws Exception {
        Process process;
        try {
            process = new ProcessBuilder("bpftool", "btf", "dump", "file", Btf.VMLINUX.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException notInstalled) {
            assumeTrue(false, "bpftool is not installed: " + notInstalled.getMessage());
            throw notInstalled;
        }
        List<String> lines;
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            lines = out.lines().toList();
        }
        assertEquals(0, process.waitFor(), "bpftool exit status");
        assertNotNull(lines);
        return lines;
    }
}

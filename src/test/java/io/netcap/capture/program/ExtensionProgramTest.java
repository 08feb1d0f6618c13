package io.netcap.capture.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netcap.bpf.ClangCompiler;
import io.netcap.bpf.ElfSections;
import io.netcap.bpf.EventTransport;
import io.netcap.bpf.TestPrograms;
import io.netcap.bpf.btf.Btf;
import io.netcap.bpf.btf.BtfStructLayout;
import io.netcap.capture.CaptureException;
import io.netcap.capture.extension.ExtensionKind;
import io.netcap.capture.extension.ExtensionSource;
import io.netcap.capture.extension.Extensions;
import io.netcap.filter.FilterCompiler;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The capture program with the user's C in it, compiled as netcap compiles it (with the kernel's
 * vmlinux.h): the docs' examples compile for every source, the event keeps its layout, and
 * clang's refusals become the user's messages.
 */
class ExtensionProgramTest {
    private static final Path DOCS = Path.of("..", "docs");
    private static final List<Hook> KERNEL_HOOKS = List.of(
            new Hook(0, "tracepoint:net:net_dev_queue", HookKind.TRACEPOINT, "net", "net_dev_queue", 8),
            new Hook(1, "tp_btf:kfree_skb@1@3", HookKind.TP_BTF, null, "kfree_skb", 0, -1, null, false, null, 2),
            new Hook(2, "kprobe:ip_rcv@1@2", HookKind.KPROBE, null, "ip_rcv", 0, -1, null, false, null, 1));

    @BeforeAll
    static void needsTheKernelsTypes() {
        assumeTrue(Files.isReadable(Btf.VMLINUX), "extensions need the kernel's BTF");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/bpftool")) || Files.isExecutable(Path.of("/usr/bin/bpftool")),
                "extensions need bpftool");
    }

    private static Extensions docsExamples() throws Exception {
        return new Extensions(ExtensionSource.read(ExtensionKind.FILTER, DOCS.resolve("ext-filter-mark.c")),
                ExtensionSource.read(ExtensionKind.ACTION, DOCS.resolve("ext-action-fields.c")), null);
    }

    private static CaptureProgram program(List<Hook> hooks, Extensions ext) throws Exception {
        return new CaptureProgram(ProgramKind.CAPTURE, hooks, FilterCompiler.compile("udp"), EventTransport.RING_BUFFER,
                true, ext);
    }

    private static Btf btf(byte[] elf) throws Exception {
        return Btf.parse(ByteBuffer.wrap(ElfSections.find(elf, ".BTF").orElseThrow()).order(ByteOrder.LITTLE_ENDIAN),
                "capture.bpf.c");
    }

    /** The records keep KernelAbi's layout; the struct sits between the header and the packet's bytes. */
    @Test
    void theDocsExamplesCompileAndTheEventKeepsItsLayout() throws Exception {
        byte[] elf = ProgramLoader.compile(TestPrograms.CLANG, program(KERNEL_HOOKS, docsExamples())).object();
        Btf btf = btf(elf);
        for (KernelAbi.Struct expected : KernelAbi.structs()) {
            if (expected.name().equals("netcap_drop_key")) {
                continue;
            }
            BtfStructLayout actual = btf.findStructLayout(expected.name()).orElseThrow();
            assertEquals(expected.size(), actual.size(), expected.name());
            expected.offsets().forEach((member, offset) -> assertEquals(offset, actual.offsets().get(member), member));
        }
        BtfStructLayout scratch = btf.findStructLayout("netcap_scratch").orElseThrow();
        int ext = btf.findStructType(ExtensionKind.ACTION_STRUCT).orElseThrow().size();
        assertEquals(KernelAbi.EVENT_SIZE, scratch.offsets().get("ext"));
        assertEquals(KernelAbi.EVENT_SIZE + (ext + 7) / 8 * 8, scratch.offsets().get("data"));
    }

    @Test
    void theExamplesCompileForUserSpaceSourcesToo() throws Exception {
        String filter = "static inline int xcap_user_filter(void *ext, void *pkt, u16 trace_index)\n"
                + "{\n\tu32 len = 0;\n\tbpf_probe_read_user(&len, 4, (char *)pkt + 36);\n\treturn ext == 0 && len > 60;\n}\n";
        String action = "struct xcap_user_extend { uint64_t mbuf; // format: 0x%x\n\tuint16_t hook; };\n"
                + "static inline int xcap_user_action(void *ext, void *pkt, u32 pkt_len, struct xcap_user_extend *user,"
                + " u16 trace_index)\n{\n\tuser->mbuf = (uint64_t)pkt;\n\tuser->hook = trace_index;\n\treturn 1;\n}\n";
        Extensions ext = new Extensions(ExtensionSource.of(ExtensionKind.FILTER, Path.of("/u/f.c"), filter),
                ExtensionSource.of(ExtensionKind.ACTION, Path.of("/u/a.c"), action), null);
        UserProbe probe = new UserProbe(PacketSource.MBUF, "/bin/app", null, 2, -1).at("/bin/app", 0x1000);
        Hook burst = Hook.user(0, "process_burst@1@2", HookKind.UPROBE, "process_burst", 1, probe);
        byte[] elf = ProgramLoader.compile(TestPrograms.CLANG, program(List.of(burst), ext)).object();
        assertEquals(16, btf(elf).findStructType(ExtensionKind.ACTION_STRUCT).orElseThrow().size());
    }

    @Test
    void aWrongSignatureIsOneUsageLine() {
        String text = "static inline int xcap_ext_filter(void *ext, struct sk_buff *skb, u32 trace_index) { return 1; }\n";
        CaptureException e = refused(new Extensions(ExtensionSource.of(ExtensionKind.FILTER, Path.of("/u/f.c"), text),
                null, null));
        assertEquals("--ext-filter /u/f.c: the filter must be static inline int xcap_ext_filter(void *ext, void *pkt,"
                + " u16 trace_index)", e.getMessage());
    }

    @Test
    void aCompileErrorShowsTheUsersFileAndLineOnly() {
        String text = "static inline int xcap_ext_filter(void *ext, void *pkt, u16 trace_index)\n{\n"
                + "\tstruct sk_buff *skb = pkt;\n\n\treturn BPF_CORE_READ(skb, mrak) == 1;\n}\n";
        CaptureException e = refused(new Extensions(ExtensionSource.of(ExtensionKind.FILTER, Path.of("/u/f.c"), text),
                null, null));
        List<String> lines = e.getMessage().lines().toList();
        assertEquals("the extension does not compile:", lines.get(0));
        assertTrue(lines.get(1).startsWith("/u/f.c:5:"), e.getMessage());
        assertTrue(lines.get(1).contains("no member named 'mrak' in 'struct sk_buff'"), e.getMessage());
        assertTrue(lines.stream().noneMatch(l -> l.contains("capture.bpf.c") || l.contains("bpf_core_read.h")),
                e.getMessage());
    }

    private static CaptureException refused(Extensions ext) {
        ClangCompiler clang = new ClangCompiler("clang", null);
        CaptureException e = assertThrows(CaptureException.class,
                () -> ProgramLoader.compile(clang, program(KERNEL_HOOKS, ext)));
        assertEquals(CaptureException.Kind.USAGE, e.kind());
        return e;
    }

    @Test
    void theGeneratedProgramIncludesTheUsersFilesAndVmlinux() throws Exception {
        Map<String, String> files = ProgramGenerator.generate(program(KERNEL_HOOKS, docsExamples()));
        assertTrue(files.containsKey("vmlinux.h"));
        assertTrue(files.get("netcap_ext_filter.c").startsWith("#line 1 \""), files.get("netcap_ext_filter.c"));
        String main = files.get("capture.bpf.c");
        assertTrue(main.contains("#define NETCAP_EXT_FILTER_FN xcap_ext_filter"), main);
        assertTrue(main.contains("#include \"netcap_ext_action.c\""), main);
        assertTrue(main.contains("NETCAP_ARG_PTR(ctx, 2)"), "tp_btf:kfree_skb@1@3 hands argument 3 to the extensions");
        assertTrue(main.contains("NETCAP_KPROBE_PTR(ctx, 1)"), main);
        String plain = ProgramGenerator.generate(program(KERNEL_HOOKS, Extensions.NONE)).get("capture.bpf.c");
        assertTrue(plain.contains("#define NETCAP_VMLINUX      0"), "no extension, no vmlinux.h");
    }
}

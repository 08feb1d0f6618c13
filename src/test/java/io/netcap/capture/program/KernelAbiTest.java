package io.netcap.capture.program;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netcap.bpf.BpfMap;
import io.netcap.bpf.ClangCompiler;
import io.netcap.bpf.ElfSections;
import io.netcap.bpf.EventTransport;
import io.netcap.bpf.TestPrograms;
import io.netcap.bpf.btf.Btf;
import io.netcap.bpf.btf.BtfStructLayout;
import io.netcap.capture.kernel.ReasonEnum;
import io.netcap.filter.FilterCompiler;
import io.netcap.pcap.LinkType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/** The one place of the kernel/user record layouts: its offsets, against clang's BTF and in use. */
class KernelAbiTest {
    private static final List<Hook> HOOKS = List.of(
            new Hook(0, "tp_btf:netif_receive_skb", HookKind.TP_BTF, null, "netif_receive_skb", 0),
            new Hook(1, "tracepoint:skb:kfree_skb", HookKind.TRACEPOINT, "skb", "kfree_skb", 8, 28, ReasonEnum.DROP));

    static CaptureProgram program(ProgramKind kind) throws Exception {
        return new CaptureProgram(kind, HOOKS, FilterCompiler.compile("icmp"), EventTransport.RING_BUFFER, true);
    }

    @Test
    void everyStructMatchesTheBtfOfTheCompiledPrograms() throws Exception {
        for (ProgramKind kind : ProgramKind.values()) {
            Map<String, String> files = ProgramGenerator.generate(program(kind));
            byte[] elf = TestPrograms.CLANG.compile(kind.mainFile(), files).object();
            byte[] btfBytes = ElfSections.find(elf, ".BTF").orElseThrow();
            Btf btf = Btf.parse(ByteBuffer.wrap(btfBytes).order(ByteOrder.LITTLE_ENDIAN), kind.mainFile());
            for (KernelAbi.Struct expected : KernelAbi.structs()) {
                if (expected.name().equals("netcap_drop_key") && kind == ProgramKind.CAPTURE) {
                    continue; // only the counting program has a drop key in its maps
                }
                BtfStructLayout actual = btf.findStructLayout(expected.name())
                        .orElseThrow(() -> new AssertionError("struct " + expected.name() + " not in " + kind.mainFile()));
                assertEquals(expected.size(), actual.size(), expected.name() + " size");
                expected.offsets().forEach((member, offset) ->
                        assertEquals(offset, actual.offsets().get(member), expected.name() + "." + member));
            }
        }
    }

    @Test
    void linkTypesAreThePcapOnes() {
        String header = SourceTemplate.readResource("netcap_event.h");
        assertTrue(header.contains("#define NETCAP_LINKTYPE_ETHERNET " + LinkType.ETHERNET + " "), header);
        assertTrue(header.contains("#define NETCAP_LINKTYPE_RAW      " + LinkType.RAW + " "), header);
    }

    @Test
    void theBurstBoundIsTheKernelsOwn() {
        String header = SourceTemplate.readResource("netcap_user.h");
        assertTrue(header.contains("#define NETCAP_MAX_BURST " + KernelAbi.MAX_BURST + "\n"), header);
    }

    @Test
    void decodesACapturedEvent() {
        byte[] payload = {0x45, 0, 0, 28};
        ByteBuffer b = ByteBuffer.allocate(8 + KernelAbi.EVENT_SIZE + payload.length).order(ByteOrder.nativeOrder());
        int at = 8; // not at the buffer's start, as in a ring
        b.putLong(at, 123_456_789L).putLong(at + 8, 0xffff888012345678L).putInt(at + 16, 1).putInt(at + 20, 84)
                .putInt(at + 24, payload.length).putInt(at + 28, 7).putInt(at + 32, 0xF0000001)
                .putInt(at + 36, 42).putInt(at + 40, 1).putInt(at + 44, 2).putShort(at + 48, (short) 101)
                .putShort(at + 50, (short) (KernelAbi.FLAG_TRUNCATED | KernelAbi.FLAG_VLAN));
        b.put(at + 56, "veth0".getBytes(StandardCharsets.UTF_8));
        b.put(at + KernelAbi.EVENT_SIZE, payload);
        b.position(at);
        CaptureEvent e = new EventDecoder().decode(b, KernelAbi.EVENT_SIZE + payload.length);
        assertEquals(123_456_789L, e.monotonicNanos());
        assertEquals(0xffff888012345678L, e.skb());
        assertEquals(1, e.hook());
        assertEquals(84, e.wireLength());
        assertEquals(7, e.ifindex());
        assertEquals(0xF0000001L, e.netnsInode(), "an inode is unsigned");
        assertEquals(42, e.stackId());
        assertEquals(1, e.cpu());
        assertEquals(2, e.reason());
        assertEquals(LinkType.RAW, e.linkType());
        assertEquals("veth0", e.device());
        assertEquals(KernelAbi.FLAG_TRUNCATED | KernelAbi.FLAG_VLAN, e.flags());
        assertTrue(e.truncated());
        assertArrayEquals(payload, e.data());
        assertThrows(IllegalArgumentException.class, () -> new EventDecoder().decode(b, KernelAbi.EVENT_SIZE - 1));
        b.putInt(at + 24, 5000);
        assertThrows(IllegalArgumentException.class, () -> new EventDecoder().decode(b, KernelAbi.EVENT_SIZE + 4),
                "a record that claims more bytes than it has");
    }

    /** With an --ext-action, its struct's bytes sit between the header and the packet's. */
    @Test
    void decodesTheActionsStructBeforeThePacket() {
        byte[] ext = {1, 2, 3, 4, 5, 6, 7, 8};
        byte[] payload = {0x45, 0, 0, 28, 9};
        ByteBuffer b = ByteBuffer.allocate(KernelAbi.EVENT_SIZE + ext.length + payload.length).order(ByteOrder.nativeOrder());
        b.putInt(24, payload.length).putShort(48, (short) 1).putInt(72, ext.length);
        b.put(KernelAbi.EVENT_SIZE, ext).put(KernelAbi.EVENT_SIZE + ext.length, payload);
        CaptureEvent e = new EventDecoder().decode(b, b.capacity());
        assertArrayEquals(ext, e.ext());
        assertArrayEquals(payload, e.data());
        assertEquals(0, new EventDecoder().decode(b.duplicate().putInt(72, 0).position(0), b.capacity()).ext().length);
        assertThrows(IllegalArgumentException.class, () -> new EventDecoder().decode(b.putInt(72, 9), b.capacity()),
                "a record that claims more struct and packet bytes than it has");
    }

    @Test
    void sumsCountersOverCpus() {
        ByteBuffer b = ByteBuffer.allocate(3 * KernelAbi.COUNTERS_SIZE).order(ByteOrder.nativeOrder());
        for (int cpu = 0; cpu < 3; cpu++) {
            int base = cpu * KernelAbi.COUNTERS_SIZE;
            b.putLong(base, 10 + cpu).putLong(base + 8, 5).putLong(base + 16, cpu).putLong(base + 24, 1)
                    .putLong(base + 32, 2);
        }
        KernelAbi.Counters c = KernelAbi.decodeCounters(b.array(), 3);
        assertEquals(new KernelAbi.Counters(33, 15, 3, 3, 6), c);
        assertEquals(new KernelAbi.Counters(66, 30, 6, 6, 12), c.plus(c));
        assertThrows(IllegalArgumentException.class,
                () -> KernelAbi.decodeCounters(new byte[KernelAbi.COUNTERS_SIZE - 1], 1));
    }

    @Test
    void decodesDropKeys() {
        byte[] key = ByteBuffer.allocate(KernelAbi.DROP_KEY_SIZE).order(ByteOrder.nativeOrder())
                .putInt(0, -1).putInt(4, 2).putInt(8, 0x80000001).array();
        assertEquals(new KernelAbi.DropKey(KernelAbi.NO_STACK, 2, 0x80000001L), KernelAbi.decodeDropKey(key));
        assertEquals(7L, KernelAbi.decodeCount(ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, 7).array()));
        assertThrows(IllegalArgumentException.class, () -> KernelAbi.decodeDropKey(new byte[12]));
    }

    /** The copy reaches as far as the filter reads, or to -s, whichever is further; at most 65535 bytes. */
    @Test
    void theCopyReachesAsFarAsTheFilterReads() {
        ProgramConfig s1514 = ProgramConfig.defaults();
        assertEquals(1514, s1514.copySize(0), "no filter: the record's bytes only");
        assertEquals(1514, s1514.copySize(78), "udp port 53 on Ethernet reads 78 bytes");
        assertEquals(30_075, s1514.copySize(30_075));
        assertEquals(ProgramConfig.MAX_CAPTURE_SIZE, s1514.copySize(0x10000), "a filter that cannot be bounded");
        assertEquals(96, new ProgramConfig(96, false, null, 0, null, false).copySize(78));
    }

    @Test
    void encodesTheConfig() {
        ByteBuffer c = ByteBuffer.wrap(KernelAbi.encodeConfig(new ProgramConfig(96, true, "veth-long-name1", 4026531840L,
                null, true), 30_075)).order(ByteOrder.nativeOrder());
        assertEquals(KernelAbi.CONFIG_SIZE, c.capacity());
        assertEquals(96, c.getInt(0));
        assertEquals(30_075, c.getInt(4), "a filter that reads byte 30000 of a TCP payload sees that far");
        assertEquals(4026531840L, Integer.toUnsignedLong(c.getInt(8)));
        assertEquals(1, c.get(16));
        assertEquals(1, c.get(17));
        assertEquals(0, c.get(18));
        assertEquals(1, c.get(19));
        byte[] name = new byte[16];
        c.get(24, name);
        assertEquals("veth-long-name1", new String(name, 0, 15, StandardCharsets.UTF_8));
        assertEquals(0, name[15], "NUL-terminated");
        byte[] mask = new byte[16];
        c.get(40, mask);
        byte[] all = new byte[16];
        java.util.Arrays.fill(all, (byte) 0xff);
        assertArrayEquals(all, mask, "a 15-byte name and its NUL fill both words");
        ByteBuffer shortName = ByteBuffer.wrap(KernelAbi.encodeConfig(new ProgramConfig(1514, false, "veth9", 0, null,
                false), 0)).order(ByteOrder.nativeOrder());
        shortName.get(40, mask);
        assertArrayEquals(new byte[] {-1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, mask,
                "\"veth9\" and its NUL: six bytes compared, whatever follows the NUL in the kernel's copy");
        ByteBuffer d = ByteBuffer.wrap(KernelAbi.encodeConfig(new ProgramConfig(1514, false, null, 0, -14, false), 0))
                .order(ByteOrder.nativeOrder());
        assertEquals(-14, d.getInt(12));
        assertEquals(1, d.get(18));
        assertEquals(0, d.get(17));
    }

    @Test
    void runTimeSettingsAreNotInTheSource() throws Exception {
        // the C, and so clang's cache key, depends on the program only: the config is not an input
        Map<String, String> c = ProgramGenerator.generate(program(ProgramKind.CAPTURE));
        assertFalse(c.values().stream().anyMatch(t -> t.contains("@@")));
        assertEquals(c, ProgramGenerator.generate(program(ProgramKind.CAPTURE)));
    }

    /**
     * A second capture with another -i, --netns, -s and -S loads the cached object (no clang run)
     * and the kernel holds the new settings in the program's .rodata.
     */
    @Test
    @Tag("kernel")
    void changingRunTimeSettingsReusesTheCompiledObject(@TempDir Path cache) throws Exception {
        TestPrograms.assumeRoot();
        ClangCompiler clang = new ClangCompiler("clang", cache);
        CaptureProgram program = program(ProgramKind.CAPTURE);
        ProgramConfig first = ProgramConfig.defaults();
        ProgramConfig second = new ProgramConfig(200, true, "veth9", 4026531840L, null, false);
        ProgramLoader.Loaded a = ProgramLoader.load(program, first, false, o -> { }, clang);
        try {
            assertTrue(a.compiled(), "a fresh cache compiles");
            assertArrayEquals(KernelAbi.encodeConfig(first, program.filter().readExtent()), rodata(a));
        } finally {
            a.object().close();
        }
        long objects;
        try (var files = Files.list(cache)) {
            objects = files.count();
        }
        ProgramLoader.Loaded b = ProgramLoader.load(program, second, false, o -> { }, clang);
        try {
            assertFalse(b.compiled(), "other -i, --netns, -s, -S: the same object, no clang run");
            assertArrayEquals(KernelAbi.encodeConfig(second, program.filter().readExtent()), rodata(b));
            assertEquals(KernelAbi.STACK_ENTRIES, b.object().map(KernelAbi.STACKS_MAP).maxEntries());
        } finally {
            b.object().close();
        }
        try (var files = Files.list(cache)) {
            assertEquals(objects, files.count(), "nothing new in the cache");
        }
    }

    /**
     * Every way of reading packets passes this kernel's verifier in both programs, whatever it
     * would choose itself: a BTF-typed hook without bpf_dynptr_from_skb (kernels before 6.3)
     * hands the kallsyms walk, a global function, plain numbers only; without bpf_rdonly_cast
     * (kernels before 6.17) it copies the filter's bytes with bpf_probe_read_kernel.
     */
    @ParameterizedTest
    @EnumSource(ProgramKind.class)
    @Tag("kernel")
    void everyPacketReaderPassesTheVerifier(ProgramKind kind, @TempDir Path cache) throws Exception {
        TestPrograms.assumeRoot();
        ClangCompiler clang = new ClangCompiler("clang", cache);
        boolean direct = io.netcap.bpf.KernelFeatures.hasRdonlyCast();
        CaptureProgram all = new CaptureProgram(kind, HOOKS, FilterCompiler.compile("icmp"), EventTransport.RING_BUFFER,
                true, io.netcap.capture.extension.Extensions.NONE, direct);
        for (CaptureProgram program : List.of(all, all.withoutSkbDynptr(), all.withoutDirectLoads(),
                all.withoutSkbDynptr().withoutDirectLoads())) {
            ProgramLoader.Loaded loaded = ProgramLoader.load(program, ProgramConfig.defaults(), false, o -> { }, clang);
            try {
                assertEquals(program.skbDynptr(), loaded.program().skbDynptr(), "loaded as generated");
                assertEquals(program.directLoads(), loaded.program().directLoads(), "loaded as generated");
            } finally {
                loaded.object().close();
            }
        }
    }

    private static byte[] rodata(ProgramLoader.Loaded loaded) {
        BpfMap map = loaded.object().map(KernelAbi.CONFIG_MAP);
        byte[] value = new byte[map.valueSize()];
        assertTrue(map.lookup(new byte[4], value));
        return value;
    }
}

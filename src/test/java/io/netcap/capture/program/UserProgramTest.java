package io.netcap.capture.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netcap.bpf.ClangCompiler;
import io.netcap.bpf.EventTransport;
import io.netcap.bpf.TestPrograms;
import io.netcap.filter.FilterCompiler;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The programs of netcap mbuf and netcap raw: every form of point (one mbuf, an array of mbufs,
 * a raw buffer; uprobe and USDT) generates C that clang compiles and the verifier accepts, with
 * either transport and a filter of some size.
 */
class UserProgramTest {
    private static final String BINARY = "/usr/bin/true";

    /** One hook of each uprobe form for the source, and a USDT one. */
    static List<Hook> hooks(PacketSource source) {
        if (source == PacketSource.MBUF) {
            return List.of(
                    Hook.user(0, "process_one@1", HookKind.UPROBE, "process_one", 1,
                            new UserProbe(source, BINARY, null, 0, -1)),
                    Hook.user(1, "process_burst@1@2", HookKind.UPROBE, "process_burst", 1,
                            new UserProbe(source, BINARY, null, 2, -1)),
                    Hook.user(2, "usdt:netcap_test:rx_burst@1@2", HookKind.USDT, "rx_burst", 1,
                            new UserProbe(source, BINARY, "netcap_test", 2, -1)),
                    Hook.user(3, "usdt:netcap_test:rx_mbuf@1", HookKind.USDT, "rx_mbuf", 1,
                            new UserProbe(source, BINARY, "netcap_test", 0, -1)));
        }
        return List.of(
                Hook.user(0, "process_raw", HookKind.UPROBE, "process_raw", 1, new UserProbe(source, BINARY, null, 2, -1)),
                Hook.user(1, "f@6@5", HookKind.UPROBE, "f", 6, new UserProbe(source, BINARY, null, 5, -1)),
                Hook.user(2, "usdt:p:raw@3@1", HookKind.USDT, "raw", 3, new UserProbe(source, BINARY, "p", 1, -1)));
    }

    static CaptureProgram program(PacketSource source, EventTransport transport) throws Exception {
        return new CaptureProgram(ProgramKind.CAPTURE, hooks(source),
                FilterCompiler.compile("udp port 9 or (tcp[tcpflags] & tcp-syn != 0 and net 10.0.0.0/8)"), transport, false);
    }

    @Test
    void eachFormCallsItsHandlerWithItsArguments() throws Exception {
        String c = ProgramGenerator.generate(program(PacketSource.MBUF, EventTransport.RING_BUFFER)).get("capture.bpf.c");
        assertTrue(c.contains("#define NETCAP_USER_SOURCE  1"), c);
        assertTrue(c.contains("#define NETCAP_USDT         1"), c);
        assertTrue(c.contains("netcap_capture_user(ctx, 0, (__u64)NETCAP_UPROBE_ARG_0(ctx), 0)"), c);
        assertTrue(c.contains("netcap_capture_user_array(ctx, 1, (__u64)NETCAP_UPROBE_ARG_0(ctx), "
                + "(__u32)NETCAP_UPROBE_ARG_1(ctx))"), c);
        String raw = ProgramGenerator.generate(program(PacketSource.RAW, EventTransport.RING_BUFFER)).get("capture.bpf.c");
        assertTrue(raw.contains("#define NETCAP_USER_SOURCE  2"), raw);
        assertTrue(raw.contains("netcap_capture_user(ctx, 1, (__u64)NETCAP_UPROBE_ARG_5(ctx), (__u32)NETCAP_UPROBE_ARG_4(ctx))"),
                raw);
        // the binary is given at attach: the C, and so the cached object, is the same for every binary
        assertTrue(!c.contains(BINARY) && !raw.contains(BINARY));
    }

    @ParameterizedTest
    @EnumSource(value = PacketSource.class, names = {"MBUF", "RAW"})
    @Tag("kernel")
    void passesTheVerifierWithEitherTransport(PacketSource source, @TempDir Path cache) throws Exception {
        TestPrograms.assumeRoot();
        ClangCompiler clang = new ClangCompiler("clang", cache);
        for (EventTransport transport : EventTransport.values()) {
            CaptureProgram program = program(source, transport);
            ProgramConfig config = ProgramConfig.defaults().forUserSpace(MbufLayout.DPDK_17_05,
                    source == PacketSource.RAW ? ProgramConfig.LINKTYPE_RAW : ProgramConfig.LINKTYPE_ETHERNET);
            ProgramLoader.Loaded loaded = ProgramLoader.load(program, config, false, o -> { }, clang);
            try {
                assertEquals(program, loaded.program(), "loaded as generated");
            } finally {
                loaded.object().close();
            }
        }
    }

    @Test
    void theMbufLayoutReachesTheConfig() {
        MbufLayout layout = MbufLayout.parse("data_off=18,next=72", MbufLayout.DPDK_17_05);
        String described = KernelAbi.describeConfig(ProgramConfig.defaults().forUserSpace(layout, ProgramConfig.LINKTYPE_RAW), 0);
        assertTrue(described.contains("mbuf = { buf_addr = 0, data_off = 18, port = 22, pkt_len = 36, data_len = 40, next = 72 }"),
                described);
        assertTrue(described.contains("user_link = 101"), described);
    }

    @Test
    void anMbufFieldGivenTwiceIsRefused() {
        io.netcap.capture.CaptureException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.netcap.capture.CaptureException.class, () -> MbufLayout.parse("data_off=16,data_off=18", MbufLayout.DPDK_17_05));
        assertTrue(e.getMessage().contains("data_off is given twice"), e.getMessage());
    }
}

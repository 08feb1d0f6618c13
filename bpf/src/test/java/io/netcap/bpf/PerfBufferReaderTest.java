package io.netcap.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("kernel")
class PerfBufferReaderTest {
    /** An XDP program (test-runnable with a packet) that copies the packet's first 16 bytes out. */
    private static final String EMITTER = """
            struct {
                __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
                __uint(key_size, sizeof(__u32));
                __uint(value_size, sizeof(__u32));
            } events SEC(".maps");

            SEC("xdp")
            int emit(struct xdp_md *ctx)
            {
                void *data = (void *)(long)ctx->data;
                void *end = (void *)(long)ctx->data_end;
                __u8 head[16];
                if (data + sizeof(head) > end)
                    return XDP_ABORTED;
                __builtin_memcpy(head, data, sizeof(head));
                bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, head, sizeof(head));
                return XDP_PASS;
            }
            """;

    @BeforeEach
    void root() {
        TestPrograms.assumeRoot();
    }

    private static byte[] packet(int first) {
        byte[] p = new byte[64];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (first + i);
        }
        return p;
    }

    @Test
    void samplesArriveWithTheirCpu() {
        try (BpfObject object = TestPrograms.load("perf", EMITTER)) {
            List<String> seen = new ArrayList<>();
            try (PerfBufferReader reader = new PerfBufferReader(object.map("events"), 8, (cpu, record, size) -> {
                assertTrue(cpu >= 0 && cpu < BpfMap.possibleCpus());
                seen.add(size + ":" + record.get(0) + ":" + record.get(15));
            })) {
                TestRunResult run = object.program("emit").testRun(packet(1), null);
                assertEquals(2, run.retval(), "XDP_PASS");
                assertEquals(64, run.dataOut().length);
                object.program("emit").testRun(packet(50), null);
                assertTrue(reader.poll(1000) > 0);
                // perf pads each sample so that its u32 size header plus data is 8-byte aligned.
                assertEquals(List.of("20:1:16", "20:50:65"), seen);
            }
        }
    }

    @Test
    void consumerExceptionIsRethrownAndPageCountIsChecked() {
        try (BpfObject object = TestPrograms.load("perf", EMITTER)) {
            assertThrows(IllegalArgumentException.class,
                    () -> new PerfBufferReader(object.map("events"), 3, (cpu, record, size) -> { }));
            RuntimeException boom = new RuntimeException("boom");
            try (PerfBufferReader reader = new PerfBufferReader(object.map("events"), 1, (cpu, record, size) -> {
                throw boom;
            })) {
                object.program("emit").testRun(packet(1), null);
                assertSame(boom, assertThrows(RuntimeException.class, () -> reader.poll(1000)));
                assertEquals(0, reader.poll(0), "nothing left and no stale failure");
            }
        }
    }
}

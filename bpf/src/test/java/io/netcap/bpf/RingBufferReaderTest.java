package io.netcap.bpf;

import static io.netcap.bpf.TestPrograms.intBytes;
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
class RingBufferReaderTest {
    /** Each test run emits {@code count} records: {seq, value + seq} followed by seq filler bytes. */
    private static final String EMITTER = """
            struct {
                __uint(type, BPF_MAP_TYPE_RINGBUF);
                __uint(max_entries, 64 * 1024);
            } events SEC(".maps");

            struct args { __u32 value; __u32 count; };
            struct record { __u32 seq; __u32 value; __u8 filler[32]; };

            SEC("syscall")
            int emit(struct args *args)
            {
                struct record r = {};
                __u32 n = args->count;
                for (__u32 i = 0; i < 8 && i < n; i++) {
                    r.seq = i;
                    r.value = args->value + i;
                    if (bpf_ringbuf_output(&events, &r, 8 + i * 4, 0))
                        return 1;
                }
                return 0;
            }
            """;

    @BeforeEach
    void root() {
        TestPrograms.assumeRoot();
    }

    @Test
    void recordsWrittenByTheProgramArriveInOrder() {
        try (BpfObject object = TestPrograms.load("ring", EMITTER)) {
            List<String> seen = new ArrayList<>();
            try (RingBufferReader reader = new RingBufferReader(object.map("events"), (record, size) ->
                    seen.add(record.getInt(0) + ":" + record.getInt(4) + ":" + size + ":" + record.remaining()))) {
                assertTrue(reader.epollFd() >= 0);
                assertEquals(0, reader.consume(), "nothing emitted yet");
                assertEquals(0, object.program("emit").testRun(null, intBytes(100, 3)).retval());
                assertEquals(3, reader.poll(1000));
                assertEquals(List.of("0:100:8:8", "1:101:12:12", "2:102:16:16"), seen);

                object.program("emit").testRun(null, intBytes(7, 1));
                assertEquals(1, reader.consume());
                assertEquals("0:7:8:8", seen.get(3));
                assertEquals(0, reader.poll(10), "times out with nothing to read");
                reader.close();
                reader.close();
                assertThrows(IllegalStateException.class, () -> reader.poll(0));
            }
        }
    }

    @Test
    void anExceptionInTheConsumerIsRethrownFromPoll() {
        try (BpfObject object = TestPrograms.load("ring", EMITTER)) {
            IllegalStateException boom = new IllegalStateException("consumer failed");
            List<Integer> seen = new ArrayList<>();
            try (RingBufferReader reader = new RingBufferReader(object.map("events"), (record, size) -> {
                seen.add(record.getInt(0));
                if (record.getInt(0) == 1) {
                    throw boom;
                }
            })) {
                object.program("emit").testRun(null, intBytes(0, 4));
                assertSame(boom, assertThrows(IllegalStateException.class, () -> reader.poll(1000)));
                assertEquals(List.of(0, 1), seen, "polling stops at the failing record");
                assertEquals(2, reader.poll(1000), "the rest is still there and the reader still works");
                assertEquals(List.of(0, 1, 2, 3), seen);
            }
        }
    }
}

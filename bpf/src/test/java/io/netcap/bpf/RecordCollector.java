package io.netcap.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * For the mapped-buffer tests: keeps a copy of each record handed over, after checking the
 * contract every reader gives (the record is the {@code size} bytes from the buffer's position, in
 * native byte order).
 */
final class RecordCollector implements RecordConsumer {
    final List<byte[]> records = new ArrayList<>();

    @Override
    public void accept(ByteBuffer record, int size) {
        assertEquals(size, record.remaining());
        assertEquals(ByteOrder.nativeOrder(), record.order());
        byte[] copy = new byte[size];
        record.get(copy);
        records.add(copy);
    }

    /** {@code length} bytes counting up from {@code first}. */
    static byte[] bytes(int length, int first) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (first + i);
        }
        return b;
    }
}

package io.netcap.bpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.ffi.Pointer;

/**
 * The one heap buffer a reader copies each record into before handing it to Java code. Records
 * live in the kernel-shared ring only until the callback returns, so a copy is needed anyway;
 * reusing one buffer keeps the per-record allocation at zero.
 */
final class RecordBuffer {
    private ByteBuffer buffer = ByteBuffer.allocate(4096).order(ByteOrder.nativeOrder());

    /** Position 0, limit {@code size}, host byte order; valid until the next call. */
    ByteBuffer fill(Pointer data, int size) {
        if (buffer.capacity() < size) {
            buffer = ByteBuffer.allocate(Integer.highestOneBit(size - 1) << 1).order(ByteOrder.nativeOrder());
        }
        data.get(0, buffer.array(), 0, size);
        buffer.clear().limit(size);
        return buffer;
    }
}

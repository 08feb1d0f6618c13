package io.netcap.bpf;

import java.nio.ByteBuffer;

/**
 * Receives one record from a {@link MappedRingBuffer} or {@link MappedPerfBuffer}. The buffer
 * (position 0, limit {@code size}, host byte order) is reused for the next record: copy what you
 * keep. An exception thrown here ends the current drain and propagates from it.
 */
@FunctionalInterface
public interface RecordConsumer {
    void accept(ByteBuffer record, int size);
}

package io.netcap.bpf;

import java.nio.ByteBuffer;

/**
 * Receives one record from a {@link MappedRingBuffer} or {@link MappedPerfBuffer}: the {@code size}
 * bytes from the buffer's position (its limit is position + size), in host byte order. The buffer
 * may be the ring's own memory, in place, or a copy that is reused: either way it is valid only
 * during the call, so copy what you keep, and read at absolute indexes from the position. An
 * exception thrown here ends the current drain and propagates from it.
 */
@FunctionalInterface
public interface RecordConsumer {
    void accept(ByteBuffer record, int size);
}

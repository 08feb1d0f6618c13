package io.netcap.capture.kernel;

import io.netcap.bpf.BpfMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a packet's kernel stack from the stack map, symbolises it, and frees the map entry at
 * once: the original tool never freed them, so the map filled and stacks came out empty.
 *
 * <p>bpf_get_stackid gives identical stacks the same id, so packets that took the same path
 * share one entry, and the second finds it already freed by the first. Its stack is the one
 * last read under that id: an id is a hash bucket that holds one stack at a time, and a
 * different stack could only have taken the bucket after the free, in which case the map would
 * hold it. So the last stack read is kept per id (a bounded cache) and given out then.
 */
public final class StackResolver {
    static final int MAX_DEPTH = 127;

    private final BpfMap stacks;
    private final KernelSymbols symbols;
    private final byte[] key = new byte[4];
    private final byte[] value = new byte[MAX_DEPTH * 8];
    /** The stack last read under each id, for packets that shared it (see the class comment). */
    private final java.util.Map<Integer, List<String>> lastRead = new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<Integer, List<String>> eldest) {
            return size() > 4096;
        }
    };

    public StackResolver(BpfMap stacks, KernelSymbols symbols) {
        this.stacks = stacks;
        this.symbols = symbols;
    }

    /**
     * A packet's stack, frames innermost first as "function+0xoffset", read and then freed; a
     * single explanatory line when the kernel could not record it.
     */
    public List<String> take(int stackId) {
        if (stackId < 0) {
            return List.of("[stack unavailable: bpf_get_stackid returned " + stackId + "]");
        }
        List<String> frames = read(stackId, symbols::symbolize);
        if (frames == null) {
            List<String> shared = lastRead.get(stackId);
            return shared != null ? shared : List.of("[stack " + stackId + " missing from the stack map]");
        }
        stacks.delete(key);
        lastRead.put(stackId, frames);
        return frames;
    }

    /** A counted stack, frames innermost first as function names only; empty when not recorded. */
    public List<String> functions(int stackId) {
        List<String> frames = stackId < 0 ? null : read(stackId, symbols::function);
        return frames == null ? List.of() : frames;
    }

    /** The stack's frames without BPF's own, or null when the map has no such stack. */
    private List<String> read(int stackId, java.util.function.LongFunction<String> name) {
        ByteBuffer.wrap(key).order(ByteOrder.nativeOrder()).putInt(0, stackId);
        if (!stacks.lookup(key, value)) {
            return null;
        }
        ByteBuffer v = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
        List<String> frames = new ArrayList<>();
        for (int i = 0; i < MAX_DEPTH; i++) {
            long ip = v.getLong(i * 8);
            if (ip == 0) {
                break;
            }
            frames.add(name.apply(ip));
        }
        return StackFrames.withoutBpfFrames(frames);
    }
}

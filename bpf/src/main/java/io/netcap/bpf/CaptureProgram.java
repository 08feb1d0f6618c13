package io.netcap.bpf;

import io.netcap.filter.CompiledFilter;
import java.util.List;
import java.util.Objects;

/**
 * Everything that decides the generated capture program. Two equal CapturePrograms generate the
 * same C, so the compiled object is cached by the hash of the C.
 *
 * @param hooks       where to capture, in -f order
 * @param filter      the tcpdump expression compiled for L2 and L3
 * @param captureSize bytes of each packet sent to user space (1..65535)
 * @param stacks      record each packet's kernel stack (-S)
 * @param interfaceName only packets on a device of this name, in any namespace; null for all
 * @param netns       only packets in the network namespace with this inode; 0 for all
 * @param skbDataOffset with --skb-data: the packet starts at skb->data plus this, as raw IP; null otherwise
 * @param fakeHeaders   --fake-hdr: make up the Ethernet (and IP) header a packet does not have yet
 * @param transport     how events reach user space
 */
public record CaptureProgram(List<CaptureHook> hooks, CompiledFilter filter, int captureSize,
                             boolean stacks, String interfaceName, long netns, Integer skbDataOffset,
                             boolean fakeHeaders, EventTransport transport) {
    public static final int MAX_CAPTURE_SIZE = 65535;
    /** The filter always sees at least this many bytes, so a small -s does not change what matches. */
    public static final int MIN_FILTER_BYTES = 2048;
    public static final int DEVICE_NAME_MAX = 15;

    public CaptureProgram {
        hooks = List.copyOf(hooks);
        Objects.requireNonNull(filter);
        Objects.requireNonNull(transport);
        if (hooks.isEmpty()) {
            throw new IllegalArgumentException("no hook to capture at");
        }
        if (captureSize < 1 || captureSize > MAX_CAPTURE_SIZE) {
            throw new IllegalArgumentException("capture size must be 1.." + MAX_CAPTURE_SIZE + ", not " + captureSize);
        }
        if (interfaceName != null && (interfaceName.isEmpty()
                || interfaceName.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > DEVICE_NAME_MAX)) {
            throw new IllegalArgumentException("interface name must be 1.." + DEVICE_NAME_MAX + " bytes: \"" + interfaceName + "\"");
        }
        if (netns < 0 || netns > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("bad network namespace inode " + netns);
        }
        if (fakeHeaders && skbDataOffset != null) {
            throw new IllegalArgumentException("--fake-hdr and --skb-data do not go together");
        }
        if (skbDataOffset != null && (skbDataOffset < -4096 || skbDataOffset > 4096)) {
            throw new IllegalArgumentException("--skb-data-offset must be within -4096..4096, not " + skbDataOffset);
        }
    }

    /** This program with one hook replaced (same index). */
    public CaptureProgram withHook(CaptureHook hook) {
        List<CaptureHook> replaced = new java.util.ArrayList<>(hooks);
        replaced.set(hook.index(), hook);
        return new CaptureProgram(replaced, filter, captureSize, stacks, interfaceName, netns, skbDataOffset,
                fakeHeaders, transport);
    }

    /** A capture at these hooks with no -i, --netns or --skb-data, through the ring buffer. */
    public static CaptureProgram of(List<CaptureHook> hooks, CompiledFilter filter, int captureSize, boolean stacks) {
        return new CaptureProgram(hooks, filter, captureSize, stacks, null, 0, null, false, EventTransport.RING_BUFFER);
    }

    public int copySize() {
        return Math.max(captureSize, MIN_FILTER_BYTES);
    }
}

package io.netcap.capture.program;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** For tests elsewhere: an event as the program writes it (struct netcap_event, then ext, then the packet). */
public final class EventRecords {
    private EventRecords() {
    }

    /** The record of {@code e}, in host byte order, positioned at 0. */
    public static ByteBuffer encode(CaptureEvent e) {
        ByteBuffer b = ByteBuffer.allocate(KernelAbi.EVENT_SIZE + e.ext().length + e.data().length)
                .order(ByteOrder.nativeOrder());
        b.putLong(KernelAbi.EV_TS_NS, e.monotonicNanos()).putLong(KernelAbi.EV_SKB, e.skb())
                .putInt(KernelAbi.EV_HOOK, e.hook()).putInt(KernelAbi.EV_WIRE_LEN, e.wireLength())
                .putInt(KernelAbi.EV_CAP_LEN, e.data().length).putInt(KernelAbi.EV_IFINDEX, e.ifindex())
                .putInt(KernelAbi.EV_NETNS, (int) e.netnsInode()).putInt(KernelAbi.EV_STACK_ID, e.stackId())
                .putInt(KernelAbi.EV_CPU, e.cpu()).putInt(KernelAbi.EV_REASON, e.reason())
                .putShort(KernelAbi.EV_LINK_TYPE, (short) e.linkType()).putShort(KernelAbi.EV_FLAGS, (short) e.flags())
                .putInt(KernelAbi.EV_PID, e.pid()).putInt(KernelAbi.EV_EXT_LEN, e.ext().length);
        byte[] name = e.device().getBytes(StandardCharsets.UTF_8);
        b.put(KernelAbi.EV_DEV, name, 0, Math.min(name.length, KernelAbi.DEVNAME_LEN - 1));
        b.put(KernelAbi.EVENT_SIZE, e.ext()).put(KernelAbi.EVENT_SIZE + e.ext().length, e.data());
        return b;
    }
}

package io.netcap.capture.program;

import io.netcap.bpf.BpfMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the kernel programs and netcap exchange, named and laid out in one place: the maps
 * by name, and the structs of netcap_event.h (the event record, the per-hook counters, the
 * backtrace count key, the run-time config) and netcap_packet.h (the kernel layout). Offsets are
 * in bytes, host byte order. KernelAbiTest checks every offset here against the BTF that clang
 * emits for the compiled programs, so a change to one side alone fails a test.
 */
public final class KernelAbi {
    /** Ring buffer or perf event array of {@code struct netcap_event} records (capture). */
    public static final String EVENTS_MAP = "netcap_events";
    /** Per hook, per CPU {@code struct netcap_counters}. */
    public static final String STATS_MAP = "netcap_stats";
    /** Kernel stacks by id (bpf_get_stackid). */
    public static final String STACKS_MAP = "netcap_stacks";
    /** One scratch record per CPU, indexed by CPU: sized to the possible CPUs before load. */
    public static final String SCRATCH_MAP = "netcap_scratch";
    /** --gather's LRU map of the addresses taken at the first hook (netcap_packet.h), sized before load. */
    public static final String FOLLOWED_MAP = "netcap_followed";
    /** One {@code struct netcap_layout}: where the kernel maps pages, for page fragments. */
    public static final String LAYOUT_MAP = "netcap_layout";
    /** {@code struct netcap_drop_key} to a u64 count (backtrace). */
    public static final String DROPS_MAP = "netcap_drops";
    /**
     * The const volatile {@code struct netcap_config}, alone in its own .rodata subsection, so
     * libbpf's internal map for it holds exactly that struct and nothing clang adds to .rodata.
     */
    public static final String CONFIG_MAP = ".rodata.netcap";

    /** stack_id of a packet whose stack was not recorded (NETCAP_NO_STACK). */
    public static final int NO_STACK = -1;
    /** Entries of the stack map when a program records stacks (its C declaration). */
    public static final int STACK_ENTRIES = 16384;

    /** NETCAP_MAX_BURST (netcap_user.h): the mbufs read from one array argument; more are counted as skipped. */
    public static final int MAX_BURST = 256;

    // struct netcap_event
    public static final int EVENT_SIZE = 80;
    static final int EV_TS_NS = 0;
    static final int EV_SKB = 8;
    static final int EV_HOOK = 16;
    static final int EV_WIRE_LEN = 20;
    static final int EV_CAP_LEN = 24;
    static final int EV_IFINDEX = 28;
    static final int EV_NETNS = 32;
    static final int EV_STACK_ID = 36;
    static final int EV_CPU = 40;
    static final int EV_REASON = 44;
    static final int EV_LINK_TYPE = 48;
    static final int EV_FLAGS = 50;
    static final int EV_PID = 52;
    static final int EV_DEV = 56;
    /** Bytes of the --ext-action's struct between the header and the packet's bytes. */
    static final int EV_EXT_LEN = 72;
    static final int DEVNAME_LEN = 16;

    /** netcap_event.flags: cap_len is below min(wire_len, -s) because the hook could not read the rest. */
    public static final int FLAG_TRUNCATED = 0x1;
    /** netcap_event.flags: the 802.1Q tag after the MAC addresses was put back from skb->vlan_tci. */
    public static final int FLAG_VLAN = 0x2;

    // struct netcap_counters: six u64
    public static final int COUNTERS_SIZE = 48;
    static final int CNT_SEEN = 0;
    static final int CNT_MATCHED = 8;
    static final int CNT_LOST = 16;
    static final int CNT_UNLOCATED = 24;
    static final int CNT_PARTIAL = 32;
    static final int CNT_SKIPPED = 40;

    // struct netcap_drop_key
    public static final int DROP_KEY_SIZE = 16;
    static final int KEY_STACK_ID = 0;
    static final int KEY_HOOK = 4;
    static final int KEY_REASON = 8;

    // struct netcap_config
    public static final int CONFIG_SIZE = 80;
    static final int CFG_CAPTURE_SIZE = 0;
    static final int CFG_COPY_SIZE = 4;
    static final int CFG_NETNS = 8;
    static final int CFG_SKB_DATA_OFFSET = 12;
    static final int CFG_STACKS = 16;
    static final int CFG_IFNAME_SET = 17;
    static final int CFG_SKB_DATA = 18;
    static final int CFG_FAKE_HDR = 19;
    static final int CFG_FOLLOW_MS = 20;
    static final int CFG_IFNAME = 24;
    static final int CFG_IFNAME_MASK = 40;
    static final int CFG_MBUF = 56;
    static final int CFG_USER_LINK = 72;

    // struct netcap_mbuf_layout: six u16 (and two of padding)
    public static final int MBUF_LAYOUT_SIZE = 16;

    // struct netcap_layout
    public static final int LAYOUT_SIZE = 16;
    static final int LAYOUT_PAGE_OFFSET_BASE = 0;
    static final int LAYOUT_VMEMMAP_BASE = 8;

    private KernelAbi() {
    }

    /** A struct as this class lays it out, for the check against the object's BTF. */
    record Struct(String name, int size, Map<String, Integer> offsets) {
    }

    /** Every struct netcap reads or writes, with the offsets the constants above give. */
    static List<Struct> structs() {
        return List.of(
                struct("netcap_event", EVENT_SIZE, "ts_ns", EV_TS_NS, "skb", EV_SKB, "hook", EV_HOOK,
                        "wire_len", EV_WIRE_LEN, "cap_len", EV_CAP_LEN, "ifindex", EV_IFINDEX, "netns", EV_NETNS,
                        "stack_id", EV_STACK_ID, "cpu", EV_CPU, "reason", EV_REASON, "link_type", EV_LINK_TYPE,
                        "flags", EV_FLAGS, "pid", EV_PID, "dev", EV_DEV, "ext_len", EV_EXT_LEN),
                struct("netcap_counters", COUNTERS_SIZE, "seen", CNT_SEEN, "matched", CNT_MATCHED, "lost", CNT_LOST,
                        "unlocated", CNT_UNLOCATED, "partial", CNT_PARTIAL, "skipped", CNT_SKIPPED),
                struct("netcap_drop_key", DROP_KEY_SIZE, "stack_id", KEY_STACK_ID, "hook", KEY_HOOK,
                        "reason", KEY_REASON),
                struct("netcap_config", CONFIG_SIZE, "capture_size", CFG_CAPTURE_SIZE, "copy_size", CFG_COPY_SIZE,
                        "netns", CFG_NETNS, "skb_data_offset", CFG_SKB_DATA_OFFSET, "stacks", CFG_STACKS,
                        "ifname_set", CFG_IFNAME_SET, "skb_data", CFG_SKB_DATA, "fake_hdr", CFG_FAKE_HDR,
                        "follow_ms", CFG_FOLLOW_MS,
                        "ifname", CFG_IFNAME, "ifname_mask", CFG_IFNAME_MASK, "mbuf", CFG_MBUF,
                        "user_link", CFG_USER_LINK),
                struct("netcap_mbuf_layout", MBUF_LAYOUT_SIZE, "buf_addr", 0, "data_off", 2, "port", 4, "pkt_len", 6,
                        "data_len", 8, "next", 10),
                struct("netcap_layout", LAYOUT_SIZE, "page_offset_base_addr", LAYOUT_PAGE_OFFSET_BASE,
                        "vmemmap_base_addr", LAYOUT_VMEMMAP_BASE));
    }

    private static Struct struct(String name, int size, Object... nameOffset) {
        Map<String, Integer> offsets = new LinkedHashMap<>();
        for (int i = 0; i < nameOffset.length; i += 2) {
            offsets.put((String) nameOffset[i], (Integer) nameOffset[i + 1]);
        }
        return new Struct(name, size, offsets);
    }

    /**
     * One hook's counters, summed over CPUs (struct netcap_counters): packets seen at the hook,
     * matched by -i/--netns/the filter, lost on the way to user space, not located, and read only
     * in part before the filter ran (partial). Records cut short are counted as they are written.
     * skipped: mbufs of an array argument beyond the per-call bound, never read (netcap mbuf).
     */
    public record Counters(long seen, long matched, long lost, long unlocated, long partial, long skipped) {
        public static final Counters ZERO = new Counters(0, 0, 0, 0, 0, 0);

        /** Counters of a hook that skips nothing (every kernel hook). */
        public Counters(long seen, long matched, long lost, long unlocated, long partial) {
            this(seen, matched, lost, unlocated, partial, 0);
        }

        public Counters plus(Counters o) {
            return new Counters(seen + o.seen, matched + o.matched, lost + o.lost, unlocated + o.unlocated,
                    partial + o.partial, skipped + o.skipped);
        }
    }

    /** Sums a per-CPU value of {@code cpus} consecutive {@code struct netcap_counters}. */
    public static Counters decodeCounters(byte[] perCpu, int cpus) {
        if (perCpu.length < cpus * COUNTERS_SIZE) {
            throw new IllegalArgumentException("per-CPU counters of " + perCpu.length + " bytes for " + cpus + " CPUs");
        }
        ByteBuffer v = ByteBuffer.wrap(perCpu).order(ByteOrder.nativeOrder());
        Counters total = Counters.ZERO;
        for (int cpu = 0; cpu < cpus; cpu++) {
            int base = cpu * COUNTERS_SIZE;
            total = total.plus(new Counters(v.getLong(base + CNT_SEEN), v.getLong(base + CNT_MATCHED),
                    v.getLong(base + CNT_LOST), v.getLong(base + CNT_UNLOCATED), v.getLong(base + CNT_PARTIAL),
                    v.getLong(base + CNT_SKIPPED)));
        }
        return total;
    }

    /** The counters of every hook of a loaded program, summed over hooks and CPUs. */
    public static Counters readCounters(BpfMap stats, int hookCount) {
        int cpus = BpfMap.possibleCpus();
        byte[] key = new byte[4];
        byte[] value = new byte[COUNTERS_SIZE * cpus];
        Counters total = Counters.ZERO;
        for (int hook = 0; hook < hookCount; hook++) {
            ByteBuffer.wrap(key).order(ByteOrder.nativeOrder()).putInt(0, hook);
            if (stats.lookup(key, value)) {
                total = total.plus(decodeCounters(value, cpus));
            }
        }
        return total;
    }

    /**
     * A key of the backtrace count map: stack id ({@link #NO_STACK} when lost), hook index, the
     * hook's reason ({@link Hook#reason()} says which enum).
     */
    public record DropKey(int stackId, int hook, long reason) {
    }

    public static DropKey decodeDropKey(byte[] key) {
        if (key.length != DROP_KEY_SIZE) {
            throw new IllegalArgumentException("drop key of " + key.length + " bytes, not " + DROP_KEY_SIZE);
        }
        ByteBuffer k = ByteBuffer.wrap(key).order(ByteOrder.nativeOrder());
        return new DropKey(k.getInt(KEY_STACK_ID), k.getInt(KEY_HOOK), Integer.toUnsignedLong(k.getInt(KEY_REASON)));
    }

    /** A value of the backtrace count map: one u64. */
    public static long decodeCount(byte[] value) {
        return ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getLong(0);
    }

    /**
     * The bytes of {@code struct netcap_config} for these settings, in a program whose filter reads
     * up to {@code filterExtent} bytes into a packet ({@link ProgramConfig#copySize}).
     */
    public static byte[] encodeConfig(ProgramConfig config, long filterExtent) {
        ByteBuffer b = ByteBuffer.allocate(CONFIG_SIZE).order(ByteOrder.nativeOrder());
        b.putInt(CFG_CAPTURE_SIZE, config.captureSize());
        b.putInt(CFG_COPY_SIZE, config.copySize(filterExtent));
        b.putInt(CFG_NETNS, (int) config.netns());
        b.putInt(CFG_SKB_DATA_OFFSET, config.skbDataOffset() == null ? 0 : config.skbDataOffset());
        b.put(CFG_STACKS, (byte) (config.stacks() ? 1 : 0));
        b.put(CFG_IFNAME_SET, (byte) (config.interfaceName() != null ? 1 : 0));
        b.put(CFG_SKB_DATA, (byte) (config.skbDataOffset() != null ? 1 : 0));
        b.put(CFG_FAKE_HDR, (byte) (config.fakeHeaders() ? 1 : 0));
        b.putInt(CFG_FOLLOW_MS, config.followMillis());
        int field = CFG_MBUF;
        MbufLayout layout = config.mbufLayout() == null ? MbufLayout.DPDK_17_05 : config.mbufLayout();
        for (int offset : layout.fields().values()) {
            b.putShort(field, (short) offset); // struct order, as netcap_mbuf_layout declares them
            field += 2;
        }
        b.putShort(CFG_USER_LINK, (short) config.userLinkType());
        if (config.interfaceName() != null) {
            // at most 15 bytes (ProgramConfig checks), so the name stays NUL-terminated
            byte[] name = config.interfaceName().getBytes(StandardCharsets.UTF_8);
            b.put(CFG_IFNAME, name);
            // the program compares the name as two words, over its bytes and its NUL only
            for (int i = 0; i <= name.length; i++) {
                b.put(CFG_IFNAME_MASK + i, (byte) 0xff);
            }
        }
        return b.array();
    }

    /**
     * The config as C would print {@code struct netcap_config} (for --dry-run), read back from
     * {@link #encodeConfig}'s bytes so that it shows exactly what the kernel will get.
     */
    public static String describeConfig(ProgramConfig config, long filterExtent) {
        ByteBuffer b = ByteBuffer.wrap(encodeConfig(config, filterExtent)).order(ByteOrder.nativeOrder());
        return "netcap_config { capture_size = " + b.getInt(CFG_CAPTURE_SIZE) + ", copy_size = " + b.getInt(CFG_COPY_SIZE)
                + ", netns = " + Integer.toUnsignedLong(b.getInt(CFG_NETNS)) + ", skb_data_offset = "
                + b.getInt(CFG_SKB_DATA_OFFSET) + ", stacks = " + b.get(CFG_STACKS) + ", ifname_set = "
                + b.get(CFG_IFNAME_SET) + ", skb_data = " + b.get(CFG_SKB_DATA) + ", fake_hdr = " + b.get(CFG_FAKE_HDR)
                + ", follow_ms = " + Integer.toUnsignedLong(b.getInt(CFG_FOLLOW_MS)) + ", ifname = \"" + deviceName(b, CFG_IFNAME) + "\", mbuf = { " + describeMbuf(b) + " }, user_link = "
                + b.getShort(CFG_USER_LINK) + " }";
    }

    private static String describeMbuf(ByteBuffer b) {
        StringBuilder s = new StringBuilder();
        int field = CFG_MBUF;
        for (String name : MbufLayout.DPDK_17_05.fields().keySet()) {
            s.append(field == CFG_MBUF ? "" : ", ").append(name).append(" = ").append(b.getShort(field));
            field += 2;
        }
        return s.toString();
    }

    /** A device name of NETCAP_DEVNAME_LEN bytes at {@code offset}, up to its NUL. */
    private static String deviceName(ByteBuffer b, int offset) {
        return cString(b, offset, DEVNAME_LEN);
    }

    /** The NUL-terminated (or {@code max}-byte) UTF-8 string at {@code offset} of {@code b}. */
    static String cString(ByteBuffer b, int offset, int max) {
        byte[] name = new byte[max];
        b.get(offset, name);
        int length = 0;
        while (length < name.length && name[length] != 0) {
            length++;
        }
        return new String(name, 0, length, StandardCharsets.UTF_8);
    }

    /** The bytes of {@code struct netcap_layout}: the addresses of page_offset_base and vmemmap_base. */
    public static byte[] encodeLayout(long pageOffsetBaseAddr, long vmemmapBaseAddr) {
        return ByteBuffer.allocate(LAYOUT_SIZE).order(ByteOrder.nativeOrder())
                .putLong(LAYOUT_PAGE_OFFSET_BASE, pageOffsetBaseAddr)
                .putLong(LAYOUT_VMEMMAP_BASE, vmemmapBaseAddr).array();
    }
}

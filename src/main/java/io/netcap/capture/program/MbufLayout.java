package io.netcap.capture.program;

import io.netcap.capture.CaptureException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where DPDK's {@code struct rte_mbuf} keeps the fields netcap mbuf reads, as byte offsets. The
 * default is the 64-bit layout of DPDK 17.05 and later (lib/mbuf/rte_mbuf_core.h; measured on
 * Debian's 22.11: buf_addr 0, data_off 16, port 22, pkt_len 36, data_len 40, next 64, in a
 * 128-byte struct). Another layout comes from the target's debug information or --mbuf-layout.
 * It reaches the kernel in {@code netcap_config.mbuf}.
 */
public record MbufLayout(int bufAddr, int dataOff, int port, int pktLen, int dataLen, int next) {
    /** DPDK 17.05 and later on 64-bit machines. */
    public static final MbufLayout DPDK_17_05 = new MbufLayout(0, 16, 22, 36, 40, 64);
    /** Offsets are kept as u16 in netcap_config; an rte_mbuf is two 64-byte cache lines. */
    static final int MAX_OFFSET = 1024;

    public MbufLayout {
        for (int off : new int[] {bufAddr, dataOff, port, pktLen, dataLen, next}) {
            if (off < 0 || off > MAX_OFFSET) {
                throw CaptureException.usage("--mbuf-layout: offset " + off + " is outside 0.." + MAX_OFFSET);
            }
        }
    }

    /** The fields by the names DPDK gives them (and --mbuf-layout takes), in struct order. */
    public Map<String, Integer> fields() {
        Map<String, Integer> fields = new LinkedHashMap<>();
        fields.put("buf_addr", bufAddr);
        fields.put("data_off", dataOff);
        fields.put("port", port);
        fields.put("pkt_len", pktLen);
        fields.put("data_len", dataLen);
        fields.put("next", next);
        return fields;
    }

    /**
     * --mbuf-layout: {@code FIELD=OFFSET,...} over the fields of {@link #fields()}; the fields not
     * named keep their offsets in {@code base}.
     *
     * @throws CaptureException (usage) an unknown field or a bad offset
     */
    public static MbufLayout parse(String text, MbufLayout base) {
        Map<String, Integer> fields = base.fields();
        java.util.Set<String> given = new java.util.HashSet<>();
        for (String part : text.split(",", -1)) {
            String[] kv = part.strip().split("=", -1);
            if (kv.length != 2 || !fields.containsKey(kv[0].strip())) {
                throw CaptureException.usage("--mbuf-layout: expected FIELD=OFFSET,... with FIELD one of "
                        + String.join(", ", fields.keySet()) + "; got \"" + part.strip() + "\"");
            }
            if (!given.add(kv[0].strip())) {
                throw CaptureException.usage("--mbuf-layout: " + kv[0].strip() + " is given twice");
            }
            try {
                fields.put(kv[0].strip(), Integer.decode(kv[1].strip()));
            } catch (NumberFormatException e) {
                throw CaptureException.usage("--mbuf-layout: \"" + kv[1].strip() + "\" is not a byte offset (in " + part.strip() + ")");
            }
        }
        return new MbufLayout(fields.get("buf_addr"), fields.get("data_off"), fields.get("port"), fields.get("pkt_len"),
                fields.get("data_len"), fields.get("next"));
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        fields().forEach((k, v) -> b.append(b.length() == 0 ? "" : ",").append(k).append('=').append(v));
        return b.toString();
    }
}

package io.netcap.capture.gather;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netcap.pcap.JsonTime;
import io.netcap.pcap.PacketNote;
import io.netcap.pcap.TextColor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where one followed packet got, and when: printed under its first-hook packet as one line per
 * later hook, e.g.
 * <pre>
 *     [2] tracepoint:net:net_dev_start_xmit  +1.204 ms
 *     [3] tracepoint:net:netif_receive_skb  +18.310 us after [2], 1.222 ms after [1]
 *     [4] tracepoint:skb:consume_skb  not seen within 2 s
 * </pre>
 * (hooks numbered by their position in -f, from 1; a delay is from the last earlier hook the
 * packet was seen at), and in --json as {@code "gather"}: an array with one object per hook,
 * {@code position}, {@code hook}, {@code status} ({@link HopStatus#label()}) and, where seen,
 * {@code time} (RFC 3339), {@code cpu} and, after the first, {@code since_previous_ns},
 * {@code since_first_ns} and the reason the hook passed under its own label (e.g.
 * {@code "drop_reason": "NETFILTER_DROP"} at kfree_skb).
 */
final class GatherNote implements PacketNote {
    private final List<String> hooks;
    private final long headWallNanos;
    private final long[] times;
    private final int[] cpus;
    private final String[] reasons;
    private final PacketNote[][] notes;
    private final HopStatus[] status;
    private final GatherSettings settings;

    /**
     * @param times  per hook, when the packet was seen there (CLOCK_MONOTONIC), where status is SEEN
     * @param cpus    per hook, the CPU it fired on where SEEN (-1 unknown)
     * @param reasons per later hook, "LABEL NAME" of the reason it passed (e.g. "drop_reason
     *                NETFILTER_DROP"), or null
     * @param notes   per hook, the {@link PacketNote}s its event carried (an --ext-action's fields
     *                there): a later hook's are printed under its line, and in its JSON object
     * @param status  per hook; the first is always SEEN
     */
    GatherNote(List<String> hooks, long headWallNanos, long[] times, int[] cpus, String[] reasons, PacketNote[][] notes,
               HopStatus[] status, GatherSettings settings) {
        this.hooks = hooks;
        this.headWallNanos = headWallNanos;
        this.times = times.clone();
        this.cpus = cpus.clone();
        this.reasons = reasons.clone();
        this.notes = notes.clone();
        this.status = status.clone();
        this.settings = settings;
    }

    /** The position of the last hook before {@code hook} the packet was seen at (0 at least). */
    private int previousSeen(int hook) {
        int j = hook - 1;
        while (j > 0 && status[j] != HopStatus.SEEN) {
            j--;
        }
        return j;
    }

    @Override
    public List<String> lines() {
        List<String> lines = new ArrayList<>(hooks.size() - 1);
        for (int k = 1; k < hooks.size(); k++) {
            StringBuilder line = new StringBuilder("\t[").append(k + 1).append("] ").append(hooks.get(k)).append("  ");
            switch (status[k]) {
                case SEEN -> {
                    int j = previousSeen(k);
                    line.append('+').append(Durations.delay(times[k] - times[j]));
                    if (j > 0) {
                        line.append(" after [").append(j + 1).append("], ")
                                .append(Durations.delay(times[k] - times[0])).append(" after [1]");
                    }
                    if (reasons[k] != null) {
                        line.append("  (").append(reasons[k]).append(')');
                    }
                }
                case NOT_SEEN -> line.append("not seen within ").append(settings.timeoutText());
                case REPLACED -> line.append("not seen before another packet with its ").append(identityWords())
                        .append(" reached [1]");
                case EVICTED -> line.append("unknown: dropped from the gather buffer (--gather-buffer-size ")
                        .append(settings.bufferSize()).append(") before its timeout");
                case LOST -> line.append("unknown: not seen within ").append(settings.timeoutText())
                        .append(", but events were lost between kernel and user space meanwhile");
                case ENDED -> line.append("unknown: the capture ended before it was seen");
            }
            lines.add(line.toString());
            for (PacketNote note : notes[k]) {
                note.lines().forEach(l -> lines.add("\t    " + l.strip()));
            }
        }
        return lines;
    }

    private String identityWords() {
        return switch (settings.identity()) {
            case ADDRESS_AND_CONTENT -> "address and headers";
            case ADDRESS -> "address";
            case CONTENT -> "headers";
        };
    }

    @Override
    public TextColor color() {
        return settings.color();
    }

    @Override
    public String jsonField() {
        return "gather";
    }

    @Override
    public void writeJsonValue(JsonGenerator g) throws IOException {
        g.writeStartArray();
        for (int k = 0; k < hooks.size(); k++) {
            g.writeStartObject();
            g.writeNumberField("position", k + 1);
            g.writeStringField("hook", hooks.get(k));
            g.writeStringField("status", status[k].label());
            if (status[k] == HopStatus.SEEN) {
                g.writeStringField("time", JsonTime.format(headWallNanos + (times[k] - times[0])));
                if (cpus[k] >= 0) {
                    g.writeNumberField("cpu", cpus[k]);
                }
                if (k > 0) {
                    g.writeNumberField("since_previous_ns", times[k] - times[previousSeen(k)]);
                    g.writeNumberField("since_first_ns", times[k] - times[0]);
                }
                if (reasons[k] != null) {
                    int space = reasons[k].indexOf(' ');
                    g.writeStringField(reasons[k].substring(0, space), reasons[k].substring(space + 1));
                }
                for (PacketNote note : notes[k]) {
                    g.writeFieldName(note.jsonField());
                    note.writeJsonValue(g);
                }
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}

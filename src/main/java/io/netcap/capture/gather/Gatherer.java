package io.netcap.capture.gather;

import io.netcap.pcap.CapturedPacket;
import io.netcap.pcap.PacketFingerprint;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Follows each packet seen at the first hook of --gather through the later ones and hands it
 * out, once its fate at every hook is known, with a {@link GatherNote} of when it got where.
 *
 * <p>Events must come in time order (after the event stream's re-ordering), so a later hook's
 * event never precedes its packet's first-hook event because of the CPU it was read from; and
 * the caller moves time on with {@link #advanceTo} as the stream says no earlier event can still
 * come, which is what makes "not seen within the timeout" true rather than a guess.
 *
 * <p>Packets go out in the order they reached the first hook, so a pcap file of them is in time
 * order: one that is still travelling holds back those behind it, for at most the timeout. At
 * most {@link GatherSettings#bufferSize()} packets are held; past it the oldest goes out with its
 * unknown hops marked {@link HopStatus#EVICTED}. An identity seen again at the first hook ends
 * the older packet of that identity ({@link HopStatus#REPLACED}): its buffer was reused.
 *
 * <p>A later hook's event that matches no packet is counted, per hook, and otherwise ignored (the
 * packet was not seen at the first hook: it came from elsewhere, or before the capture began); a
 * second event for a hook a packet already reached is counted and ignored (the first counts).
 */
public final class Gatherer {
    private record Key(long address, long fingerprint) {
    }

    private static final class Entry {
        final Key key;
        final CapturedPacket head;
        final long[] times;
        final int[] cpus;
        final HopStatus[] status;
        int seen = 1;
        boolean finished;

        Entry(Key key, CapturedPacket head, long time, int hooks) {
            this.key = key;
            this.head = head;
            this.times = new long[hooks];
            this.cpus = new int[hooks];
            this.status = new HopStatus[hooks];
            Arrays.fill(cpus, -1);
            times[0] = time;
            cpus[0] = head.cpu();
            status[0] = HopStatus.SEEN;
        }
    }

    private final List<String> hooks;
    private final GatherSettings settings;
    private final Consumer<CapturedPacket> out;
    private final ArrayDeque<Entry> inOrder = new ArrayDeque<>();
    private final Map<Key, Entry> travelling = new HashMap<>();
    private final GatherStats stats;

    /**
     * @param hooks    the hooks' names in -f order (two or more); the first is where packets are taken
     * @param out      receives each followed packet: the first hook's packet with its note added
     */
    public Gatherer(List<String> hooks, GatherSettings settings, Consumer<CapturedPacket> out) {
        if (hooks.size() < 2) {
            throw new IllegalArgumentException("--gather needs two hooks or more, not " + hooks.size());
        }
        this.hooks = List.copyOf(hooks);
        this.settings = settings;
        this.out = out;
        this.stats = new GatherStats(this.hooks, settings);
    }

    /**
     * Takes one event, in time order.
     *
     * @param monotonicNanos when it was seen (CLOCK_MONOTONIC)
     * @param hook           its hook's position in -f, from 0
     * @param address        the sk_buff's (mbuf's, buffer's) address
     * @param packet         its packet; kept (not copied) when it is a first-hook packet
     */
    public void accept(long monotonicNanos, int hook, long address, CapturedPacket packet) {
        advanceTo(monotonicNanos);
        GatherIdentity identity = settings.identity();
        long fingerprint = identity == GatherIdentity.ADDRESS ? 0 : PacketFingerprint.of(packet);
        Key key = new Key(identity.address(address), identity.fingerprint(fingerprint));
        if (hook == 0) {
            start(key, packet, monotonicNanos);
            return;
        }
        Entry entry = travelling.get(key);
        if (entry == null) {
            stats.unmatched(hook);
            return;
        }
        if (entry.status[hook] != null) {
            stats.repeated();
            return;
        }
        entry.times[hook] = monotonicNanos;
        entry.cpus[hook] = packet.cpu();
        entry.status[hook] = HopStatus.SEEN;
        if (++entry.seen == hooks.size()) {
            travelling.remove(key);
            entry.finished = true;
            releaseFinished();
        }
    }

    private void start(Key key, CapturedPacket packet, long time) {
        Entry older = travelling.remove(key);
        if (older != null) {
            finish(older, HopStatus.REPLACED);
        }
        Entry entry = new Entry(key, packet, time, hooks.size());
        inOrder.addLast(entry);
        travelling.put(key, entry);
        while (inOrder.size() > settings.bufferSize()) {
            Entry oldest = inOrder.pollFirst();
            if (!oldest.finished) {
                travelling.remove(oldest.key, oldest);
                finish(oldest, HopStatus.EVICTED);
            }
            emit(oldest);
        }
        releaseFinished();
    }

    /**
     * No event stamped at or before {@code monotonicNanos} is still to come: every packet that
     * reached the first hook at least the timeout before it and is still missing a hook was not
     * seen there in time.
     */
    public void advanceTo(long monotonicNanos) {
        long deadline = monotonicNanos - settings.timeoutNanos();
        for (Entry e : inOrder) {
            if (e.times[0] > deadline) {
                break; // later packets reached the first hook later still
            }
            if (!e.finished) {
                travelling.remove(e.key, e);
                finish(e, HopStatus.NOT_SEEN);
            }
        }
        releaseFinished();
    }

    /**
     * At the end of the capture, once every event is in: packets whose timeout ran out by
     * {@code monotonicNanos} were not seen; the others' missing hops are unknown
     * ({@link HopStatus#ENDED}). Everything held goes out.
     */
    public void finishAll(long monotonicNanos) {
        advanceTo(monotonicNanos);
        for (Entry e : inOrder) {
            if (!e.finished) {
                finish(e, HopStatus.ENDED);
            }
        }
        travelling.clear();
        releaseFinished();
    }

    public GatherStats stats() {
        return stats;
    }

    /** Packets held: travelling, or finished behind one that is. */
    public int held() {
        return inOrder.size();
    }

    private static void finish(Entry e, HopStatus why) {
        for (int i = 1; i < e.status.length; i++) {
            if (e.status[i] == null) {
                e.status[i] = why;
            }
        }
        e.finished = true;
    }

    private void releaseFinished() {
        while (!inOrder.isEmpty() && inOrder.peekFirst().finished) {
            emit(inOrder.pollFirst());
        }
    }

    private void emit(Entry e) {
        GatherNote note = new GatherNote(hooks, e.head.timestampNanos(), e.times, e.cpus, e.status, settings);
        stats.record(e.times, e.status);
        out.accept(e.head.withNotes(List.of(note)));
    }
}

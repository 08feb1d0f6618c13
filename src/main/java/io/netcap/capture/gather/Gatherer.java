package io.netcap.capture.gather;

import io.netcap.pcap.CapturedPacket;
import io.netcap.pcap.PacketFingerprint;
import io.netcap.pcap.PacketNote;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Follows each packet seen at the first hook of --gather through the later ones and hands it
 * out, once its fate at every hook is known, with a {@link GatherNote} of when it got where.
 *
 * <p>Events must come in time order (after the event stream's re-ordering), so a later hook's
 * event never precedes its packet's first-hook event because of the CPU it was read from. Time
 * moves on only through {@link #advanceTo}, which the caller calls once the stream says no
 * earlier event can still come and once it has told {@link #eventsLost} what the kernel lost
 * meanwhile: that is what makes "not seen within the timeout" a fact rather than a guess, and
 * "unknown" what it is when an event may have been lost.
 *
 * <p>At most {@link GatherSettings#bufferSize()} packets are followed at once; past it the one
 * that reached the first hook earliest goes out with its unknown hops marked
 * {@link HopStatus#EVICTED}. Packets go out in the order they reached the first hook, so a pcap
 * file of them is in time order: one still travelling holds back those finished behind it, for
 * at most the timeout, and at most {@link #heldLimit()} of them; past that, finished packets go
 * out ahead of it (counted). An identity seen again at the first hook ends the older packet of
 * that identity ({@link HopStatus#REPLACED}): its buffer was reused.
 *
 * <p>A later hook's event that matches no packet is counted, per hook, as not followed (its
 * packet was not seen at the first hook), or as late when its packet's timeout had just run out;
 * a second event for a hook a packet already reached is counted and ignored (the first counts).
 */
public final class Gatherer {
    private record Key(long address, long fingerprint) {
    }

    private static final class Entry {
        final Key key;
        final CapturedPacket head;
        final long[] times;
        final int[] cpus;
        final String[] reasons;
        /** Per hook, what else its event carried (an --ext-action's fields); none until seen there. */
        final PacketNote[][] notes;
        final HopStatus[] status;
        int seen = 1;
        boolean finished;

        Entry(Key key, CapturedPacket head, long time, int hooks) {
            this.key = key;
            this.head = head;
            this.times = new long[hooks];
            this.cpus = new int[hooks];
            this.reasons = new String[hooks];
            this.notes = new PacketNote[hooks][0];
            this.status = new HopStatus[hooks];
            java.util.Arrays.fill(cpus, -1);
            times[0] = time;
            cpus[0] = head.cpu();
            status[0] = HopStatus.SEEN;
        }
    }

    private final List<String> hooks;
    private final GatherSettings settings;
    private final Predicate<CapturedPacket> out;
    private final ArrayDeque<Entry> inOrder = new ArrayDeque<>();
    private final Map<Key, Entry> travelling = new HashMap<>();
    /** Identities whose timeout ran out lately, to tell a late event from one of a packet never followed. */
    private final Map<Key, Boolean> expired;
    /** Intervals (CLOCK_MONOTONIC, from exclusive, to inclusive) in which the kernel lost events. */
    private final ArrayDeque<long[]> losses = new ArrayDeque<>();
    private final GatherStats stats;
    private long lostSoFar;
    private long lossCheckedAt = Long.MIN_VALUE;

    /**
     * @param hooks the hooks' names in -f order (two or more); the first is where packets are taken
     * @param out   receives each followed packet (the first hook's, with its note added) and says
     *              whether it was written; only written ones count in {@link #stats()}
     */
    public Gatherer(List<String> hooks, GatherSettings settings, Predicate<CapturedPacket> out) {
        if (hooks.size() < 2) {
            throw new IllegalArgumentException("--gather needs two hooks or more, not " + hooks.size());
        }
        this.hooks = List.copyOf(hooks);
        this.settings = settings;
        this.out = out;
        this.stats = new GatherStats(this.hooks, settings);
        int remembered = settings.bufferSize();
        this.expired = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Boolean> eldest) {
                return size() > remembered;
            }
        };
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
        GatherIdentity identity = settings.identity();
        long fingerprint = identity == GatherIdentity.ADDRESS ? 0 : PacketFingerprint.of(packet);
        Key key = new Key(identity.address(address), identity.fingerprint(fingerprint));
        if (hook == 0) {
            start(key, packet, monotonicNanos);
            return;
        }
        Entry entry = travelling.get(key);
        if (entry == null) {
            if (expired.containsKey(key)) {
                stats.late(hook);
            } else {
                stats.unmatched(hook);
            }
            return;
        }
        if (entry.status[hook] != null) {
            stats.repeated();
            return;
        }
        entry.times[hook] = monotonicNanos;
        entry.cpus[hook] = packet.cpu();
        entry.reasons[hook] = packet.reason() == null ? null : packet.reasonLabel() + " " + packet.reason();
        entry.notes[hook] = packet.notes().toArray(PacketNote[]::new);
        entry.status[hook] = HopStatus.SEEN;
        if (++entry.seen == hooks.size()) {
            travelling.remove(key);
            entry.finished = true;
            release();
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
        if (travelling.size() > settings.bufferSize()) {
            Entry oldest = oldestTravelling();
            travelling.remove(oldest.key);
            finish(oldest, HopStatus.EVICTED);
        }
        release();
    }

    private Entry oldestTravelling() {
        for (Entry e : inOrder) {
            if (!e.finished) {
                return e;
            }
        }
        throw new IllegalStateException("no packet travelling");
    }

    /**
     * The kernel's count of events lost on the way to user space (for the whole capture), read
     * at {@code monotonicNanos}: any loss since the last call happened in between, and makes a
     * packet whose window covers that time unknown rather than not seen at a hook it missed.
     */
    public void eventsLost(long lostTotal, long monotonicNanos) {
        if (lostTotal > lostSoFar) {
            losses.addLast(new long[] {lossCheckedAt, monotonicNanos});
            lostSoFar = lostTotal;
        }
        lossCheckedAt = monotonicNanos;
    }

    /**
     * No event stamped at or before {@code monotonicNanos} is still to come: every packet that
     * reached the first hook at least the timeout before it and is still missing a hook did not
     * get there in time (or is unknown, if events were lost meanwhile).
     */
    public void advanceTo(long monotonicNanos) {
        long deadline = monotonicNanos - settings.timeoutNanos();
        for (Entry e : inOrder) {
            if (e.times[0] > deadline) {
                break; // later packets reached the first hook later still
            }
            if (!e.finished) {
                travelling.remove(e.key, e);
                expired.put(e.key, Boolean.TRUE);
                finish(e, lostDuring(e.times[0], e.times[0] + settings.timeoutNanos()) ? HopStatus.LOST
                        : HopStatus.NOT_SEEN);
            }
        }
        // losses before every packet still followed can concern none of them
        long oldest = travelling.isEmpty() ? monotonicNanos : oldestTravelling().times[0];
        while (!losses.isEmpty() && losses.peekFirst()[1] < oldest) {
            losses.pollFirst();
        }
        release();
    }

    private boolean lostDuring(long from, long to) {
        for (long[] loss : losses) {
            if (loss[0] < to && loss[1] >= from) {
                return true;
            }
        }
        return false;
    }

    /**
     * At the end of the capture, once every event is in and {@link #eventsLost} has its last
     * count: packets whose timeout ran out by {@code monotonicNanos} did not get there (or are
     * unknown for lost events); the others' missing hops are unknown ({@link HopStatus#ENDED}).
     * Everything held goes out.
     */
    public void finishAll(long monotonicNanos) {
        advanceTo(monotonicNanos);
        for (Entry e : inOrder) {
            if (!e.finished) {
                finish(e, HopStatus.ENDED);
            }
        }
        travelling.clear();
        release();
    }

    public GatherStats stats() {
        return stats;
    }

    /** Packets held: travelling, or finished behind one that is. */
    public int held() {
        return inOrder.size();
    }

    /** The most packets held, finished ones behind a travelling one included: 4 × the buffer size. */
    int heldLimit() {
        return 4 * settings.bufferSize();
    }

    private static void finish(Entry e, HopStatus why) {
        for (int i = 1; i < e.status.length; i++) {
            if (e.status[i] == null) {
                e.status[i] = why;
            }
        }
        e.finished = true;
    }

    /** Hands out the finished packets at the front; with too many held, every finished one. */
    private void release() {
        while (!inOrder.isEmpty() && inOrder.peekFirst().finished) {
            emit(inOrder.pollFirst());
        }
        if (inOrder.size() > heldLimit()) {
            for (Iterator<Entry> it = inOrder.iterator(); it.hasNext(); ) {
                Entry e = it.next();
                if (e.finished) {
                    it.remove();
                    stats.aheadOfOrder();
                    emit(e);
                }
            }
        }
    }

    private void emit(Entry e) {
        GatherNote note = new GatherNote(hooks, e.head.timestampNanos(), e.times, e.cpus, e.reasons, e.notes, e.status, settings);
        if (out.test(e.head.withNotes(List.of(note)))) {
            stats.record(e.times, e.status);
        }
    }
}

package io.netcap.capture.gather;

/** What became of a packet at one of the later hooks of --gather. */
public enum HopStatus {
    /** It reached the hook: the hop has a time. */
    SEEN("seen"),
    /** It did not reach the hook within --gather-timeout of reaching the first hook. */
    NOT_SEEN("not_seen"),
    /**
     * A new packet with the same identity (the same address, by default also the same headers)
     * reached the first hook before this one reached this hook: its buffer was freed and reused,
     * so it will not arrive.
     */
    REPLACED("replaced"),
    /**
     * Unknown: the packet's entry was dropped to make room (--gather-buffer-size) before its
     * timeout. Not the same as not seen, so never reported as such.
     */
    EVICTED("evicted"),
    /**
     * Unknown: it did not come within the timeout, but events were lost between kernel and user
     * space (a full ring or perf buffer) while it could have: its event may have been among them.
     */
    LOST("events_lost"),
    /** Unknown: the capture ended before the timeout ran out. */
    ENDED("capture_ended");

    private final String label;

    HopStatus(String label) {
        this.label = label;
    }

    /** Its name in JSON. */
    public String label() {
        return label;
    }
}

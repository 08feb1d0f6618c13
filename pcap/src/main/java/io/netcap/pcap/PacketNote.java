package io.netcap.pcap;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;

/**
 * Something netcap learnt about a packet beyond its bytes and its fixed metadata (the delays of
 * --gather, the fields of an --ext-action), shown with the packet in every output: as lines
 * under its tcpdump lines (or under "packet N" next to a -w file, as -S stacks are), as one field
 * of its --json object, and as part of its comment in a pcapng file.
 */
public interface PacketNote {
    /** The lines printed under the packet, each starting with a tab, without colour codes. */
    List<String> lines();

    /** The colour its lines are printed in when colour is on (see {@link OutputSpec}), or null. */
    default TextColor color() {
        return null;
    }

    /** The name of this note's field in the packet's JSON object, e.g. "gather". */
    String jsonField();

    /** Writes this note's JSON value (an object or array) where the generator stands. */
    void writeJsonValue(JsonGenerator g) throws IOException;
}

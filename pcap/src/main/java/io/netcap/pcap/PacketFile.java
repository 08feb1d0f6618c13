package io.netcap.pcap;

/** A {@link PacketSink} that writes one capture file (pcap or pcapng), or one stream of it. */
public interface PacketFile extends PacketSink {
    /** Packet records written (or buffered) so far. */
    long packetsWritten();

    /** Bytes of the file so far, buffered ones included: what -C measures. */
    long size();

    /** What messages call it: the file's path, or "the output". */
    String name();
}

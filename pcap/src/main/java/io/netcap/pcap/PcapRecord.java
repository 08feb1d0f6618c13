package io.netcap.pcap;

/**
 * One packet record read back from a classic pcap file by {@link PcapReader}.
 *
 * @param timestampNanos  record time in nanoseconds since the Unix epoch (µs files scaled up)
 * @param capturedLength  caplen: bytes present in {@code data}
 * @param originalLength  len: the packet's length on the wire
 * @param data            the captured bytes, exactly {@code capturedLength} long
 * @param linkType        the file's link type
 */
public record PcapRecord(long timestampNanos, int capturedLength, int originalLength,
                         byte[] data, int linkType) {
}

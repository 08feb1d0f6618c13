package io.netcap.pcap;

/** Constants of the classic libpcap file format (not pcapng). */
final class PcapFormat {
    /** Magic for microsecond timestamps, as read in the writer's byte order. */
    static final int MAGIC_MICROS = 0xa1b2c3d4;
    /** Magic for nanosecond timestamps. */
    static final int MAGIC_NANOS = 0xa1b23c4d;
    /** pcapng section header block type; recognised only to reject it clearly. */
    static final int PCAPNG_BLOCK_TYPE = 0x0a0d0d0a;
    static final int VERSION_MAJOR = 2;
    static final int VERSION_MINOR = 4;
    static final int FILE_HEADER_LENGTH = 24;
    static final int RECORD_HEADER_LENGTH = 16;
    /** The largest snaplen netcap declares (-s at most); longer packets are cut to it (their wire length is kept). */
    static final int SNAPLEN = 65535;
    static final int ETHERNET_HEADER_LENGTH = 14;

    private PcapFormat() {
    }
}

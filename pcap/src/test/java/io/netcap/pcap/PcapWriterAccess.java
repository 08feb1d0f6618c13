package io.netcap.pcap;

/** Writers over a test's own {@link RecordOutput.Destination}. */
final class PcapWriterAccess {
    private PcapWriterAccess() {
    }

    static PcapWriter writer(RecordOutput out) {
        return PcapWriter.over(out, 65535);
    }
}

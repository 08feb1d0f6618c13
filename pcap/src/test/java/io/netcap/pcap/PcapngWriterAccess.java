package io.netcap.pcap;

/** Writers over a test's own {@link RecordOutput.Destination}. */
final class PcapngWriterAccess {
    private PcapngWriterAccess() {
    }

    static PcapngWriter writer(RecordOutput out) {
        return PcapngWriter.over(out, 65535, new PcapngSection(null, null, "test"));
    }
}

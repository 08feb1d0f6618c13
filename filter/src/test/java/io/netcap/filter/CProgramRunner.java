package io.netcap.filter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Runs hand-built programs through both the generated C (via gcc) and libpcap's interpreter. */
final class CProgramRunner {
    private CProgramRunner() {}

    /** C verdicts for each input, from one gcc build of {@code program}. */
    static long[] runC(CbpfProgram program, List<HostShim.Input> inputs, Path dir) throws Exception {
        String c = CbpfToC.translate(program, "t");
        return new HostShim().add(c, "t_len").run(inputs, dir)[0];
    }

    /** C verdicts indexed [program][input], all programs in one gcc build. */
    static long[][] runAll(List<CbpfProgram> programs, List<HostShim.Input> inputs, Path dir) throws Exception {
        HostShim shim = new HostShim();
        for (int i = 0; i < programs.size(); i++) {
            shim.add(CbpfToC.translate(programs.get(i), "t" + i), "t" + i + "_len");
        }
        return shim.run(inputs, dir);
    }

    /** C verdicts through the two-argument entry point, where {@code len} is the captured length. */
    static long[] runTwoArgumentC(CbpfProgram program, List<HostShim.Input> inputs, Path dir) throws Exception {
        String c = CbpfToC.translate(program, "t")
                + "static __u32 via_short_form(const __u8 *d, const __u8 *e, __u32 w) { (void)w; return t(d, e); }\n";
        return new HostShim().add(c, "via_short_form").run(inputs, dir)[0];
    }

    static long libpcap(CbpfProgram program, HostShim.Input in) {
        return Integer.toUnsignedLong(Pcap.filter(program, in.bytes(), in.wireLength(), in.capturedLength()));
    }

    static HostShim.Input packet(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return new HostShim.Input(b, b.length, b.length);
    }

    static HostShim.Input truncated(HostShim.Input in, int capturedLength) {
        return new HostShim.Input(in.bytes(), in.wireLength(), capturedLength);
    }

    static Path dir(Path base, String name) throws IOException {
        return java.nio.file.Files.createDirectories(base.resolve(name));
    }
}

package io.netcap.bpf;

/**
 * Outcome of one BPF_PROG_TEST_RUN.
 *
 * @param retval     the program's return value
 * @param durationNs average run time reported by the kernel, in nanoseconds
 * @param dataOut    the packet after the run (empty when no packet was passed in)
 */
public record TestRunResult(int retval, long durationNs, byte[] dataOut) {
}

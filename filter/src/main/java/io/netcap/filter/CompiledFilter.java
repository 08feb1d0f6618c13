package io.netcap.filter;

/**
 * A tcpdump expression compiled for both framings the capture path sees.
 *
 * @param expression  the expression as given ("" for none)
 * @param l2          program for frames that start with an Ethernet header
 * @param l3          program for packets that start with the IP header; reject-all if the
 *                    expression only makes sense with a link-layer header
 * @param cSource     self-contained C defining {@code l2Function(_len)} and {@code l3Function(_len)}
 * @param l2Function  name of the two-argument C function for {@code l2}
 * @param l3Function  name of the two-argument C function for {@code l3}
 */
public record CompiledFilter(String expression, CbpfProgram l2, CbpfProgram l3, String cSource,
                             String l2Function, String l3Function) {
    /**
     * Bytes from a packet's start that either program can read before it decides (0 for no
     * expression; 0x10000 when that cannot be bounded): {@link CbpfProgram#readExtent}.
     */
    public long readExtent() {
        return Math.max(l2.readExtent(), l3.readExtent());
    }
}

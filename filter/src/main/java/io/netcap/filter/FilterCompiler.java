package io.netcap.filter;

/**
 * Compiles a tcpdump expression for Ethernet and for raw IP and translates both programs to C.
 */
public final class FilterCompiler {
    public static final String DEFAULT_PREFIX = "netcap_filter";

    private FilterCompiler() {}

    public static CompiledFilter compile(String expression) throws FilterException {
        return compile(expression, DEFAULT_PREFIX);
    }

    /**
     * Compiles {@code expression} into {@code PREFIX_l2} (Ethernet) and {@code PREFIX_l3} (raw
     * IP). An expression that libpcap refuses for one framing only (e.g. {@code arp} has no
     * meaning without a link-layer header) yields a reject-all program for that framing; one that
     * it refuses for both is an error carrying libpcap's message.
     */
    public static CompiledFilter compile(String expression, String functionPrefix) throws FilterException {
        String text = expression == null ? "" : expression;
        String l2Function = functionPrefix + "_l2";
        String l3Function = functionPrefix + "_l3";

        FilterException l2Error = null;
        CbpfProgram l2;
        try {
            l2 = Pcap.compile(text, LinkType.ETHERNET);
        } catch (FilterException e) {
            l2Error = e;
            l2 = CbpfProgram.rejectAll(LinkType.ETHERNET);
        }
        CbpfProgram l3;
        try {
            l3 = Pcap.compile(text, LinkType.RAW_IP);
        } catch (FilterException e) {
            if (l2Error != null) {
                throw l2Error;
            }
            l3 = CbpfProgram.rejectAll(LinkType.RAW_IP);
        }

        for (CbpfProgram program : new CbpfProgram[] {l2, l3}) {
            String ancillary = AncillaryLoads.explain(program);
            if (ancillary != null) {
                throw new FilterException("bad filter expression \"" + text + "\": " + ancillary);
            }
        }
        String source = "/* netcap filter: " + commentSafe(text) + " */\n\n"
                + CbpfToC.translate(l2, l2Function) + "\n"
                + CbpfToC.translate(l3, l3Function);
        return new CompiledFilter(text, l2, l3, source, l2Function, l3Function);
    }

    /** The expression quoted in a C comment must not be able to end the comment. */
    private static String commentSafe(String expression) {
        return expression.replace("*/", "* /").replaceAll("[\\r\\n]+", " ");
    }
}

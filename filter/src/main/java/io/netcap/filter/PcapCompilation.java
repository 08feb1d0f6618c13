package io.netcap.filter;

import jnr.ffi.Pointer;

/**
 * The native resources of one {@code pcap_compile} call: a dead pcap handle and the compiled
 * program. {@link #close()} releases them in reverse order of acquisition and is idempotent,
 * so it can sit in a finally block whatever state the compilation stopped in.
 */
final class PcapCompilation implements AutoCloseable {
    private static final String PARSE_PREFIX = "can't parse filter expression: ";

    private final NativePcap.LibPcap lib;
    private Pointer handle;
    private NativePcap.BpfProgramStruct program;

    PcapCompilation(NativePcap.LibPcap lib, jnr.ffi.Runtime runtime, LinkType linkType, int snaplen) throws FilterException {
        this.lib = lib;
        this.handle = lib.pcap_open_dead(linkType.dlt(), snaplen);
        if (handle == null) {
            throw new FilterException("pcap_open_dead(" + linkType + ") failed, errno " + runtime.getLastError());
        }
    }

    /** Runs {@code pcap_compile}; on failure the exception carries libpcap's message. */
    CbpfProgram compile(String expression, LinkType linkType) throws FilterException {
        NativePcap.BpfProgramStruct candidate = new NativePcap.BpfProgramStruct(jnr.ffi.Runtime.getRuntime(lib));
        if (lib.pcap_compile(handle, candidate, expression, 1, NativePcap.LibPcap.PCAP_NETMASK_UNKNOWN) != 0) {
            throw new FilterException("bad filter expression \"" + expression + "\": " + userMessage(lib.pcap_geterr(handle)));
        }
        program = candidate;
        return new CbpfProgram(program.readInstructions(), linkType);
    }

    /** libpcap's message, minus the prefix that only repeats "bad filter expression". */
    private static String userMessage(String pcapError) {
        String msg = pcapError == null ? "unknown libpcap error" : pcapError.strip();
        return msg.startsWith(PARSE_PREFIX) ? msg.substring(PARSE_PREFIX.length()) : msg;
    }

    @Override
    public void close() {
        if (program != null) {
            lib.pcap_freecode(program);
            program = null;
        }
        if (handle != null) {
            lib.pcap_close(handle);
            handle = null;
        }
    }
}

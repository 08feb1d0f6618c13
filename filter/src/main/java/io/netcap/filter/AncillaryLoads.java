package io.netcap.filter;

import static io.netcap.filter.Opcodes.ABS;
import static io.netcap.filter.Opcodes.IND;
import static io.netcap.filter.Opcodes.LD;
import static io.netcap.filter.Opcodes.LDX;
import static io.netcap.filter.Opcodes.SKF_AD_OFF;
import static io.netcap.filter.Opcodes.cls;
import static io.netcap.filter.Opcodes.mode;

/**
 * Explains, in the words of the expression, why a program that reads Linux ancillary data
 * cannot run in netcap: libpcap compiles {@code inbound}, {@code outbound} and {@code ifindex}
 * into loads at {@code SKF_AD_OFF + n}, which a packet socket answers from the socket's view of
 * the packet and which netcap's hooks, with only the packet's bytes, have no answer for.
 * Offsets from include/uapi/linux/filter.h.
 */
final class AncillaryLoads {
    private static final int SKF_AD_PKTTYPE = 4;
    private static final int SKF_AD_IFINDEX = 8;

    private AncillaryLoads() {}

    /** What the user can do instead, for the first ancillary load in {@code program}; null when it has none. */
    static String explain(CbpfProgram program) {
        for (CbpfInstruction insn : program.instructions()) {
            int code = insn.code();
            boolean packetLoad = (cls(code) == LD || cls(code) == LDX) && (mode(code) == ABS || mode(code) == IND);
            if (!packetLoad || insn.unsignedK() < SKF_AD_OFF) {
                continue;
            }
            long field = insn.unsignedK() - SKF_AD_OFF;
            if (field == SKF_AD_PKTTYPE) {
                return "inbound and outbound ask a packet socket which way the packet went, which netcap's hooks"
                        + " cannot tell from its bytes; use -Q in or -Q out (dump), or choose the hooks with -f";
            }
            if (field == SKF_AD_IFINDEX) {
                return "ifindex asks a packet socket for the packet's device, which netcap's hooks cannot tell"
                        + " from its bytes; use -i DEV";
            }
            return "it reads what a packet socket knows beside the bytes (Linux ancillary data, SKF_AD_OFF + "
                    + field + "), which netcap's hooks do not have";
        }
        return null;
    }
}

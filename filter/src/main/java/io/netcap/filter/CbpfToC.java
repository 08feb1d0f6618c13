package io.netcap.filter;

import java.util.regex.Pattern;

/**
 * Translates a classic BPF program into C that the Linux eBPF verifier accepts and that returns
 * exactly what libpcap's {@code bpf_filter} returns for the same bytes and lengths.
 *
 * <p>The output defines {@code NAME_len(data, data_end, wire_len)} and {@code NAME(data,
 * data_end)}. It needs {@code __u8}, {@code __u16}, {@code __u32} and {@code __always_inline}
 * from the includer and nothing else. See {@link CFunctionAnalysis} for the safety contract.
 */
public final class CbpfToC {
    private static final Pattern C_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private CbpfToC() {}

    public static String translate(CbpfProgram program, String functionName) throws FilterException {
        if (functionName == null || !C_IDENTIFIER.matcher(functionName).matches()) {
            throw new FilterException("invalid C function name: \"" + functionName + "\"");
        }
        ProgramCheck.Problem problem = ProgramCheck.forTranslation(program.instructions());
        if (problem != null) {
            String where = problem.index() < 0
                    ? "program"
                    : program.instructions().get(problem.index()).format(problem.index());
            throw new FilterException("cannot translate " + where + ": " + problem.reason());
        }
        return CFunctionPrinter.print(CFunctionAnalysis.analyse(program, functionName));
    }
}

package io.netcap.capture.extension;

import java.util.List;

/**
 * The two kinds of user extension netcap compiles into its capture program, with the names netcap
 * accepts for each function (netcap's, and those of its announcement) and the signature it
 * requires.
 */
public enum ExtensionKind {
    FILTER("--ext-filter", List.of("xcap_ext_filter", "xcap_user_filter"),
            "static inline int %s(void *ext, void *pkt, u16 trace_index)", "netcap_ext_filter.c"),
    ACTION("--ext-action", List.of("xcap_ext_action", "xcap_user_action"),
            "static inline int %s(void *ext, void *pkt, u32 pkt_len, struct xcap_user_extend *user, u16 trace_index)",
            "netcap_ext_action.c");

    /** The struct an action fills, which netcap prints with each packet. */
    public static final String ACTION_STRUCT = "xcap_user_extend";

    private final String option;
    private final List<String> functionNames;
    private final String signature;
    private final String generatedFile;

    ExtensionKind(String option, List<String> functionNames, String signature, String generatedFile) {
        this.option = option;
        this.functionNames = functionNames;
        this.signature = signature;
        this.generatedFile = generatedFile;
    }

    /** The option that gives the file, as netcap spells it. */
    public String option() {
        return option;
    }

    /** The function names accepted, the first preferred. */
    public List<String> functionNames() {
        return functionNames;
    }

    /** The required declaration, for the function called {@code name}. */
    public String signature(String name) {
        return String.format(signature, name);
    }

    /** The name of the user's file among the program's generated files. */
    public String generatedFile() {
        return generatedFile;
    }
}

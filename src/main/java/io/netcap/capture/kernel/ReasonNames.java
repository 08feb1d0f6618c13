package io.netcap.capture.kernel;

import io.netcap.bpf.btf.Btf;
import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Names of the values of the kernel's reason enums ({@link ReasonEnum}), read from its own BTF,
 * so that reasons added by newer kernels show by name without netcap knowing them.
 */
public final class ReasonNames {
    private final Map<ReasonEnum, Map<Long, String>> names;

    private ReasonNames(Map<ReasonEnum, Map<Long, String>> names) {
        this.names = names;
    }

    /**
     * The names of these enums' values. BTF is parsed only when {@code enums} is not empty (some
     * hook reports a reason), since that costs a parse of the kernel's BTF. Without BTF, or for an
     * enum it lacks, values show as numbers.
     */
    public static ReasonNames load(Collection<ReasonEnum> enums) {
        if (enums.isEmpty()) {
            return new ReasonNames(Map.of());
        }
        try {
            return from(Btf.vmlinux(), enums);
        } catch (IOException e) {
            return new ReasonNames(Map.of());
        }
    }

    /** The names of these enums' values in {@code btf}, each without its enum's prefix. */
    public static ReasonNames from(Btf btf, Collection<ReasonEnum> enums) {
        Map<ReasonEnum, Map<Long, String>> all = new HashMap<>();
        for (ReasonEnum e : enums) {
            String prefix = e.enumeratorPrefix();
            Map<Long, String> values = new HashMap<>();
            btf.findEnumValues(e.name()).ifPresent(v -> v.forEach((value, name) ->
                    values.put(value, name.startsWith(prefix) ? name.substring(prefix.length()) : name)));
            all.put(e, values);
        }
        return new ReasonNames(all);
    }

    /** "NETFILTER_DROP" for a drop reason, "NO_SOCKET" for a reset reason, or the number when BTF does not name it. */
    public String name(ReasonEnum e, long value) {
        String name = names.getOrDefault(e, Map.of()).get(value);
        return name != null ? name : Long.toString(value);
    }
}

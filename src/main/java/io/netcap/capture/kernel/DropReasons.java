package io.netcap.capture.kernel;

import io.netcap.bpf.btf.Btf;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Names of the kernel's drop reasons, read from its own BTF (enum skb_drop_reason), so reasons
 * added by newer kernels show by name without netcap knowing them.
 */
public final class DropReasons {
    private static final String ENUM = "skb_drop_reason";
    private static final String PREFIX = "SKB_DROP_REASON_";

    private final Map<Long, String> names;

    private DropReasons(Map<Long, String> names) {
        this.names = names;
    }

    /**
     * The names, read from BTF only when {@code needed} (some hook reports a drop reason), since
     * that costs a parse of the kernel's BTF; otherwise none.
     */
    public static DropReasons loadIf(boolean needed) {
        return needed ? load() : new DropReasons(Map.of());
    }

    public static DropReasons load() {
        Map<Long, String> names = new HashMap<>();
        try {
            Optional<Map<Long, String>> values = Btf.vmlinux().findEnumValues(ENUM);
            values.ifPresent(v -> v.forEach((value, name) ->
                    names.put(value, name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name)));
        } catch (IOException e) {
            // no BTF: reasons print as numbers
        }
        return new DropReasons(names);
    }

    /** "NETFILTER_DROP", or "reason N" when this kernel's BTF does not name it. */
    public String name(long reason) {
        String name = names.get(reason);
        return name != null ? name : "reason " + reason;
    }
}

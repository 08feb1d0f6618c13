package io.netcap.capture.kernel;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A kernel enum that says why something happened to a packet, as a hook hands it over:
 * {@code enum skb_drop_reason} where packets are dropped (kfree_skb), {@code enum sk_rst_reason}
 * where TCP sends a reset (tcp_send_reset), and any other {@code enum *_reason} a newer kernel
 * passes beside an skb. The same number means different things in different enums (1 is
 * NO_SOCKET as a reset reason, SKB_CONSUMED as a drop reason), so a value is only ever decoded
 * by the enum its own field or argument is declared with, and shown under this enum's
 * {@link #label()}.
 *
 * @param name the enum's tag as BTF and tracefs spell it, e.g. {@code sk_rst_reason}
 */
public record ReasonEnum(String name) {
    public static final ReasonEnum DROP = new ReasonEnum("skb_drop_reason");
    public static final ReasonEnum RESET = new ReasonEnum("sk_rst_reason");

    /** "enum X_reason" with any const/volatile in front, as tracefs formats and BTF renderings write it. */
    private static final Pattern C_TYPE = Pattern.compile("(?:(?:const|volatile)\\s+)*enum\\s+([A-Za-z_][A-Za-z0-9_]*_reason)");
    /** Short labels for the enums users meet most; others are shown under their own tag. */
    private static final Map<String, String> LABELS = Map.of(DROP.name, "drop_reason", RESET.name, "reset_reason");

    public ReasonEnum {
        Objects.requireNonNull(name, "name");
    }

    /**
     * The reason enum a C type names: {@code enum sk_rst_reason} and {@code const enum sk_rst_reason}
     * give sk_rst_reason; anything else (pointers, other enums, integers) gives empty.
     */
    public static Optional<ReasonEnum> ofType(String cType) {
        Matcher m = C_TYPE.matcher(cType.strip());
        return m.matches() ? Optional.of(new ReasonEnum(m.group(1))) : Optional.empty();
    }

    /** What netcap calls a value of this enum, in text and as a JSON field: drop_reason, reset_reason, or the tag. */
    public String label() {
        return LABELS.getOrDefault(name, name);
    }

    /** The prefix the kernel puts on every enumerator (SKB_DROP_REASON_, SK_RST_REASON_), left out when shown. */
    String enumeratorPrefix() {
        return name.toUpperCase(Locale.ROOT) + "_";
    }
}

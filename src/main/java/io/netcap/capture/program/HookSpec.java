package io.netcap.capture.program;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One point of the -f list as the user wrote it, checked for syntax only. The grammar is
 * netcap's: {@code [prefix:]name[@P1[@P2]]}, comma-separated.
 * <ul>
 *   <li>{@code tracepoint:CAT:EVENT} or {@code tp:CAT:EVENT}: a classic tracepoint; no {@code @}.</li>
 *   <li>{@code tp_btf:EVENT[@N[@M]]}, {@code raw_tp:EVENT[@N[@M]]}: the skb is argument N
 *       (1-based), found from BTF when omitted; argument M handed to extensions.</li>
 *   <li>{@code FUNC[@N[@M]]}, {@code kprobe:FUNC...}, {@code fentry:FUNC...}: a kernel function,
 *       skb in argument N, argument M handed to extensions.</li>
 * </ul>
 *
 * @param text     the point as written, trimmed
 * @param kind     what kind of hook
 * @param category tracepoint category, else null
 * @param name     tracepoint event or function name
 * @param skbArg   1-based skb argument, 0 when not given; at a user-space hook, the packet's argument
 * @param extraArg 1-based extra argument, 0 when not given
 * @param user     at a user-space hook (netcap mbuf/raw, {@link #parseUserList}): the binary as
 *                 written, the source, the second argument and -p; null at kernel hooks
 */
public record HookSpec(String text, HookKind kind, String category, String name, int skbArg, int extraArg,
                       UserProbe user) {

    /** A kernel hook. */
    public HookSpec(String text, HookKind kind, String category, String name, int skbArg, int extraArg) {
        this(text, kind, category, name, skbArg, extraArg, null);
    }

    /** Function names may carry compiler suffixes such as .isra.0 or .constprop.0. */
    private static final String FUNC_NAME = "[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)*";
    private static final String IDENT = "[A-Za-z_][A-Za-z0-9_]*";
    private static final int MAX_ARG = 12;

    /** Parses a whole -f value; throws IllegalArgumentException with a user-facing message. */
    public static List<HookSpec> parseList(String value) {
        return parseEach(value, "hook", HookSpec::parse);
    }

    /** Splits a -f value at commas and parses each part; an empty part or one given twice is refused. */
    private static List<HookSpec> parseEach(String value, String what, java.util.function.Function<String, HookSpec> parse) {
        List<HookSpec> hooks = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String part : value.split(",", -1)) {
            String text = part.strip();
            if (text.isEmpty()) {
                throw new IllegalArgumentException("empty " + what + " in -f \"" + value + "\"");
            }
            HookSpec hook = parse.apply(text);
            if (!seen.add(hook.identity())) {
                throw new IllegalArgumentException(what + " " + text + " is given twice in -f");
            }
            hooks.add(hook);
        }
        return hooks;
    }

    public static HookSpec parse(String text) {
        String t = text.strip();
        int colon = t.indexOf(':');
        String prefix = colon < 0 ? "" : t.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = colon < 0 ? t : t.substring(colon + 1);
        switch (prefix) {
            case "tracepoint", "tp" -> {
                if (rest.contains("@")) {
                    throw new IllegalArgumentException("tracepoint hook " + t
                            + " takes no @argument: the skb is the tracepoint's skbaddr field");
                }
                String[] ce = rest.split(":", -1);
                if (ce.length != 2 || !ce[0].matches(IDENT) || !ce[1].matches(IDENT)) {
                    throw new IllegalArgumentException("bad tracepoint hook " + t
                            + ": expected tracepoint:CATEGORY:EVENT, e.g. tracepoint:net:netif_receive_skb");
                }
                return new HookSpec(t, HookKind.TRACEPOINT, ce[0], ce[1], 0, 0);
            }
            case "tp_btf", "raw_tp", "raw_tracepoint" -> {
                HookKind kind = prefix.equals("tp_btf") ? HookKind.TP_BTF : HookKind.RAW_TP;
                int[] args = new int[2];
                String name = splitArgs(t, rest, args);
                if (!name.matches(IDENT)) {
                    throw new IllegalArgumentException("bad " + prefix + " hook " + t + ": expected " + prefix
                            + ":EVENT[@N[@M]]");
                }
                if (args[1] != 0 && args[1] == args[0]) {
                    throw new IllegalArgumentException("bad hook " + t + ": the skb and the extra argument cannot be"
                            + " the same argument");
                }
                return new HookSpec(t, kind, null, name, args[0], args[1]);
            }
            case "", "kprobe", "fentry" -> {
                HookKind kind = switch (prefix) {
                    case "kprobe" -> HookKind.KPROBE;
                    case "fentry" -> HookKind.FENTRY;
                    default -> HookKind.FUNCTION;
                };
                int[] args = new int[2];
                String name = splitArgs(t, rest, args);
                if (!name.matches(FUNC_NAME)) {
                    throw new IllegalArgumentException("bad hook " + t
                            + ": expected FUNCTION[@N[@M]], tracepoint:CAT:EVENT, tp_btf:EVENT or raw_tp:EVENT");
                }
                return new HookSpec(t, kind, null, name, args[0], args[1]);
            }
            default -> throw new IllegalArgumentException("unknown hook prefix \"" + prefix + ":\" in " + t
                    + "; use tracepoint:, tp:, tp_btf:, raw_tp:, kprobe: or fentry:"
                    // CAT:EVENT is how tracefs and perf name a tracepoint
                    + (t.matches("[A-Za-z_][A-Za-z0-9_]*:[A-Za-z_][A-Za-z0-9_]*") && !prefix.matches("u?k?(ret)?probe|usdt|fexit")
                            ? " (a tracepoint is tracepoint:" + t + ")" : ""));
        }
    }

    /**
     * Parses a whole -f value of netcap mbuf or netcap raw: comma-separated points, each
     * <ul>
     *   <li>{@code [uprobe:][TARGET:]FUNC[@N[@M]]}: a function of TARGET (a binary or shared
     *       library path; without it, the executable of -p PID or a library it has mapped);</li>
     *   <li>{@code usdt:[TARGET:]PROVIDER:NAME[@N[@M]]}: a USDT probe, its arguments numbered as
     *       in its note.</li>
     * </ul>
     * mbuf: argument N (default 1) is one {@code struct rte_mbuf *}, or with M an array of them
     * and M their count. raw: N is the data pointer and M the length (default {@code @1@2}).
     *
     * @param pid -p, or -1 for every process
     * @throws IllegalArgumentException a user-facing message for a malformed point
     */
    public static List<HookSpec> parseUserList(String value, PacketSource source, int pid) {
        return parseEach(value, "point", text -> parseUser(text, source, pid));
    }

    /** One point of {@link #parseUserList}. */
    public static HookSpec parseUser(String text, PacketSource source, int pid) {
        String t = text.strip();
        String prefix = t.contains(":") ? t.substring(0, t.indexOf(':')) : "";
        if (List.of("tracepoint", "tp", "tp_btf", "raw_tp", "raw_tracepoint", "kprobe", "fentry").contains(prefix)) {
            throw new IllegalArgumentException(t + " is a kernel hook; netcap " + source.command()
                    + " probes user-space programs: capture there with netcap skb -f " + t);
        }
        boolean usdt = prefix.equals(HookKind.USDT.prefix());
        String rest = usdt || prefix.equals(HookKind.UPROBE.prefix()) ? t.substring(prefix.length() + 1) : t;
        int at = rest.indexOf('@');
        String where = at < 0 ? rest : rest.substring(0, at);
        int[] args = new int[2];
        // the arguments alone: TARGET may hold ':' and '.', which splitArgs's name part need not see
        splitArgs(t, "point" + (at < 0 ? "" : rest.substring(at)), args);
        int max = usdt ? Hook.USDT_ARGS : Hook.UPROBE_ARGS;
        for (int a : args) {
            if (a > max) {
                throw new IllegalArgumentException("bad argument @" + a + " in " + t + ": " + (usdt
                        ? "USDT probes have at most " + Hook.USDT_ARGS + " arguments"
                        : "a uprobe reads arguments 1.." + Hook.UPROBE_ARGS + " (those passed in registers)"));
            }
        }
        String expected = usdt ? "usdt:[TARGET:]PROVIDER:NAME@N[@M]" : "[TARGET:]FUNCTION@N[@M]";
        String target;
        String provider = null;
        String name;
        if (usdt) {
            int last = where.lastIndexOf(':');
            int before = last < 0 ? -1 : where.lastIndexOf(':', last - 1);
            if (last < 0) {
                throw new IllegalArgumentException("bad USDT point " + t + ": expected " + expected
                        + ", e.g. usdt:netcap_test:rx_mbuf@1");
            }
            name = where.substring(last + 1);
            provider = where.substring(before + 1, last);
            target = before < 0 ? null : where.substring(0, before);
            if (!provider.matches(IDENT)) {
                throw new IllegalArgumentException("bad USDT provider \"" + provider + "\" in " + t + ": expected " + expected);
            }
        } else {
            int colon = where.lastIndexOf(':');
            name = where.substring(colon + 1);
            target = colon < 0 ? null : where.substring(0, colon);
        }
        if (!name.matches(IDENT)) {
            throw new IllegalArgumentException("bad point " + t + ": \"" + name + "\" is not a C name; expected " + expected);
        }
        if (target != null && target.isBlank()) {
            throw new IllegalArgumentException("bad point " + t + ": empty TARGET before \":\"; expected " + expected);
        }
        int pointer = args[0] == 0 ? 1 : args[0];
        int second = args[1];
        if (source == PacketSource.RAW && args[0] == 0) {
            second = 2;
        } else if (source == PacketSource.RAW && second == 0) {
            throw new IllegalArgumentException("raw point " + t + " gives the data pointer but not the length: write "
                    + t.substring(0, t.indexOf('@')) + "@" + pointer + "@M, M the length's argument");
        }
        if (second == pointer) {
            throw new IllegalArgumentException("bad point " + t + ": the packet and the "
                    + (source == PacketSource.RAW ? "length" : "count") + " cannot be the same argument");
        }
        HookKind kind = usdt ? HookKind.USDT : HookKind.UPROBE;
        return new HookSpec(t, kind, null, name, pointer, second, new UserProbe(source, target, provider, second, pid));
    }

    /** Splits NAME@P1@P2 into the name and up to two 1-based argument numbers. */
    private static String splitArgs(String text, String rest, int[] args) {
        String[] parts = rest.split("@", -1);
        if (parts.length > 3) {
            throw new IllegalArgumentException("bad hook " + text + ": at most two @arguments");
        }
        for (int i = 1; i < parts.length; i++) {
            int n;
            try {
                n = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > MAX_ARG) {
                throw new IllegalArgumentException("bad argument \"@" + parts[i] + "\" in hook " + text
                        + ": arguments are numbered from 1 to " + MAX_ARG);
            }
            args[i - 1] = n;
        }
        return parts[0].strip();
    }

    /** The -f text of a classic tracepoint: {@code tracepoint:CATEGORY:EVENT}. */
    public static String tracepointText(String category, String event) {
        return HookKind.TRACEPOINT.prefix() + ":" + category + ":" + event;
    }

    /** Two specs that would attach the same program to the same place. */
    String identity() {
        return switch (kind) {
            case TRACEPOINT -> tracepointText(category, name);
            case TP_BTF, RAW_TP -> kind + ":" + name;
            case UPROBE -> "uprobe:" + user.binary() + ":" + name;
            case USDT -> "usdt:" + user.binary() + ":" + user.provider() + ":" + name;
            default -> "function:" + name;
        };
    }

    public boolean isFunction() {
        return kind.isFunction();
    }
}

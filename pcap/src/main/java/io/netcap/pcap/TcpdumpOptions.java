package io.netcap.pcap;

import java.util.List;
import java.util.Map;

/**
 * Checks the user's tcpdump arguments before they are handed to {@code tcpdump -r -}, and
 * notes what {@link TcpdumpDisplay} needs to know about them (whether {@code -#} was asked for).
 *
 * <p>The arguments are parsed like tcpdump's getopt_long does (clustered short options, option
 * arguments attached or in the next word, {@code --long[=value]} with unique prefixes), using
 * tcpdump 4.99's option table. Rejected, with a message naming the offender:
 * <ul>
 *   <li>operands, i.e. a filter expression: tcpdump would drop packets from the display and
 *       number only the rest, which breaks the line bookkeeping; netcap filters in the kernel;</li>
 *   <li>options that change where packets come from or go ({@code -r -V -w -F}), stop after a
 *       count that would include netcap's marker packets ({@code -c}), print no packets
 *       ({@code --count -d -D -L -J -h --help --version}).</li>
 * </ul>
 * Unknown options are passed through for tcpdump itself to report.
 */
final class TcpdumpOptions {
    /** Short options that take an argument (from tcpdump's SHORTOPTS). */
    private static final String SHORT_WITH_ARGUMENT = "BcCEFGijmMQrsTVwWyzZ";

    /** Long options → whether they take an argument. */
    private static final Map<String, Boolean> LONG_OPTIONS = Map.ofEntries(
            Map.entry("buffer-size", true),
            Map.entry("count", false),
            Map.entry("list-interfaces", false),
            Map.entry("help", false),
            Map.entry("interface", true),
            Map.entry("monitor-mode", false),
            Map.entry("time-stamp-type", true),
            Map.entry("list-time-stamp-types", false),
            Map.entry("micro", false),
            Map.entry("nano", false),
            Map.entry("time-stamp-precision", true),
            Map.entry("dont-verify-checksums", false),
            Map.entry("list-data-link-types", false),
            Map.entry("no-optimize", false),
            Map.entry("no-promiscuous-mode", false),
            Map.entry("direction", true),
            Map.entry("snapshot-length", true),
            Map.entry("absolute-tcp-sequence-numbers", false),
            Map.entry("packet-buffered", false),
            Map.entry("linktype", true),
            Map.entry("immediate-mode", false),
            Map.entry("debug-filter-parser", false),
            Map.entry("relinquish-privileges", true),
            Map.entry("fp-type", false),
            Map.entry("number", false),
            Map.entry("print", false),
            Map.entry("print-sampling", true),
            Map.entry("lengths", false),
            Map.entry("version", false));

    private final boolean numbered;

    private TcpdumpOptions(boolean numbered) {
        this.numbered = numbered;
    }

    /** True if the user asked for tcpdump's packet numbers ({@code -#} / {@code --number}). */
    boolean numbered() {
        return numbered;
    }

    static TcpdumpOptions check(List<String> args) {
        boolean numbered = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                if (i + 1 < args.size()) {
                    throw operand(args.get(i + 1));
                }
                break;
            }
            if (arg.startsWith("--")) {
                int eq = arg.indexOf('=');
                String given = arg.substring(2, eq < 0 ? arg.length() : eq);
                String name = resolveLong(given);
                if (name == null) {
                    continue; // unknown or ambiguous: tcpdump will say so
                }
                rejectLong(name, arg);
                numbered |= name.equals("number");
                if (LONG_OPTIONS.get(name) && eq < 0) {
                    i++; // the argument is the next word
                }
            } else if (arg.startsWith("-") && arg.length() > 1) {
                for (int k = 1; k < arg.length(); k++) {
                    char c = arg.charAt(k);
                    rejectShort(c, arg);
                    numbered |= c == '#';
                    if (SHORT_WITH_ARGUMENT.indexOf(c) >= 0) {
                        if (k == arg.length() - 1) {
                            i++; // "-s 100": the argument is the next word
                        }
                        break; // "-s100": the rest of this word is the argument
                    }
                }
            } else {
                throw operand(arg);
            }
        }
        return new TcpdumpOptions(numbered);
    }

    /** The full long option name {@code given} selects, as getopt_long's prefix match does. */
    private static String resolveLong(String given) {
        if (LONG_OPTIONS.containsKey(given)) {
            return given;
        }
        String match = null;
        for (String name : LONG_OPTIONS.keySet()) {
            if (!given.isEmpty() && name.startsWith(given)) {
                if (match != null) {
                    return null;
                }
                match = name;
            }
        }
        return match;
    }

    private static void rejectShort(char c, String arg) {
        String why;
        switch (c) {
            case 'r': case 'V': why = "netcap feeds tcpdump the packets itself"; break;
            case 'w': why = "use netcap's own option to write a pcap file"; break;
            case 'F': why = "filters belong to netcap, which applies them in the kernel"; break;
            case 'c': why = "use netcap's own packet count option"; break;
            case 'd': case 'D': case 'L': case 'J': case 'h':
                why = "it makes tcpdump exit without showing packets"; break;
            default: return;
        }
        throw new IllegalArgumentException(
                "tcpdump option -" + c + " (in '" + arg + "') is not supported here: " + why);
    }

    private static void rejectLong(String name, String arg) {
        String why;
        switch (name) {
            case "count": case "help": case "version": case "list-interfaces":
            case "list-time-stamp-types": case "list-data-link-types":
                why = "it makes tcpdump print something other than the packets"; break;
            default: return;
        }
        throw new IllegalArgumentException(
                "tcpdump option --" + name + " (in '" + arg + "') is not supported here: " + why);
    }

    private static IllegalArgumentException operand(String arg) {
        return new IllegalArgumentException("tcpdump flags must be options only, found '" + arg
                + "': give packet filter expressions to netcap, which applies them in the kernel");
    }
}

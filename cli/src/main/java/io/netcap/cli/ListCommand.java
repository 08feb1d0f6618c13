package io.netcap.cli;

import io.netcap.bpf.Privileges;
import io.netcap.bpf.btf.Btf;
import io.netcap.capture.CaptureException;
import io.netcap.capture.kernel.TraceFs;
import io.netcap.capture.program.HookListing;
import io.netcap.cli.list.JsonListing;
import io.netcap.cli.list.ListingRenderer;
import io.netcap.cli.list.TextListing;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code netcap list}: where an skb can be captured on this kernel, i.e. what {@code netcap skb -f}
 * accepts. Reads BTF and tracefs only (plus, as root, tiny test programs for which hook kinds the
 * kernel allows), so it also runs without root, saying what it had to leave out.
 *
 * <p>The listing itself is {@link HookListing}'s; this class reads the options and picks the renderer.
 */
@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Netcap.Version.class,
        description = {"List the kernel functions and tracepoints that take a struct sk_buff *, with the "
                + "argument that holds it, read from the kernel's BTF; and which kinds of hook this kernel "
                + "can attach.",
                "Without --functions or --tracepoints both are listed (giving both is an error)."},
        footer = {"", "Examples:",
                "  netcap list --functions '^icmp_rcv$'",
                "  netcap list --tracepoints skb",
                "  netcap list --json | jq '.functions | length'"})
public final class ListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Null when neither option is given, which lists both. */
    @ArgGroup(exclusive = true)
    Only only;

    /** One half of the listing; picocli rejects giving both as mutually exclusive. */
    static final class Only {
        // required = true within the group only: one of them when the group is given at all.
        @Option(names = "--functions", required = true, description = "list kernel functions only")
        boolean functions;

        @Option(names = "--tracepoints", required = true, description = "list tracepoints only")
        boolean tracepoints;
    }

    @Option(names = "--json", description = "print one JSON document instead of tables")
    boolean json;

    @Parameters(arity = "0..1", paramLabel = "REGEX",
            description = "only names in which this Java regular expression is found (anchor with ^ and $)")
    String regex;

    @Override
    public Integer call() {
        Pattern filter = compile(regex);
        HookListing.Scope scope = only == null ? HookListing.Scope.BOTH
                : only.functions ? HookListing.Scope.FUNCTIONS : HookListing.Scope.TRACEPOINTS;
        Btf btf = readBtf();
        boolean root = Privileges.isRoot();
        Optional<TraceFs> traceFs = TraceFs.open();
        noteWhatIsLeftOut(root, traceFs.isPresent(), scope);
        HookListing listing = HookListing.build(btf, traceFs, root, filter, scope);
        ListingRenderer renderer = json ? new JsonListing() : new TextListing(regex);
        PrintWriter out = spec.commandLine().getOut();
        renderer.render(listing, out);
        out.flush();
        return 0;
    }

    private static Pattern compile(String regex) {
        if (regex == null) {
            return Pattern.compile("");
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw CaptureException.usage("bad regular expression '" + regex + "': " + e.getDescription()
                    + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
        }
    }

    private static Btf readBtf() {
        try {
            return Btf.vmlinux();
        } catch (IOException e) {
            throw CaptureException.runtime("cannot read the kernel's BTF (" + Btf.VMLINUX + "): " + e.getMessage(), e);
        }
    }

    /**
     * On stderr, before the listing is built: a listing without root is partial, and users
     * should not take a missing tracepoint form for one their kernel lacks.
     */
    private void noteWhatIsLeftOut(boolean root, boolean traceFsReadable, HookListing.Scope scope) {
        PrintWriter err = spec.commandLine().getErr();
        if (!root) {
            err.println("netcap: note: not root, so which hook kinds this kernel allows is not tested (shown as unknown)");
        }
        if (!traceFsReadable && scope != HookListing.Scope.FUNCTIONS) {
            err.println("netcap: note: tracefs is not readable" + (root ? "" : " (needs root)")
                    + ", so tracepoint:CAT:EVENT forms are left out");
        }
        err.flush();
    }
}

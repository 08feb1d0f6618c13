package io.netcap.capture.program;

import io.netcap.capture.CaptureException;
import io.netcap.capture.user.ResolvedFunction;
import io.netcap.capture.user.ResolvedUsdt;
import io.netcap.capture.user.UserTargets;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves the points of netcap mbuf and netcap raw ({@link HookSpec#parseUserList}) to hooks:
 * the file each is in (the TARGET path, or the -p process's executable or a library it maps),
 * the function's offset there, or the USDT probe and how many arguments it passes. Every error
 * names the point and what to do ({@link UserTargets} words them).
 */
final class UserHookResolver {
    private final UserTargets targets;
    private final PrintWriter err;

    /** @param err where notes on the targets go (e.g. a process that does not map the file yet) */
    UserHookResolver(UserTargets targets, PrintWriter err) {
        this.targets = targets;
        this.err = err;
    }

    List<Hook> resolve(List<HookSpec> specs) {
        List<Hook> hooks = new ArrayList<>();
        java.util.Map<String, String> places = new java.util.HashMap<>();
        for (HookSpec spec : specs) {
            Hook hook = resolve(hooks.size(), spec);
            // two spellings of one place (a bare name and its path) would capture each packet twice
            String place = hook.kind() + " " + hook.user().binary() + " " + hook.user().offset() + " "
                    + hook.user().provider() + " " + hook.target();
            String earlier = places.putIfAbsent(place, spec.text());
            if (earlier != null) {
                throw CaptureException.usage(spec.text() + " and " + earlier + " are the same place ("
                        + describe(hook) + "); give it once");
            }
            hooks.add(hook);
        }
        return hooks;
    }

    /** Where a resolved user-space hook is, for messages: "process_one in /opt/app". */
    private static String describe(Hook hook) {
        String what = hook.kind() == HookKind.USDT ? hook.user().provider() + ":" + hook.target() : hook.target();
        return what + " in " + hook.user().binary();
    }

    private Hook resolve(int index, HookSpec spec) {
        UserProbe user = spec.user();
        Integer pid = user.pid() > 0 ? user.pid() : null;
        if (spec.kind() == HookKind.USDT) {
            ResolvedUsdt usdt = targets.resolveUsdt(user.binary(), user.provider(), spec.name(), pid);
            int highest = Math.max(spec.skbArg(), user.secondArg());
            if (highest > usdt.argumentCount()) {
                throw CaptureException.usage(spec.text() + ": USDT probe " + usdt.provider() + ":" + usdt.name()
                        + " passes " + usdt.argumentCount() + " argument" + (usdt.argumentCount() == 1 ? "" : "s")
                        + " (" + usdt.arguments() + "), so it has no argument @" + highest);
            }
            warn(spec, usdt.warnings());
            return Hook.user(index, spec.text(), HookKind.USDT, usdt.name(), spec.skbArg(),
                    user.at(usdt.binary().toString(), 0));
        }
        ResolvedFunction function = targets.resolveFunction(user.binary(), spec.name(), pid);
        warn(spec, function.warnings());
        return Hook.user(index, spec.text(), HookKind.UPROBE, function.function(), spec.skbArg(),
                user.at(function.binary().toString(), function.fileOffset()));
    }

    private void warn(HookSpec spec, List<String> warnings) {
        if (err != null) {
            warnings.forEach(w -> err.println("netcap: warning: " + spec.text() + ": " + w));
        }
    }
}

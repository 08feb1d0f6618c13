package io.netcap.cli;

import io.netcap.capture.gather.GatherSettings;
import io.netcap.capture.program.MbufLayout;
import io.netcap.capture.program.PacketSource;
import io.netcap.capture.session.CaptureRunner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What netcap mbuf and netcap raw share: -p, the filter and the capture options, and the run.
 * Each subclass declares its own -f (its points read differently) and its own source options.
 */
abstract class UserSpaceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    UserProcessOptions process;

    @Mixin
    FilterOptions filter;

    @Mixin
    CaptureOptions options;

    @Mixin
    GatherOptions gather;

    @Mixin
    ExtensionOptions extension;

    /** Captures at these -f points of this source, buffers of this link type, mbufs of this layout (null: chosen). */
    int capture(String points, PacketSource source, MbufLayout layout, int linkType) throws Exception {
        GatherSettings settings = gather.settings(filter);
        return CaptureRunner.run(options.userRequest(process.points(points, source), filter, layout, linkType, settings)
                        .withExtensions(extension.extensions()),
                options.output(settings != null || extension.hasAction()), spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }
}

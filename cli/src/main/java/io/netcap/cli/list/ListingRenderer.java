package io.netcap.cli.list;

import io.netcap.capture.program.HookListing;
import java.io.PrintWriter;

/** Writes a {@link HookListing} for {@code netcap list}: tables for people or JSON for scripts. */
public sealed interface ListingRenderer permits TextListing, JsonListing {
    /** Writes the whole listing to {@code out}; the caller flushes. */
    void render(HookListing listing, PrintWriter out);
}

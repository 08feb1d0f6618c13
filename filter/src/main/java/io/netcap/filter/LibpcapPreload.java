package io.netcap.filter;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import jnr.ffi.LibraryLoader;

/**
 * Binds libpcap through jnr-ffi on a thread of its own while the command line is parsed, as
 * io.netcap.bpf.LibbpfPreload does for libbpf (the modules do not depend on each other): the
 * filter is compiled right after parsing, and the binding would otherwise sit on that path.
 * {@link NativePcap}'s class initialisation joins the load, or does it itself when nothing started
 * it; a failure reaches that caller as the error a direct load throws.
 */
public final class LibpcapPreload {
    private static final FutureTask<NativePcap.LibPcap> LOAD = new FutureTask<>(LibpcapPreload::bind);

    private LibpcapPreload() {
    }

    /** Starts binding libpcap on a daemon thread; returns at once. */
    public static void start() {
        Thread t = new Thread(LOAD, "netcap-libpcap-preload");
        t.setDaemon(true);
        t.start();
    }

    /** The binding: waits for the preload, or loads here when none ran. Throws what the load threw. */
    static NativePcap.LibPcap await() {
        LOAD.run(); // a no-op once started on another thread
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return LOAD.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw new IllegalStateException("binding libpcap failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Binds the library. Not in the class of the binding: running it would initialise that
     * class, whose initialisation waits for this.
     */
    private static NativePcap.LibPcap bind() {
        // Debian's runtime soname first: jnr-ffi scans every library directory with a regular
        // expression for a bare "pcap" that dlopen(3) cannot find as it is (io.netcap.bpf.SharedLibraries).
        try {
            return LibraryLoader.create(NativePcap.LibPcap.class).failImmediately().load("libpcap.so.0.8");
        } catch (UnsatisfiedLinkError first) {
            try {
                return LibraryLoader.create(NativePcap.LibPcap.class).failImmediately().load("pcap");
            } catch (UnsatisfiedLinkError second) {
                first.addSuppressed(second);
                throw first;
            }
        }
    }
}

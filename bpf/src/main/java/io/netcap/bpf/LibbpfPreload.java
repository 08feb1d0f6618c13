package io.netcap.bpf;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Binds libbpf through jnr-ffi on a thread of its own while the command line is parsed. The
 * binding (jnr-ffi's classes, jffi's native stub, an invoker per function) is the largest single
 * step of a warm start after picocli's model (about 0.1 s of 0.6 s, measured on the benchmark
 * machine), and the two are independent, so on two cores they overlap.
 *
 * <p>Whoever needs libbpf first ({@link NativeLibbpf}'s class initialisation) joins the load, or
 * does it itself when nothing started it. A failure (libbpf not installed) is thrown to that
 * caller as the same error a direct load throws, never on the preload thread, so the user's
 * message does not depend on which thread got there first.
 */
public final class LibbpfPreload {
    private static final FutureTask<NativeLibbpf.LibBpf> LOAD = new FutureTask<>(LibbpfPreload::bind);

    private LibbpfPreload() {
    }

    /**
     * Starts binding libbpf on a daemon thread; returns at once. Calling it again does nothing more.
     * The same thread then looks up SHA-256, the object cache's key ({@link ClangCompiler}): the
     * first lookup of a JCA provider costs about 20 ms, which was otherwise on the start-up path.
     */
    public static void start() {
        Thread t = new Thread(() -> {
            LOAD.run();
            ClangCompiler.warmUpCacheKey();
        }, "netcap-libbpf-preload");
        t.setDaemon(true);
        t.start();
    }

    /** The binding: waits for the preload, or loads here when none ran. Throws what the load threw. */
    static NativeLibbpf.LibBpf await() {
        LOAD.run(); // a no-op once started on another thread
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return LOAD.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the load is short and cannot be abandoned half way
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof Error error) {
                        throw error;
                    }
                    if (cause instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    throw new IllegalStateException(cause);
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
    private static NativeLibbpf.LibBpf bind() {
        // libbpf.so.1 is libbpf1's runtime; "bpf" finds a libbpf.so elsewhere (a libbpf-dev install).
        try {
            return SharedLibraries.load(NativeLibbpf.LibBpf.class, "libbpf.so.1", "bpf");
        } catch (UnsatisfiedLinkError e) {
            // (the Debian package to install is said where the error is reported)
            UnsatisfiedLinkError error = new UnsatisfiedLinkError("cannot bind libbpf: "
                    + e.getMessage().lines().findFirst().orElse(""));
            error.initCause(e);
            throw error;
        }
    }
}

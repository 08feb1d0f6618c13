package io.netcap.bpf;

import com.kenai.jffi.Library;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import jnr.ffi.LibraryLoader;

/**
 * Binds a jnr-ffi interface to the first of several names of a shared library that loads.
 *
 * <p>Why names in order, the runtime's soname first ({@code libc.so.6}, {@code libbpf.so.1}):
 * jnr-ffi hands a name to dlopen(3) as it is, and only when that fails (as it does for a bare
 * "c" or "bpf") lists every file in each library directory and matches a regular expression
 * against each name to find one. On Debian that is ~4,200 files per library, ~17,000 matches
 * at start-up, and the C2 compilation of {@code Matcher.match} (~20 ms of CPU) that the matches
 * made hot, landing in the first second of the capture (async-profiler, LogCompilation).
 */
public final class SharedLibraries {
    private SharedLibraries() {
    }

    /**
     * The binding of {@code api} to the first of {@code names} that loads and has a symbol for
     * every abstract method of {@code api}.
     *
     * @throws UnsatisfiedLinkError the first name's error (not found, or which symbol it lacks),
     *                              the others' suppressed in it
     */
    public static <T> T load(Class<T> api, String... names) {
        UnsatisfiedLinkError first = null;
        for (String name : names) {
            try {
                T bound = LibraryLoader.create(api).failImmediately().load(name);
                requireSymbols(api, name);
                return bound;
            } catch (UnsatisfiedLinkError e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        throw first != null ? first : new UnsatisfiedLinkError("no library name given for " + api.getName());
    }

    /**
     * Looks up each method's symbol in the library {@code name}, when dlopen(3) opens it by that
     * name. jnr-ffi's reflective binding (the one netcap uses) looks a symbol up at its first
     * call, whatever failImmediately says:
     * a library of the right name but the wrong kind or version (a libbpf without a function
     * netcap binds) would fail there, in the middle of a capture's set-up.
     */
    private static void requireSymbols(Class<?> api, String name) {
        Library library = Library.getCachedInstance(name, Library.LAZY | Library.LOCAL);
        if (library == null) {
            // A bare name ("c", "bpf") that dlopen(3) cannot open as it is: jnr-ffi found a file
            // for it in its search paths, which this cannot be sure to find again. Its functions
            // are looked up at their first call, as before (Netcap reports a missing one).
            return;
        }
        for (Method method : api.getMethods()) {
            if (Modifier.isAbstract(method.getModifiers()) && library.getSymbolAddress(method.getName()) == 0) {
                throw new UnsatisfiedLinkError(name + " has no function " + method.getName()
                        + " (a different library, or an older version, under that name)");
            }
        }
    }
}

package io.netcap.bpf;

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
     * The binding of {@code api} to the first of {@code names} that loads with every symbol.
     *
     * @throws UnsatisfiedLinkError the first name's error, the others' suppressed in it
     */
    public static <T> T load(Class<T> api, String... names) {
        UnsatisfiedLinkError first = null;
        for (String name : names) {
            try {
                return LibraryLoader.create(api).failImmediately().load(name);
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
}

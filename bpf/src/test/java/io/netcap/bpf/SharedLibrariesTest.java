package io.netcap.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SharedLibrariesTest {
    /** One libc call: enough to tell a binding that works. */
    public interface Getpid {
        int getpid();
    }

    @Test
    void takesTheFirstNameThatLoads() {
        Getpid libc = SharedLibraries.load(Getpid.class, "libnetcap-no-such-library.so.9", "libc.so.6");
        assertEquals(ProcessHandle.current().pid(), libc.getpid());
    }

    /** A bare name, which dlopen(3) cannot open as it is, binds as jnr-ffi finds it in its search paths. */
    @Test
    void takesABareNameAsJnrFfiFindsIt() {
        assertEquals(ProcessHandle.current().pid(), SharedLibraries.load(Getpid.class, "c").getpid());
    }

    /** A libc call and one no libc has. */
    public interface NotLibc {
        int getpid();

        int netcap_no_such_function();
    }

    @Test
    void aLibraryWithoutEverySymbolIsPassedOverAndNamed() {
        UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class,
                () -> SharedLibraries.load(NotLibc.class, "libc.so.6"));
        assertTrue(e.getMessage().contains("libc.so.6 has no function netcap_no_such_function"), e.getMessage());
        assertEquals(ProcessHandle.current().pid(),
                SharedLibraries.load(Getpid.class, "libz.so.1", "libc.so.6").getpid(), "libz has no getpid: libc does");
    }

    @Test
    void reportsTheFirstNamesErrorWithTheOthersSuppressed() {
        UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class,
                () -> SharedLibraries.load(Getpid.class, "libnetcap-no-such-library.so.9", "libnetcap-nor-this.so.1"));
        assertTrue(e.getMessage().contains("libnetcap-no-such-library"), e.getMessage());
        assertEquals(1, e.getSuppressed().length);
    }
}

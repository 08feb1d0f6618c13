package io.netcap.capture.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netcap.capture.CaptureException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** --netns forms; a path must be a network namespace file (this process's own are always there). */
class NetnsResolverTest {
    @Test
    void anInodeIsTakenAsItIs() {
        assertEquals(4026531840L, NetnsResolver.resolve("4026531840"));
        assertEquals(0, NetnsResolver.resolve(" "));
        assertThrows(CaptureException.class, () -> NetnsResolver.resolve("0"));
    }

    @Test
    void ourOwnNetworkNamespaceFileGivesItsInode() throws Exception {
        long inode = ((Number) Files.getAttribute(Path.of("/proc/self/ns/net"), "unix:ino")).longValue();
        assertEquals(inode, NetnsResolver.resolve("/proc/self/ns/net"));
    }

    @Test
    void aFileThatIsNoNamespaceIsAUsageError() {
        CaptureException e = assertThrows(CaptureException.class, () -> NetnsResolver.resolve("/etc/passwd"));
        assertEquals(CaptureException.Kind.USAGE, e.kind());
        assertTrue(e.getMessage().contains("/etc/passwd is not a namespace file"), e.getMessage());
    }

    @Test
    void anotherKindOfNamespaceIsAUsageError() {
        for (String path : new String[] {"/proc/self/ns/mnt", "/proc/1/ns/mnt", "/proc/1/ns/uts"}) {
            CaptureException e = assertThrows(CaptureException.class, () -> NetnsResolver.resolve(path));
            assertTrue(e.getMessage().matches(".* is a (mnt|uts) namespace, not a network one.*"), e.getMessage());
        }
    }

    @Test
    void anUnknownNameSaysWhatToGive() {
        CaptureException e = assertThrows(CaptureException.class, () -> NetnsResolver.resolve("no-such-netns-xyz"));
        assertTrue(e.getMessage().contains("name from `ip netns`"), e.getMessage());
    }
}

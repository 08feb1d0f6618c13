package io.netcap.capture.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netcap.capture.kernel.NetworkNamespaces;
import io.netcap.capture.program.ProgramConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What netcap says at start about -i and --netns, against a made-up /proc with one namespace. */
class SelectionCheckTest {
    private static final long NS = 4026531840L;

    @TempDir
    Path proc;

    private NetworkNamespaces machine() throws IOException {
        if (Files.exists(proc.resolve("self"))) {
            return NetworkNamespaces.scan(proc, p -> Optional.empty());
        }
        Path pid = Files.createDirectories(proc.resolve("1/ns"));
        Files.createSymbolicLink(pid.resolve("net"), Path.of("net:[" + NS + "]"));
        Files.createDirectories(proc.resolve("1/net"));
        Files.writeString(proc.resolve("1/net/dev"), "h1\nh2\n    lo: 0 0\n  eth0: 0 0\n");
        Files.createDirectories(proc.resolve("self"));
        Files.writeString(proc.resolve("self/mountinfo"), "");
        return NetworkNamespaces.scan(proc, p -> Optional.empty());
    }

    private List<String> warnings(String device, long netns) throws IOException {
        NetworkNamespaces namespaces = machine();
        return SelectionCheck.warnings(new ProgramConfig(1514, false, device, netns, null, false), () -> namespaces);
    }

    @Test
    void aDeviceNoNamespaceHasIsOneLine() throws IOException {
        assertEquals(List.of("no device named nosuchdev0 in any network namespace now; capturing in case it appears"),
                warnings("nosuchdev0", 0));
        assertEquals(List.of(), warnings("eth0", 0));
    }

    @Test
    void aNamespaceThatIsNotThereIsOneLine() throws IOException {
        assertEquals(List.of("--netns: no network namespace has inode 12345 now; capturing in case one appears"),
                warnings(null, 12345));
        assertEquals(List.of("--netns: no network namespace has inode 12345 now; capturing in case one appears"),
                warnings("eth0", 12345), "one warning, not a second about the device");
        assertEquals(List.of(), warnings(null, NS));
        assertEquals(List.of("no device named eth1 in network namespace " + NS + " now; capturing in case it appears"),
                warnings("eth1", NS));
    }

    @Test
    void withNeitherOptionNothingIsScanned() {
        assertEquals(List.of(), SelectionCheck.warnings(ProgramConfig.defaults(), () -> {
            throw new AssertionError("scanned /proc without -i or --netns");
        }));
    }
}

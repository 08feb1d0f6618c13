package io.netcap.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibbpfVersionTest {
    @TempDir
    Path dir;

    @Test
    void theVersionTheLibraryReportsIsTheOneItsFileNameCarries() {
        String described = LibbpfVersion.describe();
        // e.g. libbpf version 1.1 (/usr/lib/x86_64-linux-gnu/libbpf.so.1.1.2)
        Matcher m = Pattern.compile("libbpf version (\\d+)\\.(\\d+) \\((/\\S*/libbpf\\.so\\.(\\d+)\\.(\\d+)[.\\d]*)\\)")
                .matcher(described);
        assertTrue(m.matches(), described);
        assertTrue(Files.exists(Path.of(m.group(3))), described);
        assertEquals(m.group(4) + "." + m.group(5), m.group(1) + "." + m.group(2), described);
    }

    @Test
    void theLoadedFileIsFoundAmongOtherMappingsEvenWithSpacesInItsPath() throws IOException {
        Path maps = dir.resolve("maps");
        Files.writeString(maps, """
                55d0a4a00000-55d0a4a01000 r-xp 00001000 fe:01 99       /usr/bin/java
                7f0000000000-7f0000001000 rw-p 00000000 00:00 0
                7f0000001000-7f0000002000 r--p 00000000 fe:01 42       /opt/my libs/libbpf.so.1.4.0
                7f0000002000-7f0000003000 r-xp 00001000 fe:01 42       /opt/my libs/libbpf.so.1.4.0
                """);
        assertEquals(Optional.of("/opt/my libs/libbpf.so.1.4.0"), LibbpfVersion.loadedFile(maps));
        Files.writeString(maps, "7f0000000000-7f0000001000 rw-p 00000000 00:00 0\n");
        assertEquals(Optional.empty(), LibbpfVersion.loadedFile(maps));
        assertEquals(Optional.empty(), LibbpfVersion.loadedFile(dir.resolve("absent")));
    }
}

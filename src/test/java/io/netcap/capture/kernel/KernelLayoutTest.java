package io.netcap.capture.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelLayoutTest {
    @TempDir
    Path dir;

    @Test
    void findsBothDataSymbols() throws IOException {
        Path f = write("ffffffff81000000 T _text\n"
                + "ffffffff82a1b2c8 D page_offset_base\n"
                + "ffffffff82a1b2b8 D vmemmap_base_other\n"
                + "ffffffff82a1b2c0 D vmemmap_base\n"
                + "ffffffffc0a01000 t helper\t[some_module]\n");
        Optional<KernelLayout.Addresses> a = KernelLayout.find(f);
        assertTrue(a.isPresent());
        assertEquals(0xffffffff82a1b2c8L, a.get().pageOffsetBase());
        assertEquals(0xffffffff82a1b2c0L, a.get().vmemmapBase());
    }

    @Test
    void emptyWithoutDataSymbolsOrWithHiddenAddresses() throws IOException {
        assertTrue(KernelLayout.find(write("ffffffff81000000 T _text\nffffffff81000010 T vmemmap_populate\n")).isEmpty(),
                "a kernel without CONFIG_KALLSYMS_ALL");
        assertTrue(KernelLayout.find(write("0000000000000000 D page_offset_base\n0000000000000000 D vmemmap_base\n"))
                .isEmpty(), "kptr_restrict hides addresses from this user");
        assertTrue(KernelLayout.find(dir.resolve("missing")).isEmpty());
    }

    private Path write(String text) throws IOException {
        Path f = Files.createTempFile(dir, "kallsyms", "");
        Files.writeString(f, text);
        return f;
    }
}

package io.netcap.capture.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netcap.capture.CaptureException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is looked for in an extension's text before clang sees it, and the one-line usage errors. */
class ExtensionSourceTest {
    private static final Path FILE = Path.of("/tmp/my filter\".c");

    @TempDir
    Path dir;

    @Test
    void findsWhichNameTheFunctionHas() {
        assertEquals("xcap_ext_filter", ExtensionSource.of(ExtensionKind.FILTER, FILE,
                "static inline int xcap_ext_filter(void *ext, void *pkt, u16 i) { return 1; }").function());
        assertEquals("xcap_user_filter", ExtensionSource.of(ExtensionKind.FILTER, FILE,
                "// xcap_ext_filter( is only mentioned here\nstatic inline int xcap_user_filter (void *e, void *p, u16 i)"
                        + " { return 1; }").function());
    }

    @Test
    void aMissingFunctionOrStructIsAUsageError() {
        assertUsage(ExtensionKind.FILTER, "static inline int filter(void *e, void *p, u16 i) { return 1; }",
                "defines no xcap_ext_filter or xcap_user_filter; it needs static inline int xcap_ext_filter(");
        assertUsage(ExtensionKind.FILTER, "int xcap_ext_filter(void*,void*,u16); int xcap_user_filter(void*,void*,u16);",
                "defines both");
        assertUsage(ExtensionKind.ACTION, "struct other { int a; };\n"
                + "static inline int xcap_ext_action(void *e, void *p, u32 l, struct xcap_user_extend *u, u16 i) { return 1; }",
                "defines no struct xcap_user_extend");
        assertUsage(ExtensionKind.FILTER, "xcap_ext_filter(\0", "not a text file");
    }

    @Test
    void unreadableFilesAreUsageErrors() throws Exception {
        CaptureException missing = assertThrows(CaptureException.class,
                () -> ExtensionSource.read(ExtensionKind.ACTION, dir.resolve("none.c")));
        assertEquals(CaptureException.Kind.USAGE, missing.kind());
        assertTrue(missing.getMessage().startsWith("--ext-action "), missing.getMessage());
        assertTrue(missing.getMessage().endsWith("none.c: no such file"), missing.getMessage());
        Path binary = dir.resolve("a.out");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0x41});
        assertTrue(assertThrows(CaptureException.class, () -> ExtensionSource.read(ExtensionKind.FILTER, binary))
                .getMessage().contains("not a UTF-8 text file"));
        assertTrue(assertThrows(CaptureException.class, () -> ExtensionSource.read(ExtensionKind.FILTER, dir))
                .getMessage().contains("is a directory"));
    }

    /** clang names the user's file in its messages, and the BTF line info points into it. */
    @Test
    void theGeneratedTextStartsWithALineDirectiveNamingTheUsersFile() {
        ExtensionSource s = ExtensionSource.of(ExtensionKind.FILTER, FILE,
                "static inline int xcap_ext_filter(void *ext, void *pkt, u16 i) { return 1; }");
        assertTrue(s.generatedText().startsWith("#line 1 \"/tmp/my filter\\\".c\"\nstatic inline"), s.generatedText());
        assertTrue(s.generatedText().endsWith("}\n"));
    }

    private static void assertUsage(ExtensionKind kind, String text, String expected) {
        CaptureException e = assertThrows(CaptureException.class, () -> ExtensionSource.of(kind, FILE, text));
        assertEquals(CaptureException.Kind.USAGE, e.kind());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
    }
}

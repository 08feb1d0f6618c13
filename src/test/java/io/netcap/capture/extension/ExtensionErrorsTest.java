package io.netcap.capture.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which of clang's lines and which verifier lines are about the user's own file. */
class ExtensionErrorsTest {
    private static final ExtensionSource FILTER = ExtensionSource.of(ExtensionKind.FILTER, Path.of("/home/u/f.c"),
            "static inline int xcap_ext_filter(void *e, void *p, u16 i) { return 1; }");
    private static final Extensions EXT = new Extensions(FILTER, null, null);

    @Test
    void keepsTheUsersErrorsOnceWithTheirSourceLines() {
        String output = """
                In file included from /tmp/netcap-clang-1/capture.bpf.c:40:
                /home/u/f.c:5:28: error: no member named 'mrak' in 'struct sk_buff'
                        return BPF_CORE_READ(skb, mrak) == 1;
                               ~~~~~~~~~~~~~~~~~~~^~~~~
                /usr/include/bpf/bpf_core_read.h:451:2: note: expanded from macro 'BPF_CORE_READ'
                        ___type((src), a, ##__VA_ARGS__) __r;
                        ^
                /home/u/f.c:5:28: error: no member named 'mrak' in 'struct sk_buff'
                        return BPF_CORE_READ(skb, mrak) == 1;
                               ~~~~~~~~~~~~~~~~~~~^~~~~
                /home/u/f.c:3:6: warning: unused variable 'x' [-Wunused-variable]
                        int x;
                            ^
                /tmp/netcap-clang-1/capture.bpf.c:99:3: error: something of netcap's
                2 errors generated.
                """;
        assertEquals(List.of("/home/u/f.c:5:28: error: no member named 'mrak' in 'struct sk_buff'",
                "        return BPF_CORE_READ(skb, mrak) == 1;",
                "               ~~~~~~~~~~~~~~~~~~~^~~~~"), ExtensionErrors.userDiagnostics(output, EXT));
    }

    @Test
    void namesTheUsersFunctionWhenTheVerifierStoppedInIt() {
        String log = """
                0: (bf) r6 = r1
                ; int x = 1; @ capture.bpf.c:120
                727: (85) call bpf_probe_read_kernel#113
                ; return *p == 3; @ f.c:6
                729: (61) r1 = *(u32 *)(r1 +0)
                R1 invalid mem access 'scalar'
                """;
        assertEquals(Optional.of("the kernel's verifier rejected xcap_ext_filter of --ext-filter (/home/u/f.c:6:"
                + " return *p == 3;)"), ExtensionErrors.verifierCulprit(log, EXT));
        assertEquals(Optional.empty(), ExtensionErrors.verifierCulprit(log.replace("@ f.c:6", "@ capture.bpf.c:7"), EXT),
                "the last line quoted is netcap's");
        assertEquals(Optional.empty(), ExtensionErrors.verifierCulprit(log, Extensions.NONE));
    }

    @org.junit.jupiter.api.Test
    void bracesAreCountedOutsideCommentsAndLiterals() {
        org.junit.jupiter.api.Assertions.assertEquals(0, ExtensionErrors.braceBalance(
                "int f() { /* { */ char c = '{'; const char *s = \"}}\\\"{\"; // }\n return 0; }"));
        org.junit.jupiter.api.Assertions.assertEquals(1, ExtensionErrors.braceBalance("int f() { if (x) { return 1; }"));
        org.junit.jupiter.api.Assertions.assertEquals(-1, ExtensionErrors.braceBalance("int f() { return 1; } }"));
    }
}

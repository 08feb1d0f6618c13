package io.netcap.capture.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Format comments belong to the member on their line, in the struct whose braces hold it. */
class FieldFormatsTest {
    private static final String SOURCE = """
            /* a block comment with // format: %d in it */
            struct inner {
                u16 port;      // format: %u
                u8 flags;
            };

            struct xcap_user_extend
            {
                int a;         // format: 0x%x
                char dev[16];  //format:%s
                u32 bits : 3;  // format: %o
                struct inner in;
                union {
                    u32 v4;    // format: %08x
                    u8 v6[16];
                };
            };

            static inline int xcap_ext_action(void *ext, void *pkt, u32 pkt_len, struct xcap_user_extend *user, u16 t)
            {
                int a;         // format: %d  (a local variable, not a member)
                return 1;
            }
            """;

    @Test
    void eachCommentGoesToItsMemberAndStruct() {
        FieldFormats f = FieldFormats.parse(SOURCE);
        assertEquals("0x%x", f.format("xcap_user_extend", "a"));
        assertEquals(9, f.line("xcap_user_extend", "a"));
        assertEquals("%s", f.format("xcap_user_extend", "dev"));
        assertEquals("%o", f.format("xcap_user_extend", "bits"));
        assertEquals("%u", f.format("inner", "port"));
        assertNull(f.format("inner", "flags"));
        assertNull(f.format("xcap_user_extend", "port"));
    }

    @Test
    void anAnonymousMembersFieldsAreTheEnclosingStructs() {
        assertEquals("%08x", FieldFormats.parse(SOURCE).format("xcap_user_extend", "v4"));
    }

    @Test
    void functionBodiesDeclareNoMembers() {
        FieldFormats f = FieldFormats.parse(SOURCE.replace("int a;         // format: 0x%x", "int a;"));
        assertNull(f.format("xcap_user_extend", "a"));
        assertNull(f.format("", "a"));
    }
}

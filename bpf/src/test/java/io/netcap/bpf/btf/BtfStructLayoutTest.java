package io.netcap.bpf.btf;

import static io.netcap.bpf.btf.BtfBlobBuilder.bitfield;
import static io.netcap.bpf.btf.BtfBlobBuilder.member;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link Btf#findStructLayout} on hand-built blobs: offsets in bits become bytes, bitfields drop out. */
class BtfStructLayoutTest {

    /** Offsets in declaration order, written out so that the order is part of what is compared. */
    private static Map<String, Integer> offsets(Object... nameThenOffset) {
        Map<String, Integer> map = new LinkedHashMap<>();
        for (int i = 0; i < nameThenOffset.length; i += 2) {
            map.put((String) nameThenOffset[i], (Integer) nameThenOffset[i + 1]);
        }
        return map;
    }

    private static List<String> order(BtfStructLayout layout) {
        return List.copyOf(layout.offsets().keySet());
    }

    @Test
    void memberBitOffsetsBecomeByteOffsetsInDeclarationOrder() throws BtfException {
        BtfBlobBuilder b = new BtfBlobBuilder();
        int u8 = b.intType("unsigned char", 1, 0);
        int u32 = b.intType("unsigned int", 4, 0);
        int u64 = b.intType("long long unsigned int", 8, 0);
        int u32Typedef = b.typedef("u32", u32);
        // Deliberately not sorted by name, to see that order is declaration order.
        b.struct("flow", 24, member("tag", u8, 0), member("saddr", u32Typedef, 32),
                member("daddr", b.constOf(u32), 64), member("bytes", u64, 128));
        BtfStructLayout layout = b.parse().findStructLayout("flow").orElseThrow();

        assertEquals("flow", layout.name());
        assertEquals(24, layout.size());
        assertEquals(offsets("tag", 0, "saddr", 4, "daddr", 8, "bytes", 16), layout.offsets());
        assertEquals(List.of("tag", "saddr", "daddr", "bytes"), order(layout));
        assertThrows(UnsupportedOperationException.class, () -> layout.offsets().put("x", 1));
    }

    @Test
    void onlyAStructOfThatNameCounts() throws BtfException {
        BtfBlobBuilder b = new BtfBlobBuilder();
        int u32 = b.intType("unsigned int", 4, 0);
        b.union("both", 4, member("a", u32, 0));
        b.fwd("declared", false);
        b.typedef("aliased", b.struct("", 4, member("a", u32, 0)));
        b.struct("empty", 0);
        Btf btf = b.parse();

        assertEquals(Optional.empty(), btf.findStructLayout("missing"));
        assertEquals(Optional.empty(), btf.findStructLayout("both"), "a union is not a struct");
        assertEquals(Optional.empty(), btf.findStructLayout("declared"), "a forward declaration has no layout");
        assertEquals(Optional.empty(), btf.findStructLayout("aliased"), "a typedef name is not a struct tag");
        assertEquals(new BtfStructLayout("empty", 0, Map.of()), btf.findStructLayout("empty").orElseThrow());
    }

    @Test
    void membersOfAnonymousStructsAndUnionsAreReachableByName() throws BtfException {
        // Like struct sk_buff: union { struct { next; prev; union { dev; dev_scratch; }; }; list; };
        BtfBlobBuilder b = new BtfBlobBuilder();
        int u32 = b.intType("unsigned int", 4, 0);
        int u64 = b.intType("long unsigned int", 8, 0);
        int ptr = b.ptr(0);
        int devUnion = b.union("", 8, member("dev", ptr, 0), member("dev_scratch", u64, 0));
        int links = b.struct("", 24, member("next", ptr, 0), member("prev", ptr, 64), member("", devUnion, 128));
        int outerUnion = b.union("", 24, member("", links, 0), member("list", u64, 0));
        int named = b.struct("list_head", 16, member("next", ptr, 0), member("prev", ptr, 64));
        b.struct("packet", 56, member("", outerUnion, 0), member("len", u32, 192),
                member("", b.constOf(b.struct("", 4, member("mark", u32, 0))), 224),
                member("head", named, 256), member("", u32, 384));
        BtfStructLayout layout = b.parse().findStructLayout("packet").orElseThrow();

        assertEquals(offsets("next", 0, "prev", 8, "dev", 16, "dev_scratch", 16, "list", 0, "len", 24,
                "mark", 28, "head", 32), layout.offsets());
        assertEquals(List.of("next", "prev", "dev", "dev_scratch", "list", "len", "mark", "head"), order(layout),
                "depth first, in declaration order; a named struct member is not expanded");
    }

    @Test
    void bitfieldsAreLeftOutUnderTheKindFlagEncoding() throws BtfException {
        // struct iphdr { __u8 ihl:4, version:4; __u8 tos; __be16 tot_len; __u32 whole:32; __u8 ttl; }
        BtfBlobBuilder b = new BtfBlobBuilder();
        int u8 = b.intType("unsigned char", 1, 0);
        int u16 = b.intType("short unsigned int", 2, 0);
        int u32 = b.intType("unsigned int", 4, 0);
        b.structKindFlag("iphdr", 12, bitfield("ihl", u8, 0, 4), bitfield("version", u8, 4, 4),
                bitfield("tos", u8, 8, 0), bitfield("tot_len", u16, 16, 0),
                bitfield("whole", u32, 32, 32), bitfield("ttl", u8, 64, 0));
        BtfStructLayout layout = b.parse().findStructLayout("iphdr").orElseThrow();

        // A bitfield size of 0 means an ordinary member; any other size, even a whole word, a bitfield.
        assertEquals(offsets("tos", 1, "tot_len", 2, "ttl", 8), layout.offsets());
        assertEquals(12, layout.size());
    }

    @Test
    void bitfieldsAreLeftOutUnderTheIntEncoding() throws BtfException {
        // kind_flag 0: the member's INT type (possibly behind a typedef) carries the field's width.
        BtfBlobBuilder b = new BtfBlobBuilder();
        int u8 = b.intType("unsigned char", 1, 0);
        int u32 = b.intType("unsigned int", 4, 0);
        int threeBits = b.intBits("unsigned int", 4, 0, 0, 3);
        int shifted = b.intBits("unsigned int", 4, 0, 3, 29);
        b.struct("flags", 12, member("low", threeBits, 0), member("high", b.typedef("hi_t", shifted), 0),
                member("count", u32, 32), member("odd", u8, 68), member("", threeBits, 72),
                member("last", u8, 80));
        BtfStructLayout layout = b.parse().findStructLayout("flags").orElseThrow();

        assertEquals(offsets("count", 4, "last", 10), layout.offsets(),
                "narrow or shifted INTs are bitfields; so is anything not on a byte boundary");
    }

    @Test
    void anonymousMembersEmbeddingThemselvesAreReportedNotRecursedForever() throws BtfException {
        BtfBlobBuilder b = new BtfBlobBuilder();
        int self = b.nextId();
        b.struct("loop", 8, member("", self, 0));
        Btf btf = b.parse();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> btf.findStructLayout("loop"));
        assertTrue(e.getMessage().startsWith("test-blob: "), e.getMessage());
    }
}

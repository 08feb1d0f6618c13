package io.netcap.bpf.btf;

import static io.netcap.bpf.btf.BtfBlobBuilder.bitfield;
import static io.netcap.bpf.btf.BtfBlobBuilder.enumerator;
import static io.netcap.bpf.btf.BtfBlobBuilder.member;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Btf#findStructType}: what each member's bytes hold, typedefs and qualifiers resolved. */
class BtfValueTypeTest {
    private static final int SIGNED = 1;
    private static final int BOOL = 4;

    @Test
    void membersKeepTheirDeclaredNamesAndResolvedTypes() throws BtfException {
        BtfBlobBuilder b = new BtfBlobBuilder();
        int u8 = b.intType("unsigned char", 1, 0);
        int chr = b.intType("char", 1, SIGNED);
        int s32 = b.intType("int", 4, SIGNED);
        int bool = b.intType("_Bool", 1, BOOL);
        int u32 = b.typedef("u32", b.intType("unsigned int", 4, 0));
        int way = b.enum32("way", true, enumerator("IN", 1), enumerator("BACK", -1));
        int index = b.intType("int", 4, SIGNED);
        int inner = b.struct("pair", 4, member("a", b.typedef("u16", b.intType("unsigned short", 2, 0)), 0),
                member("b", b.constOf(u8), 16));
        b.struct("ext", 48, member("tag", u8, 0), member("mark", b.volatileOf(u32), 32), member("n", s32, 64),
                member("dev", b.array(chr, index, 16), 96), member("raw", b.array(u8, index, 4), 224),
                member("yes", bool, 256), member("way", way, 288), member("pair", inner, 320),
                member("ptr", b.ptr(u8), 384));
        BtfValueType.Struct s = b.parse().findStructType("ext").orElseThrow();
        assertEquals(48, s.size());
        assertEquals(List.of("tag", "mark", "n", "dev", "raw", "yes", "way", "pair", "ptr"),
                s.members().stream().map(BtfValueType.Member::name).toList());
        assertEquals(new BtfValueType.Int("unsigned char", 1, false, false, false), s.members().get(0).type());
        assertEquals(new BtfValueType.Int("volatile u32", 4, false, false, false), s.members().get(1).type());
        assertEquals(32, s.members().get(1).bitOffset());
        assertTrue(((BtfValueType.Int) s.members().get(2).type()).signed());
        BtfValueType.Array dev = assertInstanceOf(BtfValueType.Array.class, s.members().get(3).type());
        assertEquals(16, dev.length());
        assertTrue(((BtfValueType.Int) dev.element()).character(), "plain char is a character");
        assertTrue(!((BtfValueType.Int) ((BtfValueType.Array) s.members().get(4).type()).element()).character(),
                "unsigned char is a number");
        assertTrue(((BtfValueType.Int) s.members().get(5).type()).bool());
        assertEquals(Map.of(1L, "IN", -1L, "BACK"), ((BtfValueType.Enum) s.members().get(6).type()).names());
        BtfValueType.Struct pair = assertInstanceOf(BtfValueType.Struct.class, s.members().get(7).type());
        assertEquals("struct pair", pair.cName());
        assertEquals(16, pair.members().get(1).bitOffset());
        assertInstanceOf(BtfValueType.Pointer.class, s.members().get(8).type());
    }

    /** Both bitfield encodings: the width in the member's offset (kind_flag 1) or in the INT (kind_flag 0). */
    @Test
    void bitfieldsHaveTheirWidth() throws BtfException {
        BtfBlobBuilder b = new BtfBlobBuilder();
        int u32 = b.intType("unsigned int", 4, 0);
        b.structKindFlag("flagged", 4, bitfield("low", u32, 0, 3), bitfield("high", u32, 3, 5));
        int narrow = b.intBits("unsigned int", 4, 0, 0, 4);
        b.struct("plain", 4, member("nibble", narrow, 4), member("rest", u32, 0));
        Btf btf = b.parse();
        BtfValueType.Struct flagged = btf.findStructType("flagged").orElseThrow();
        assertEquals(3, flagged.members().get(0).bitSize());
        assertEquals(5, flagged.members().get(1).bitSize());
        assertEquals(3, flagged.members().get(1).bitOffset());
        BtfValueType.Struct plain = btf.findStructType("plain").orElseThrow();
        assertEquals(4, plain.members().get(0).bitSize());
        assertEquals(0, plain.members().get(1).bitSize(), "a whole unsigned int is no bitfield");
    }

    @Test
    void floatsAreUnsupported() throws BtfException {
        BtfBlobBuilder b = new BtfBlobBuilder();
        b.struct("f", 4, member("x", b.floatType("float", 4), 0));
        assertInstanceOf(BtfValueType.Unsupported.class, b.parse().findStructType("f").orElseThrow().members().get(0).type());
    }
}

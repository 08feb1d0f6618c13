package io.netcap.bpf.btf;

import static io.netcap.bpf.btf.BtfBlobBuilder.enumerator;
import static io.netcap.bpf.btf.BtfBlobBuilder.member;
import static io.netcap.bpf.btf.BtfBlobBuilder.param;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the container format: header, byte order, record layout, and rejection of bad blobs. */
class BtfParsingTest {

    /** One record of every kind, so a wrong per-kind record size would shift all later ids. */
    private static BtfBlobBuilder everyKind() {
        BtfBlobBuilder b = new BtfBlobBuilder();
        int i = b.intType("int", 4, BtfBlobBuilder.INT_SIGNED);                        // 1  INT
        int p = b.ptr(i);                                                               // 2  PTR
        b.array(i, i, 4);                                                               // 3  ARRAY
        b.struct("s", 8, member("a", i, 0), member("b", p, 32));                        // 4  STRUCT
        b.union("u", 4, member("x", i, 0));                                             // 5  UNION
        b.enum32("e", false, enumerator("E0", 0), enumerator("E1", 1));                 // 6  ENUM
        b.fwd("f", false);                                                              // 7  FWD
        b.typedef("t", i);                                                              // 8  TYPEDEF
        b.volatileOf(i);                                                                // 9  VOLATILE
        b.constOf(i);                                                                   // 10 CONST
        b.raw(0, BtfKind.RESTRICT.code(), 0, false, p);                                 // 11 RESTRICT
        int proto = b.funcProto(i, param("a", i), param("b", p));                       // 12 FUNC_PROTO
        b.func("fn", proto, BtfBlobBuilder.LINKAGE_GLOBAL);                             // 13 FUNC
        int v = b.variable("var", i);                                                   // 14 VAR
        b.raw(b.string(".data"), BtfKind.DATASEC.code(), 1, false, 4, v, 0, 4);         // 15 DATASEC
        b.floatType("double", 8);                                                       // 16 FLOAT
        b.raw(b.string("tag"), BtfKind.DECL_TAG.code(), 0, false, 13, -1);              // 17 DECL_TAG
        b.typeTag("user", i);                                                           // 18 TYPE_TAG
        b.enum64("e64", false, enumerator("BIG", 1L << 33));                            // 19 ENUM64
        b.struct("last", 4, member("z", i, 0));                                         // 20 STRUCT
        return b;
    }

    @Test
    void walksRecordsOfEveryKind() throws BtfException {
        Btf btf = everyKind().parse();
        assertEquals(20, btf.typeCount());
        List<BtfKind> expected = List.of(BtfKind.INT, BtfKind.PTR, BtfKind.ARRAY, BtfKind.STRUCT, BtfKind.UNION,
                BtfKind.ENUM, BtfKind.FWD, BtfKind.TYPEDEF, BtfKind.VOLATILE, BtfKind.CONST, BtfKind.RESTRICT,
                BtfKind.FUNC_PROTO, BtfKind.FUNC, BtfKind.VAR, BtfKind.DATASEC, BtfKind.FLOAT, BtfKind.DECL_TAG,
                BtfKind.TYPE_TAG, BtfKind.ENUM64, BtfKind.STRUCT);
        for (int id = 1; id <= expected.size(); id++) {
            assertEquals(expected.get(id - 1), btf.kind(id), "kind of id " + id);
        }
        assertEquals(Optional.of(20), btf.findType("last", BtfKind.STRUCT));
        assertEquals(Map.of(1L << 33, "BIG"), btf.enumValues("e64"));
        assertEquals("int (int, int *)", btf.typeToString(12));
        assertEquals("int *restrict", btf.typeToString(11));
    }

    @Test
    void readsBigEndianBlobs() throws BtfException {
        byte[] big = everyKind().build(ByteOrder.BIG_ENDIAN);
        Btf btf = Btf.parse(ByteBuffer.wrap(big), "big-endian");
        assertEquals(20, btf.typeCount());
        assertEquals(Optional.of(13), btf.findType("fn", BtfKind.FUNC));
        assertEquals(List.of(new BtfParam(1, "a", 1, "int"), new BtfParam(2, "b", 2, "int *")), btf.funcParams("fn"));
        assertEquals(Map.of(1L << 33, "BIG"), btf.enumValues("e64"));
    }

    @Test
    void emptyTypeSectionIsValid() throws BtfException {
        assertEquals(0, new BtfBlobBuilder().parse().typeCount());
    }

    @Test
    void honoursALongerHeader() throws BtfException {
        byte[] blob = everyKind().build();
        int extra = 8;
        ByteBuffer longer = ByteBuffer.allocate(blob.length + extra).order(ByteOrder.LITTLE_ENDIAN);
        longer.put(blob, 0, 24).put(new byte[extra]).put(blob, 24, blob.length - 24);
        longer.putInt(4, 24 + extra);
        assertEquals(20, Btf.parse(longer.rewind(), "long-header").typeCount());
    }

    @Test
    void loadsFromAFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("blob.btf");
        Files.write(file, everyKind().build());
        Btf btf = Btf.load(file);
        assertEquals(20, btf.typeCount());
        assertEquals(file.toString(), btf.source());
    }

    @Test
    void badMagicNamesTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("not-btf");
        Files.write(file, "\u007fELF this is not BTF at all".getBytes());
        BtfException e = assertThrows(BtfException.class, () -> Btf.load(file));
        assertMessage(e, file.toString(), "bad magic");
    }

    @Test
    void truncatedHeader() {
        byte[] blob = Arrays.copyOf(everyKind().build(), 10);
        assertMessage(parseFailure(blob), "test-blob", "truncated");
    }

    @Test
    void sectionsPastTheEnd() {
        byte[] blob = everyKind().build();
        assertMessage(parseFailure(Arrays.copyOf(blob, blob.length - 1)), "test-blob", "truncated", "string section");
    }

    @Test
    void recordCutShortByTheTypeSectionLength() {
        byte[] blob = everyKind().build();
        ByteBuffer header = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(12, header.getInt(12) - 4); // the last STRUCT loses half of its member
        assertMessage(parseFailure(blob), "test-blob", "truncated", "type id 20");
    }

    @Test
    void unsupportedVersion() {
        byte[] blob = everyKind().build();
        blob[2] = 2;
        assertMessage(parseFailure(blob), "test-blob", "version 2");
    }

    @Test
    void unknownKind() {
        BtfBlobBuilder b = new BtfBlobBuilder();
        b.intType("int", 4, 0);
        b.raw(0, 25, 0, false, 0);
        assertMessage(parseFailure(b.build()), "test-blob", "type id 2", "unknown kind 25");
    }

    @Test
    void danglingTypeReference() {
        BtfBlobBuilder b = new BtfBlobBuilder();
        b.intType("int", 4, 0);
        b.ptr(99);
        assertMessage(parseFailure(b.build()), "test-blob", "type id 2", "type id 99");
    }

    @Test
    void danglingMemberReference() {
        BtfBlobBuilder b = new BtfBlobBuilder();
        b.struct("s", 4, member("m", 7, 0));
        assertMessage(parseFailure(b.build()), "test-blob", "type id 1", "type id 7");
    }

    @Test
    void nameOutsideTheStringSection() {
        BtfBlobBuilder b = new BtfBlobBuilder();
        b.raw(100_000, BtfKind.INT.code(), 0, false, 4, 32);
        assertMessage(parseFailure(b.build()), "test-blob", "name offset 100000");
    }

    @Test
    void stringSectionWithoutTerminator() {
        BtfBlobBuilder b = new BtfBlobBuilder();
        b.intType("int", 4, 0);
        byte[] blob = b.build();
        blob[blob.length - 1] = 'x';
        assertMessage(parseFailure(blob), "test-blob", "NUL");
    }

    @Test
    void referenceLoopsDoNotHang() throws BtfException {
        BtfBlobBuilder b = new BtfBlobBuilder();
        b.typedef("a", 2);                                                             // 1
        b.typedef("b", 1);                                                             // 2
        int looping = b.ptr(1);                                                        // 3
        b.func("f", b.funcProto(0, param("x", looping)), BtfBlobBuilder.LINKAGE_GLOBAL);
        int constLoop = b.nextId();
        b.constOf(constLoop + 1);
        b.constOf(constLoop);
        Btf btf = b.parse();
        assertEquals("a *", btf.typeToString(looping));
        assertEquals(List.of(), btf.skbArguments(btf.funcParams("f")));
        assertEquals(List.of(), btf.functionsWithSkb());
        assertTrue(btf.typeToString(constLoop).contains("<loop>"), btf.typeToString(constLoop));
    }

    private static BtfException parseFailure(byte[] blob) {
        return assertThrows(BtfException.class, () -> Btf.parse(ByteBuffer.wrap(blob), "test-blob"));
    }

    /** The message must name the source first, then say what is wrong. */
    private static void assertMessage(BtfException e, String source, String... fragments) {
        assertTrue(e.getMessage().startsWith(source + ": "), "'" + e.getMessage() + "' should start with " + source);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should mention '" + fragment + "'");
        }
    }
}

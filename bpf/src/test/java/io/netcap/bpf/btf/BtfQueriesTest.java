package io.netcap.bpf.btf;

import static io.netcap.bpf.btf.BtfBlobBuilder.LINKAGE_EXTERN;
import static io.netcap.bpf.btf.BtfBlobBuilder.LINKAGE_GLOBAL;
import static io.netcap.bpf.btf.BtfBlobBuilder.LINKAGE_STATIC;
import static io.netcap.bpf.btf.BtfBlobBuilder.enumerator;
import static io.netcap.bpf.btf.BtfBlobBuilder.member;
import static io.netcap.bpf.btf.BtfBlobBuilder.param;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Queries against a small hand-built blob that mimics the shapes found in vmlinux BTF. */
class BtfQueriesTest {
    private static Btf btf;
    /** The fixture's bytes, for tests that need an instance of their own. */
    private static byte[] blob;

    // Type ids of the fixture, named after what they are.
    private static int intId;
    private static int unsignedId;
    private static int u32Id;
    private static int charId;
    private static int skbId;
    private static int skbPtrId;
    private static int constSkbPtrId;
    private static int skbPtrTypedefId;
    private static int constNetdevPtrId;
    private static int voidPtrId;
    private static int constCharPtrId;
    private static int charConstPtrId;
    private static int userCharPtrId;
    private static int anonStructId;
    private static int fwdUnionId;
    private static int intArrayId;
    private static int skbHandlerPtrId;
    private static int volatileConstIntId;
    private static int fwdSkbPtrId;
    private static int reasonEnumId;

    @BeforeAll
    static void buildBlob() throws BtfException {
        BtfBlobBuilder b = new BtfBlobBuilder();
        intId = b.intType("int", 4, BtfBlobBuilder.INT_SIGNED);
        unsignedId = b.intType("unsigned int", 4, 0);
        u32Id = b.typedef("u32", unsignedId);
        charId = b.intType("char", 1, BtfBlobBuilder.INT_SIGNED);
        // sk_buff refers to itself through "next", as the real one does.
        skbId = b.nextId();
        b.struct("sk_buff", 232, member("next", skbId + 1, 0), member("len", unsignedId, 64));
        skbPtrId = b.ptr(skbId);
        constSkbPtrId = b.ptr(b.constOf(skbId));
        skbPtrTypedefId = b.typedef("skb_ptr_t", skbPtrId);
        int netdevId = b.struct("net_device", 64, member("ifindex", intId, 0));
        constNetdevPtrId = b.ptr(b.constOf(netdevId));
        voidPtrId = b.ptr(0);
        constCharPtrId = b.ptr(b.constOf(charId));
        charConstPtrId = b.constOf(b.ptr(charId));
        userCharPtrId = b.ptr(b.typeTag("user", charId));
        anonStructId = b.struct("", 8, member("a", intId, 0));
        fwdUnionId = b.fwd("foo", true);
        intArrayId = b.array(intId, intId, 16);
        skbHandlerPtrId = b.ptr(b.funcProto(intId, param("", skbPtrId)));
        volatileConstIntId = b.volatileOf(b.constOf(intId));
        fwdSkbPtrId = b.ptr(b.fwd("sk_buff", false));
        int unionSkbPtrId = b.ptr(b.fwd("sk_buff", true)); // "union sk_buff *" is not an skb
        reasonEnumId = b.enum32("skb_drop_reason", false,
                enumerator("SKB_NOT_DROPPED_YET", 0),
                enumerator("SKB_DROP_REASON_NOT_SPECIFIED", 2),
                enumerator("SKB_DROP_REASON_NETFILTER_DROP", 3),
                enumerator("SKB_DROP_REASON_MAX", 3),
                enumerator("SKB_DROP_REASON_HIGH", 0xfffffff0L));
        b.enum32("skb_drop_reason", false); // a forward declaration, after the definition
        b.enum32("fwd_only_enum", false);
        b.enum32("signed_enum", true, enumerator("MINUS_ONE", -1), enumerator("ONE", 1));
        b.enum64("wide_enum", false, enumerator("BIG", 1L << 40), enumerator("ALL_ONES", -1L));

        int rcvProto = b.funcProto(intId, param("skb", skbPtrId), param("dev", constNetdevPtrId));
        b.func("my_rcv", rcvProto, LINKAGE_GLOBAL);
        b.func("extern_rcv", rcvProto, LINKAGE_EXTERN);
        b.func("two_skbs", b.funcProto(0, param("mark", u32Id), param("skb", constSkbPtrId),
                param("clone", skbPtrTypedefId)), LINKAGE_STATIC);
        b.func("takes_fwd_skb", b.funcProto(0, param("skb", fwdSkbPtrId)), LINKAGE_STATIC);
        b.func("no_skb", b.funcProto(0, param("x", intId)), LINKAGE_STATIC);
        b.func("takes_union_skb", b.funcProto(0, param("u", unionSkbPtrId)), LINKAGE_STATIC);
        b.func("no_params", b.funcProto(intId), LINKAGE_STATIC);
        b.func("my_printk", b.funcProto(intId, param("fmt", constCharPtrId), param("", 0)), LINKAGE_GLOBAL);

        // Tracepoint with names available from its iterator function, like the kernel emits.
        int tpProto = b.funcProto(0, param("", voidPtrId), param("", skbPtrId), param("", voidPtrId),
                param("", reasonEnumId));
        b.typedef("btf_trace_my_drop", b.ptr(tpProto));
        b.func("__traceiter_my_drop", b.funcProto(intId, param("__data", voidPtrId), param("skb", skbPtrId),
                param("location", voidPtrId), param("reason", reasonEnumId)), LINKAGE_STATIC);
        // Tracepoint without an iterator: types only.
        b.typedef("btf_trace_bare", b.ptr(b.funcProto(0, param("", voidPtrId), param("", u32Id))));
        // Iterator whose parameters do not match the typedef's: its names must not be borrowed.
        b.typedef("btf_trace_mismatch", b.ptr(b.funcProto(0, param("", voidPtrId), param("", intId))));
        b.func("__traceiter_mismatch", b.funcProto(intId, param("__data", voidPtrId), param("wrong", u32Id)),
                LINKAGE_STATIC);
        // Looks like a tracepoint typedef but the first parameter is not void *.
        b.typedef("btf_trace_odd", b.ptr(b.funcProto(0, param("", intId))));
        b.typedef("not_a_tracepoint", intId);
        btf = b.parse();
        blob = b.build();
    }

    @Test
    void findsTypesByNameAndKind() {
        assertEquals(Optional.of(skbId), btf.findType("sk_buff", BtfKind.STRUCT));
        assertEquals(Optional.of(fwdUnionId), btf.findType("foo", BtfKind.FWD));
        assertEquals(Optional.of(u32Id), btf.findType("u32", BtfKind.TYPEDEF));
        assertEquals(Optional.empty(), btf.findType("u32", BtfKind.STRUCT));
        assertEquals(Optional.empty(), btf.findType("nonexistent", BtfKind.STRUCT));
        assertEquals(Optional.of(reasonEnumId), btf.findType("skb_drop_reason", BtfKind.ENUM),
                "the lowest id wins when a name repeats within a kind");
    }

    @Test
    void rendersTypesLikeC() {
        assertEquals("void", btf.typeToString(0));
        assertEquals("int", btf.typeToString(intId));
        assertEquals("u32", btf.typeToString(u32Id));
        assertEquals("struct sk_buff", btf.typeToString(skbId));
        assertEquals("struct sk_buff *", btf.typeToString(skbPtrId));
        assertEquals("const struct sk_buff *", btf.typeToString(constSkbPtrId));
        assertEquals("const struct net_device *", btf.typeToString(constNetdevPtrId));
        assertEquals("void *", btf.typeToString(voidPtrId));
        assertEquals("const char *", btf.typeToString(constCharPtrId));
        assertEquals("char *const", btf.typeToString(charConstPtrId));
        assertEquals("char *", btf.typeToString(userCharPtrId), "type tags are annotations, not C");
        assertEquals("struct {...}", btf.typeToString(anonStructId));
        assertEquals("union foo", btf.typeToString(fwdUnionId));
        assertEquals("int[16]", btf.typeToString(intArrayId));
        assertEquals("int (*)(struct sk_buff *)", btf.typeToString(skbHandlerPtrId));
        assertEquals("volatile const int", btf.typeToString(volatileConstIntId));
        assertEquals("enum skb_drop_reason", btf.typeToString(reasonEnumId));
        assertEquals("struct sk_buff *", btf.typeToString(fwdSkbPtrId));
    }

    @Test
    void rejectsUnknownTypeIds() {
        assertThrows(IllegalArgumentException.class, () -> btf.typeToString(btf.typeCount() + 1));
        assertThrows(IllegalArgumentException.class, () -> btf.typeToString(-1));
    }

    @Test
    void readsFunctionParametersWithNamesAndTypes() {
        List<BtfParam> params = btf.funcParams("my_rcv");
        assertEquals(List.of(
                new BtfParam(1, "skb", skbPtrId, "struct sk_buff *"),
                new BtfParam(2, "dev", constNetdevPtrId, "const struct net_device *")), params);
        assertEquals("struct sk_buff *skb", params.get(0).declaration());
        assertEquals(List.of(), btf.funcParams("no_params"));
    }

    @Test
    void dropsTheVariadicMarker() {
        List<BtfParam> params = btf.funcParams("my_printk");
        assertEquals(1, params.size());
        assertEquals("const char *fmt", params.get(0).declaration());
    }

    @Test
    void missingFunctionIsAnErrorOrAnEmptyOptional() {
        NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> btf.funcParams("nope"));
        assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("test-blob"), e.getMessage());
        assertEquals(Optional.empty(), btf.findFuncParams("nope"));
        assertEquals(Optional.empty(), btf.findFuncParams("u32"), "a typedef is not a function");
    }

    @Test
    void findsTheSkbArgumentThroughQualifiersAndTypedefs() {
        assertEquals(OptionalInt.of(1), btf.skbArgument(btf.funcParams("my_rcv")));
        assertEquals(OptionalInt.of(1), btf.skbArgument(btf.funcParams("takes_fwd_skb")));
        assertEquals(OptionalInt.empty(), btf.skbArgument(btf.funcParams("no_skb")));
        assertEquals(OptionalInt.empty(), btf.skbArgument(btf.funcParams("takes_union_skb")));
        List<BtfParam> two = btf.funcParams("two_skbs");
        assertEquals(List.of(2, 3), btf.skbArguments(two));
        assertEquals(OptionalInt.empty(), btf.skbArgument(two), "ambiguous when there are two");
    }

    @Test
    void listsFunctionsWithSkbExceptExternDeclarations() {
        assertEquals(List.of(
                new SkbFunction("my_rcv", List.of(1)),
                new SkbFunction("two_skbs", List.of(2, 3)),
                new SkbFunction("takes_fwd_skb", List.of(1)),
                new SkbFunction("__traceiter_my_drop", List.of(2))), btf.functionsWithSkb());
    }

    @Test
    void tracepointParamsSkipTheDataPointerAndBorrowNames() {
        List<BtfParam> params = btf.tracepointParams("my_drop");
        assertEquals(List.of(
                new BtfParam(1, "skb", skbPtrId, "struct sk_buff *"),
                new BtfParam(2, "location", voidPtrId, "void *"),
                new BtfParam(3, "reason", reasonEnumId, "enum skb_drop_reason")), params);
        assertEquals(OptionalInt.of(1), btf.skbArgument(params));
    }

    @Test
    void tracepointWithoutIteratorHasUnnamedParams() {
        assertEquals(List.of(new BtfParam(1, "", u32Id, "u32")), btf.tracepointParams("bare"));
        assertEquals(List.of(new BtfParam(1, "", intId, "int")), btf.tracepointParams("mismatch"));
    }

    @Test
    void malformedOrMissingTracepoints() {
        assertThrows(IllegalStateException.class, () -> btf.tracepointParams("odd"));
        assertThrows(NoSuchElementException.class, () -> btf.tracepointParams("missing"));
        assertEquals(Optional.empty(), btf.findTracepointParams("missing"));
    }

    @Test
    void listsTracepointNamesWithoutPrefix() {
        assertEquals(List.of("bare", "mismatch", "my_drop", "odd"), btf.tracepointNames());
    }

    @Test
    void readsUnsignedEnumValuesAndKeepsTheFirstAlias() {
        Map<Long, String> values = btf.enumValues("skb_drop_reason");
        assertEquals(List.of(0L, 2L, 3L, 0xfffffff0L), List.copyOf(values.keySet()), "declaration order");
        assertEquals("SKB_DROP_REASON_NOT_SPECIFIED", values.get(2L));
        assertEquals("SKB_DROP_REASON_NETFILTER_DROP", values.get(3L));
        assertEquals("SKB_DROP_REASON_HIGH", values.get(0xfffffff0L), "unsigned 32-bit values are not sign-extended");
    }

    @Test
    void readsSignedAnd64BitEnums() {
        assertEquals(Map.of(-1L, "MINUS_ONE", 1L, "ONE"), btf.enumValues("signed_enum"));
        assertEquals(Map.of(1L << 40, "BIG", -1L, "ALL_ONES"), btf.enumValues("wide_enum"));
    }

    @Test
    void forwardDeclaredEnumIsEmptyAndMissingEnumIsAnError() {
        assertEquals(Map.of(), btf.enumValues("fwd_only_enum"));
        assertThrows(NoSuchElementException.class, () -> btf.enumValues("no_such_enum"));
        assertFalse(btf.findEnumValues("no_such_enum").isPresent());
    }

    @Test
    void scannedLookupsAnswerLikeTheNameIndex() throws BtfException {
        // A fresh instance answers its first lookups by scanning the records and builds the name
        // index only after Btf.SCANS_BEFORE_INDEX of them; listing names builds it at once.
        List<String> names = List.of("sk_buff", "foo", "u32", "skb_drop_reason", "int", "unsigned int", "my_rcv",
                "two_skbs", "__traceiter_my_drop", "btf_trace_my_drop", "nonexistent", "sk_buf", "sk_buffx",
                "", "h\u00e9llo", "sk_buff\0x", "wide_enum");
        Btf scanning = Btf.parse(java.nio.ByteBuffer.wrap(blob), "scanning");
        Btf indexed = Btf.parse(java.nio.ByteBuffer.wrap(blob), "indexed");
        indexed.tracepointNames();
        int lookups = 0;
        for (String name : names) {
            for (BtfKind kind : BtfKind.values()) {
                assertEquals(indexed.findType(name, kind), scanning.findType(name, kind), kind + " " + name);
                lookups++;
            }
            assertEquals(indexed.findFuncParams(name), scanning.findFuncParams(name), name);
        }
        assertTrue(lookups > Btf.SCANS_BEFORE_INDEX, "both ways were compared");
        Btf fresh = Btf.parse(java.nio.ByteBuffer.wrap(blob), "fresh");
        assertEquals(btf.tracepointParams("my_drop"), fresh.tracepointParams("my_drop"));
        assertEquals(btf.skbArguments(btf.funcParams("two_skbs")), fresh.skbArguments(fresh.funcParams("two_skbs")));
        assertEquals(btf.enumValues("skb_drop_reason"), fresh.enumValues("skb_drop_reason"));
    }

    @Test
    void exposesKindsAndNames() {
        assertEquals(BtfKind.VOID, btf.kind(0));
        assertEquals(BtfKind.STRUCT, btf.kind(skbId));
        assertEquals("sk_buff", btf.name(skbId));
        assertEquals("", btf.name(skbPtrId));
    }
}

package io.netcap.bpf.btf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal BTF encoder for tests: appends type records (ids handed out from 1, in call order)
 * and a deduplicated string table, then lays out header, type section and string section.
 * Every record field is a 32-bit word, so a record is kept as an int array and byte order is
 * applied only when the blob is written.
 */
final class BtfBlobBuilder {
    static final int INT_SIGNED = 1;
    static final int LINKAGE_STATIC = 0;
    static final int LINKAGE_GLOBAL = 1;
    static final int LINKAGE_EXTERN = 2;

    record Member(String name, int type, int bitOffset) {
    }

    record Param(String name, int type) {
    }

    record Enumerator(String name, long value) {
    }

    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private final Map<String, Integer> stringOffsets = new HashMap<>();
    private final List<int[]> records = new ArrayList<>();

    BtfBlobBuilder() {
        string(""); // offset 0 must be the empty string
    }

    static Member member(String name, int type, int bitOffset) {
        return new Member(name, type, bitOffset);
    }

    /**
     * A member of a struct built with {@link #structKindFlag}: as Documentation/bpf/btf.rst
     * encodes it when kind_flag is set, the bitfield size goes in the top 8 bits of the offset
     * word and the bit offset in the low 24.
     */
    static Member bitfield(String name, int type, int bitOffset, int bitSize) {
        return new Member(name, type, (bitSize << 24) | bitOffset);
    }

    static Param param(String name, int type) {
        return new Param(name, type);
    }

    static Enumerator enumerator(String name, long value) {
        return new Enumerator(name, value);
    }

    /** The id the next added record will get. */
    int nextId() {
        return records.size() + 1;
    }

    int string(String s) {
        return stringOffsets.computeIfAbsent(s, key -> {
            int offset = strings.size();
            strings.writeBytes(key.getBytes(StandardCharsets.UTF_8));
            strings.write(0);
            return offset;
        });
    }

    /** Any record, fields given exactly as stored; for malformed input. */
    int raw(int nameOffset, int kindCode, int vlen, boolean kindFlag, int sizeOrType, int... data) {
        int info = (kindFlag ? 1 << 31 : 0) | (kindCode << 24) | vlen;
        int[] words = new int[3 + data.length];
        words[0] = nameOffset;
        words[1] = info;
        words[2] = sizeOrType;
        System.arraycopy(data, 0, words, 3, data.length);
        records.add(words);
        return records.size();
    }

    private int record(String name, BtfKind kind, int vlen, boolean kindFlag, int sizeOrType, int... data) {
        return raw(string(name), kind.code(), vlen, kindFlag, sizeOrType, data);
    }

    int intType(String name, int bytes, int encoding) {
        return record(name, BtfKind.INT, 0, false, bytes, (encoding << 24) | (bytes * 8));
    }

    /**
     * An INT as a bitfield's type is described when the struct's kind_flag is 0: the encoding
     * word carries BTF_INT_OFFSET (bits 16..23) and BTF_INT_BITS (bits 0..7) of the field.
     */
    int intBits(String name, int bytes, int encoding, int bitOffset, int bits) {
        return record(name, BtfKind.INT, 0, false, bytes, (encoding << 24) | (bitOffset << 16) | bits);
    }

    int ptr(int target) {
        return record("", BtfKind.PTR, 0, false, target);
    }

    int constOf(int target) {
        return record("", BtfKind.CONST, 0, false, target);
    }

    int volatileOf(int target) {
        return record("", BtfKind.VOLATILE, 0, false, target);
    }

    int typeTag(String tag, int target) {
        return record(tag, BtfKind.TYPE_TAG, 0, false, target);
    }

    int typedef(String name, int target) {
        return record(name, BtfKind.TYPEDEF, 0, false, target);
    }

    int fwd(String name, boolean union) {
        return record(name, BtfKind.FWD, 0, union, 0);
    }

    int array(int elementType, int indexType, int length) {
        return record("", BtfKind.ARRAY, 0, false, 0, elementType, indexType, length);
    }

    int struct(String name, int size, Member... members) {
        return aggregate(BtfKind.STRUCT, name, size, members);
    }

    int union(String name, int size, Member... members) {
        return aggregate(BtfKind.UNION, name, size, members);
    }

    /** A struct with kind_flag set, whose member offsets may carry a bitfield size ({@link #bitfield}). */
    int structKindFlag(String name, int size, Member... members) {
        return aggregate(BtfKind.STRUCT, name, size, true, members);
    }

    private int aggregate(BtfKind kind, String name, int size, Member... members) {
        return aggregate(kind, name, size, false, members);
    }

    private int aggregate(BtfKind kind, String name, int size, boolean kindFlag, Member... members) {
        int[] data = new int[members.length * 3];
        for (int i = 0; i < members.length; i++) {
            data[i * 3] = string(members[i].name());
            data[i * 3 + 1] = members[i].type();
            data[i * 3 + 2] = members[i].bitOffset();
        }
        return record(name, kind, members.length, kindFlag, size, data);
    }

    int enum32(String name, boolean signed, Enumerator... values) {
        int[] data = new int[values.length * 2];
        for (int i = 0; i < values.length; i++) {
            data[i * 2] = string(values[i].name());
            data[i * 2 + 1] = (int) values[i].value();
        }
        return record(name, BtfKind.ENUM, values.length, signed, 4, data);
    }

    int enum64(String name, boolean signed, Enumerator... values) {
        int[] data = new int[values.length * 3];
        for (int i = 0; i < values.length; i++) {
            data[i * 3] = string(values[i].name());
            data[i * 3 + 1] = (int) values[i].value();
            data[i * 3 + 2] = (int) (values[i].value() >>> 32);
        }
        return record(name, BtfKind.ENUM64, values.length, signed, 8, data);
    }

    int funcProto(int returnType, Param... params) {
        int[] data = new int[params.length * 2];
        for (int i = 0; i < params.length; i++) {
            data[i * 2] = string(params[i].name());
            data[i * 2 + 1] = params[i].type();
        }
        return record("", BtfKind.FUNC_PROTO, params.length, false, returnType, data);
    }

    int func(String name, int proto, int linkage) {
        return record(name, BtfKind.FUNC, linkage, false, proto);
    }

    int variable(String name, int type) {
        return record(name, BtfKind.VAR, 0, false, type, 1);
    }

    int floatType(String name, int bytes) {
        return record(name, BtfKind.FLOAT, 0, false, bytes);
    }

    byte[] build() {
        return build(ByteOrder.LITTLE_ENDIAN);
    }

    /** Header (24 bytes), then the type section, then the string section. */
    byte[] build(ByteOrder order) {
        int typeBytes = 0;
        for (int[] words : records) {
            typeBytes += words.length * 4;
        }
        byte[] stringBytes = strings.toByteArray();
        ByteBuffer out = ByteBuffer.allocate(24 + typeBytes + stringBytes.length).order(order);
        out.putShort((short) 0xEB9F).put((byte) 1).put((byte) 0).putInt(24);
        out.putInt(0).putInt(typeBytes).putInt(typeBytes).putInt(stringBytes.length);
        for (int[] words : records) {
            for (int word : words) {
                out.putInt(word);
            }
        }
        out.put(stringBytes);
        return out.array();
    }

    Btf parse() throws BtfException {
        return Btf.parse(ByteBuffer.wrap(build()), "test-blob");
    }
}

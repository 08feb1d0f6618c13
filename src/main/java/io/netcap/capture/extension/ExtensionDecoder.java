package io.netcap.capture.extension;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netcap.bpf.ElfSections;
import io.netcap.bpf.btf.Btf;
import io.netcap.bpf.btf.BtfException;
import io.netcap.bpf.btf.BtfValueType;
import io.netcap.capture.CaptureException;
import io.netcap.pcap.PacketNote;
import io.netcap.pcap.TextColor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the bytes of an action's {@code struct xcap_user_extend}, as each event carries them, into
 * what netcap shows under the packet. The layout is the one clang chose, read from the BTF of the
 * compiled object (offsets with padding, every integer type and typedef, bool, char, enums by
 * name, arrays, char arrays as strings, nested structs and unions, bitfields); the text gives only
 * the {@code // format:} comments.
 *
 * <p>Text, one line: {@code ext: a=1 name="veth0" flags=0x10 list=[1, 2] inner={x=1 y=2}}; a
 * format comment decides a field's text. JSON: an object of typed values (numbers, true/false,
 * enum names, strings, arrays, objects) whatever the formats, which are for people.
 */
public final class ExtensionDecoder {
    /** Far above what anyone prints per packet; the event carries the struct through the ring buffer. */
    /** As netcap_ext.h asserts: clang's BPF back end zeroes at most 1024 bytes inline. */
    public static final int MAX_STRUCT_BYTES = 1024;

    private final BtfValueType.Struct struct;
    private final ExtensionSource action;
    private final TextColor color;
    /** Parsed formats by "TAG.member", each checked against its member's type. */
    private final Map<String, PrintfFormat> formats = new HashMap<>();

    private ExtensionDecoder(BtfValueType.Struct struct, ExtensionSource action, FieldFormats comments, TextColor color) {
        this.struct = struct;
        this.action = action;
        this.color = color;
        check(struct, comments, ExtensionKind.ACTION_STRUCT, 0);
    }

    /**
     * The decoder for an action compiled into {@code elf}.
     *
     * @throws CaptureException (usage) a struct netcap cannot show: too large, a field of a type
     *                          without a value (float, function), a format that does not fit its field
     */
    public static ExtensionDecoder fromObject(byte[] elf, ExtensionSource action, TextColor color) {
        BtfValueType.Struct struct;
        try {
            byte[] btf = ElfSections.find(elf, ".BTF").orElseThrow(
                    () -> new IllegalStateException("the compiled program has no BTF (is clang run with -g?)"));
            struct = Btf.parse(ByteBuffer.wrap(btf).order(ByteOrder.LITTLE_ENDIAN), "the compiled program")
                    .findStructType(ExtensionKind.ACTION_STRUCT).orElseThrow(() -> CaptureException.usage(
                            action.kind().option() + " " + action.path() + ": defines no struct "
                                    + ExtensionKind.ACTION_STRUCT + " that the program uses"));
        } catch (BtfException e) {
            throw new IllegalStateException("reading the BTF clang made: " + e.getMessage(), e);
        }
        return of(struct, action, color);
    }

    /** The decoder for this struct (as read from BTF) of this action. */
    static ExtensionDecoder of(BtfValueType.Struct struct, ExtensionSource action, TextColor color) {
        if (struct.size() > MAX_STRUCT_BYTES) {
            throw CaptureException.usage(action.kind().option() + " " + action.path() + ": struct "
                    + ExtensionKind.ACTION_STRUCT + " is " + struct.size() + " bytes; netcap sends at most "
                    + MAX_STRUCT_BYTES + " with each packet");
        }
        return new ExtensionDecoder(struct, action, FieldFormats.parse(action.text()), color);
    }

    /** The struct's layout as clang laid it out. */
    public BtfValueType.Struct struct() {
        return struct;
    }

    /** The note an event's extension bytes make. */
    public PacketNote note(byte[] bytes) {
        return new Note(bytes);
    }

    /** The text line (without its leading tab) for these bytes. */
    String text(byte[] bytes) {
        StringBuilder out = new StringBuilder("ext:");
        appendMembers(out, struct, ExtensionKind.ACTION_STRUCT, wrap(bytes), 0, true);
        return out.toString();
    }

    /** Writes the JSON object for these bytes. */
    void writeJson(JsonGenerator g, byte[] bytes) throws IOException {
        writeStruct(g, struct, wrap(bytes), 0);
    }

    private static ByteBuffer wrap(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN); // BPF on x86-64: the host's order
    }

    // ---- checks, once at start ----

    private void check(BtfValueType.Struct s, FieldFormats comments, String tag, int depth) {
        for (BtfValueType.Member m : s.members()) {
            String field = m.name().isEmpty() ? "(anonymous member)" : m.name();
            if (m.name().isEmpty() && m.type() instanceof BtfValueType.Struct inner) {
                check(inner, comments, tag, depth + 1); // its members are the outer struct's, as C names them
                continue;
            }
            BtfValueType t = m.type();
            while (t instanceof BtfValueType.Array a) {
                t = a.element();
            }
            if (t instanceof BtfValueType.Unsupported || (t instanceof BtfValueType.Int i && i.size() > 8)) {
                throw CaptureException.usage(action.kind().option() + " " + action.path() + ": field " + field + " of "
                        + structName(tag) + " is a " + m.type().cName() + ", which netcap cannot show; use an integer"
                        + " type, an enum, bool, char, an array or a struct of them");
            }
            if (t instanceof BtfValueType.Struct inner) {
                check(inner, comments, tagOf(inner, tag), depth + 1);
            }
            String text = comments.format(tag, m.name());
            if (text != null) {
                formats.put(tag + "." + m.name(), parseFormat(text, m, tag, comments.line(tag, m.name())));
            }
        }
    }

    private PrintfFormat parseFormat(String text, BtfValueType.Member m, String tag, int line) {
        String where = action.kind().option() + " " + action.path() + ":" + line + ": format \"" + text + "\" of "
                + structName(tag) + "." + m.name();
        PrintfFormat f;
        try {
            f = PrintfFormat.parse(text);
        } catch (IllegalArgumentException e) {
            throw CaptureException.usage(where + " " + e.getMessage());
        }
        boolean chars = isCharArray(m.type());
        BtfValueType scalar = m.type();
        while (scalar instanceof BtfValueType.Array a) {
            scalar = a.element();
        }
        if (f.isString() && !chars) {
            throw CaptureException.usage(where + " uses %s, which is for char arrays; " + m.name() + " is a "
                    + m.type().cName());
        }
        if (!f.isString() && scalar instanceof BtfValueType.Struct) {
            throw CaptureException.usage(where + ": " + m.name() + " is a " + m.type().cName()
                    + "; give formats to its members instead");
        }
        return f;
    }

    private static String structName(String tag) {
        return tag.isEmpty() ? "an anonymous struct" : "struct " + tag;
    }

    /**
     * The tag its format comments are filed under (see FieldFormats): "struct foo" is "foo"; an
     * anonymous struct's members count as the enclosing struct's ({@code outer}).
     */
    private static String tagOf(BtfValueType.Struct s, String outer) {
        String name = s.cName();
        if (name.startsWith("struct ") || name.startsWith("union ")) {
            String tag = name.substring(name.indexOf(' ') + 1);
            return tag.equals("{...}") ? outer : tag;
        }
        return outer; // a typedef of a struct: its tag is not in the BTF name
    }

    private static boolean isCharArray(BtfValueType t) {
        return t instanceof BtfValueType.Array a && a.element() instanceof BtfValueType.Int i && i.character();
    }

    // ---- text ----

    private void appendMembers(StringBuilder out, BtfValueType.Struct s, String tag, ByteBuffer b, long base,
                               boolean top) {
        boolean first = true;
        for (BtfValueType.Member m : flatten(s)) {
            out.append(top || !first ? " " : "").append(m.name()).append('=');
            appendValue(out, m.type(), b, base + m.bitOffset(), m.bitSize(), formats.get(tag + "." + m.name()), tag);
            first = false;
        }
    }

    private void appendValue(StringBuilder out, BtfValueType t, ByteBuffer b, long bit, int bitSize, PrintfFormat f,
                             String tag) {
        if (t instanceof BtfValueType.Array a) {
            if (isCharArray(a) && (f == null || f.isString())) {
                String s = string(b, bit, a.length());
                out.append(f == null ? quoted(s) : f.formatString(s));
                return;
            }
            out.append('[');
            for (int i = 0; i < a.length(); i++) {
                out.append(i == 0 ? "" : ", ");
                appendValue(out, a.element(), b, bit + (long) i * a.element().size() * 8, 0, f, tag);
            }
            out.append(']');
        } else if (t instanceof BtfValueType.Struct s) {
            out.append('{');
            appendMembers(out, s, tagOf(s, tag), b, bit, false);
            out.append('}');
        } else {
            long v = bits(b, bit, bitSize, t.size());
            boolean signedType = t instanceof BtfValueType.Int i ? i.signed() : t instanceof BtfValueType.Enum e && e.signed();
            out.append(f != null ? f.formatNumber(v, t.size(), signedType) : scalarText(t, v, bitSize));
        }
    }

    private static String scalarText(BtfValueType t, long v, int bitSize) {
        if (t instanceof BtfValueType.Int i) {
            if (i.bool()) {
                return v != 0 ? "true" : "false";
            }
            if (i.character()) {
                return "'" + PrintfFormat.character((int) (v & 0xff)).replace("'", "\\'") + "'";
            }
            return i.signed() ? Long.toString(signExtend(v, bitSize > 0 ? bitSize : i.size() * 8))
                    : Long.toUnsignedString(v);
        }
        if (t instanceof BtfValueType.Enum e) {
            long value = e.signed() ? signExtend(v, bitSize > 0 ? bitSize : e.size() * 8) : v;
            String name = e.names().get(value);
            return name != null ? name : Long.toString(value);
        }
        return "0x" + Long.toHexString(v); // a pointer
    }

    // ---- JSON ----

    private void writeStruct(JsonGenerator g, BtfValueType.Struct s, ByteBuffer b, long base) throws IOException {
        g.writeStartObject();
        for (BtfValueType.Member m : flatten(s)) {
            g.writeFieldName(m.name());
            writeValue(g, m.type(), b, base + m.bitOffset(), m.bitSize());
        }
        g.writeEndObject();
    }

    private void writeValue(JsonGenerator g, BtfValueType t, ByteBuffer b, long bit, int bitSize) throws IOException {
        if (t instanceof BtfValueType.Array a) {
            if (isCharArray(a)) {
                g.writeString(string(b, bit, a.length()));
                return;
            }
            g.writeStartArray();
            for (int i = 0; i < a.length(); i++) {
                writeValue(g, a.element(), b, bit + (long) i * a.element().size() * 8, 0);
            }
            g.writeEndArray();
        } else if (t instanceof BtfValueType.Struct s) {
            writeStruct(g, s, b, bit);
        } else {
            long v = bits(b, bit, bitSize, t.size());
            if (t instanceof BtfValueType.Int i) {
                if (i.bool()) {
                    g.writeBoolean(v != 0);
                } else if (i.character()) {
                    g.writeString(String.valueOf((char) (v & 0xff)));
                } else if (i.signed()) {
                    g.writeNumber(signExtend(v, bitSize > 0 ? bitSize : i.size() * 8));
                } else if (v < 0) {
                    g.writeNumber(Long.toUnsignedString(v)); // a u64 above 2^63: still a JSON number
                } else {
                    g.writeNumber(v);
                }
            } else if (t instanceof BtfValueType.Enum e) {
                long value = e.signed() ? signExtend(v, bitSize > 0 ? bitSize : e.size() * 8) : v;
                String name = e.names().get(value);
                if (name != null) {
                    g.writeString(name);
                } else {
                    g.writeNumber(value);
                }
            } else {
                g.writeString("0x" + Long.toHexString(v));
            }
        }
    }

    // ---- bytes ----

    /**
     * The members as C names them: those of an anonymous struct or union member in its place.
     * A union shows every member (they overlap, and only the program knows which one it set).
     */
    private static List<BtfValueType.Member> flatten(BtfValueType.Struct s) {
        List<BtfValueType.Member> out = new ArrayList<>();
        for (BtfValueType.Member m : s.members()) {
            if (m.name().isEmpty() && m.type() instanceof BtfValueType.Struct inner) {
                for (BtfValueType.Member im : flatten(inner)) {
                    out.add(new BtfValueType.Member(im.name(), m.bitOffset() + im.bitOffset(), im.bitSize(), im.type()));
                }
            } else if (!m.name().isEmpty()) {
                out.add(m);
            }
        }
        return out;
    }

    /**
     * The value at {@code bit} of a field of {@code size} bytes, zero-extended: a whole field, or
     * a bitfield of {@code bitSize} bits. Bytes past the end read as zero.
     */
    static long bits(ByteBuffer b, long bit, int bitSize, int size) {
        if (bitSize == 0) {
            int at = (int) (bit / 8);
            long v = 0;
            for (int i = Math.min(size, 8) - 1; i >= 0; i--) {
                v = (v << 8) | (at + i < b.limit() ? b.get(at + i) & 0xff : 0);
            }
            return v;
        }
        long v = 0;
        for (int i = 0; i < bitSize; i++) {
            long at = bit + i;
            int by = (int) (at / 8);
            int set = by < b.limit() ? (b.get(by) >> (at % 8)) & 1 : 0;
            v |= (long) set << i;
        }
        return v;
    }

    private static long signExtend(long v, int bits) {
        return bits >= 64 ? v : (v << (64 - bits)) >> (64 - bits);
    }

    /** A char array's text: up to its first NUL, every byte a character (Latin-1), as C would print it. */
    private static String string(ByteBuffer b, long bit, int length) {
        int at = (int) (bit / 8);
        int n = 0;
        while (n < length && at + n < b.limit() && b.get(at + n) != 0) {
            n++;
        }
        byte[] s = new byte[n];
        b.get(at, s);
        return new String(s, StandardCharsets.ISO_8859_1);
    }

    /** A string in double quotes, with quotes, backslashes and unprintable bytes escaped. */
    private static String quoted(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else {
                out.append(PrintfFormat.character(c));
            }
        }
        return out.append('"').toString();
    }

    /** The action's fields under one packet. */
    private final class Note implements PacketNote {
        private final byte[] bytes;

        Note(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public List<String> lines() {
            return List.of("\t" + text(bytes));
        }

        @Override
        public TextColor color() {
            return color;
        }

        @Override
        public String jsonField() {
            return "ext";
        }

        @Override
        public void writeJsonValue(JsonGenerator g) throws IOException {
            writeJson(g, bytes);
        }
    }
}

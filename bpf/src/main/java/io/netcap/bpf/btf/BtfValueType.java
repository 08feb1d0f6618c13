package io.netcap.bpf.btf;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a value of a C type looks like in memory, as BTF describes it: enough to decode the bytes
 * of a struct a BPF program filled (netcap's extension structs), with typedefs and qualifiers
 * resolved away and the name the type was declared with kept for messages. Built by
 * {@link Btf#findStructType}.
 */
public sealed interface BtfValueType {
    /** The type as written where it was used, e.g. "u32", "enum dir", "char[16]", "struct inner". */
    String cName();

    /** {@code sizeof}, in bytes. */
    int size();

    /**
     * An integer (BTF INT).
     *
     * @param signed    a signed integer type
     * @param bool      C's {@code _Bool}
     * @param character plain {@code char} (not {@code signed char} or {@code unsigned char}, which are numbers)
     */
    record Int(String cName, int size, boolean signed, boolean bool, boolean character) implements BtfValueType {
    }

    /** An enum (ENUM or ENUM64): its values by number, the first name of each. */
    record Enum(String cName, int size, boolean signed, Map<Long, String> names) implements BtfValueType {
        public Enum {
            names = Map.copyOf(names);
        }
    }

    /** A fixed-size array of {@code length} elements. */
    record Array(String cName, BtfValueType element, int length) implements BtfValueType {
        @Override
        public int size() {
            return element.size() * length;
        }
    }

    /**
     * A struct or union; anonymous inner ones appear as members named "".
     *
     * @param members in declaration order
     */
    record Struct(String cName, int size, boolean union, List<Member> members) implements BtfValueType {
        public Struct {
            members = List.copyOf(members);
        }
    }

    /**
     * One member of a struct or union.
     *
     * @param bitOffset from the start of the struct, in bits
     * @param bitSize   the width of a bitfield, 0 for an ordinary member
     */
    record Member(String name, long bitOffset, int bitSize, BtfValueType type) {
        public Member {
            Objects.requireNonNull(name);
            Objects.requireNonNull(type);
        }
    }

    /** A pointer: an address, 8 bytes on the 64-bit targets BPF has. */
    record Pointer(String cName) implements BtfValueType {
        @Override
        public int size() {
            return 8;
        }
    }

    /** A type with no value to show (a float, a function, void, a forward declaration): said, not decoded. */
    record Unsupported(String cName, int size) implements BtfValueType {
    }
}

package io.netcap.bpf.btf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The BTF string section: NUL-terminated names addressed by byte offset.
 *
 * <p>The section is bulk-copied once (scanning a byte[] for the terminator is much cheaper than
 * per-byte buffer calls), but names are decoded into Strings only when asked for. The section
 * is checked once so that every decode is known to terminate.
 */
final class BtfStrings {
    private final byte[] section;

    private BtfStrings(byte[] section) {
        this.section = section;
    }

    /** Copies the string section; it must start with the empty string and end with a NUL. */
    static BtfStrings of(ByteBuffer buffer, String source) throws BtfException {
        byte[] section = new byte[buffer.remaining()];
        buffer.duplicate().get(section);
        if (section.length == 0 || section[0] != 0) {
            throw new BtfException(source, "string section must start with an empty string");
        }
        if (section[section.length - 1] != 0) {
            throw new BtfException(source, "truncated: string section does not end with a NUL byte");
        }
        return new BtfStrings(section);
    }

    boolean isValidOffset(long offset) {
        return offset >= 0 && offset < section.length;
    }

    /**
     * Whether the string at this offset is exactly these bytes, compared in place. The offset
     * must be valid, and {@code bytes} must not contain NUL.
     */
    boolean matches(int offset, byte[] bytes) {
        if (offset + bytes.length >= section.length) {
            return false;
        }
        for (int i = 0; i < bytes.length; i++) {
            if (section[offset + i] != bytes[i]) {
                return false;
            }
        }
        return section[offset + bytes.length] == 0;
    }

    /** The string starting at this offset; offset 0 is the empty string BTF uses for "anonymous". */
    String at(int offset) {
        int end = offset;
        while (section[end] != 0) {
            end++;
        }
        return new String(section, offset, end - offset, StandardCharsets.UTF_8);
    }
}

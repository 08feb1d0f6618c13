package io.netcap.capture.program;

import java.util.Objects;

/**
 * The user-space half of a hook (netcap mbuf, netcap raw): what the probe is in and where its
 * packet is. In a {@link HookSpec} {@code binary} is as the user wrote it (null: the executable
 * of {@code pid}); in a resolved {@link Hook} it is the file libbpf attaches to.
 *
 * @param source    {@link PacketSource#MBUF} or {@link PacketSource#RAW}
 * @param binary    path of the executable or shared library, or null (spec only)
 * @param provider  the USDT provider for a USDT hook, else null
 * @param secondArg 1-based argument: the count of an array of mbufs (mbuf) or the length (raw);
 *                  0 for a single mbuf. Read as 32 bits: uint16_t and uint32_t
 *                  arguments read right (callers extend narrower ones to 32 bits, as gcc and clang do)
 * @param pid       only this process (libbpf's pid filter), or -1 for every process that maps
 *                  the binary, including ones started later
 * @param offset    a resolved uprobe: where the function starts in the binary, in bytes; else 0
 */
public record UserProbe(PacketSource source, String binary, String provider, int secondArg, int pid, long offset) {
    public UserProbe {
        Objects.requireNonNull(source);
        if (source == PacketSource.SKB) {
            throw new IllegalArgumentException("a user-space hook reads an mbuf or a raw buffer, not an skb");
        }
        if (source == PacketSource.RAW && secondArg == 0) {
            throw new IllegalArgumentException("a raw buffer needs its length argument");
        }
        if (secondArg < 0 || pid < -1 || pid == 0 || offset < 0) {
            throw new IllegalArgumentException("bad user-space hook: argument " + secondArg + ", pid " + pid);
        }
    }

    /** Whether the packet argument is an array of mbufs with a count ({@code FUNC@N@M} in mbuf). */
    public boolean array() {
        return source == PacketSource.MBUF && secondArg > 0;
    }

    /** A probe as written: binary unresolved (or null), offset not yet known. */
    public UserProbe(PacketSource source, String binary, String provider, int secondArg, int pid) {
        this(source, binary, provider, secondArg, pid, 0);
    }

    /** The same probe at a resolved place: the file libbpf attaches to, and the function's offset in it. */
    public UserProbe at(String resolvedBinary, long resolvedOffset) {
        return new UserProbe(source, resolvedBinary, provider, secondArg, pid, resolvedOffset);
    }
}

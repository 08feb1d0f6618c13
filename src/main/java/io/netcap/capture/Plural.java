package io.netcap.capture;

/** Counts in messages: "1 packet", "2 packets". */
public final class Plural {
    private Plural() {
    }

    /** {@code n} and the noun, with an "s" unless n is 1 (regular English nouns only). */
    public static String of(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}

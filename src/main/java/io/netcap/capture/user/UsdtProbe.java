package io.netcap.capture.user;

/**
 * One USDT probe site of a file, from its SystemTap SDT note (see {@link UsdtNotes}).
 *
 * @param provider  the probe's provider, e.g. {@code libc} or the application's name
 * @param name      the probe's name within the provider
 * @param pc        link-time address of the probe's NOP instruction
 * @param base      link-time address of the {@code .stapsdt.base} section the note was made
 *                  against; when the file was prelinked, the section's address now differs and
 *                  the real address is {@code pc + (.stapsdt.base sh_addr − base)}: libbpf
 *                  applies that itself
 * @param semaphore link-time address of the probe's 2-byte enable counter, 0 if it has none
 * @param arguments the argument format, one {@code SIZE@LOCATION} per argument separated by
 *                  spaces, e.g. {@code "8@%rdi -2@%si"} (a negative size is signed); empty for none
 */
public record UsdtProbe(String provider, String name, long pc, long base, long semaphore, String arguments) {
    /** How many arguments the probe passes: the space-separated items of {@link #arguments()}. */
    public int argumentCount() {
        String trimmed = arguments.strip();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }

    /** {@code provider:name}, as a user writes it after {@code usdt:}. */
    public String id() {
        return provider + ":" + name;
    }
}

package io.netcap.pcap;

import java.util.Locale;

/**
 * How packets are written to -w: the format, and how files follow one another, with tcpdump's
 * meaning of its options where netcap shares them.
 *
 * @param pcapng        write pcapng (--pcapng, or a -w name ending in .pcapng) rather than pcap
 * @param rotateBytes   -C: before writing a packet, start a new file when the current one holds
 *                      more than this many bytes (tcpdump's test: a file exceeds it by at most one
 *                      packet); 0 for no size rotation
 * @param rotateSeconds --rotate-seconds: start a new file on the first packet this many seconds or more after
 *                      the current file began; its name is the -w name through strftime; 0 for none
 * @param fileLimit     -W: with -C, at most this many files, reused in a ring; with --rotate-seconds alone,
 *                      stop after this many files; 0 for no limit
 * @param keepLast      --write-file-rotate: keep only the last this many packets and write them
 *                      to -w when the capture ends; 0 to write every packet as it comes
 * @param application   the pcapng section header's application text (netcap's version and
 *                      command line), or null
 */
public record FileOutput(boolean pcapng, long rotateBytes, int rotateSeconds, int fileLimit, int keepLast,
                         String application) {
    /** Plain pcap, one file, every packet. */
    public static final FileOutput SINGLE_PCAP = new FileOutput(false, 0, 0, 0, 0, null);

    /** @throws IllegalArgumentException naming the option and what to give instead */
    public FileOutput {
        if (rotateBytes < 0) {
            throw new IllegalArgumentException("-C: the file size must be at least 1");
        }
        if (rotateSeconds < 0) {
            throw new IllegalArgumentException("--rotate-seconds: the number of seconds must be at least 1");
        }
        if (fileLimit < 0) {
            throw new IllegalArgumentException("-W: the number of files must be at least 1");
        }
        if (keepLast < 0) {
            throw new IllegalArgumentException("--write-file-rotate: the number of packets must be at least 1");
        }
        if (fileLimit > 0 && rotateBytes == 0 && rotateSeconds == 0) {
            throw new IllegalArgumentException("-W limits the files that -C or --rotate-seconds make;"
                    + " give -C SIZE or --rotate-seconds SECONDS with it");
        }
        if (keepLast > 0 && (rotateBytes > 0 || rotateSeconds > 0)) { // fields are not set yet: no rotates()
            throw new IllegalArgumentException("--write-file-rotate keeps the last packets in one file;"
                    + " it does not go with -C, --rotate-seconds or -W");
        }
    }

    /** Whether packets go to a series of files (-C or --rotate-seconds). */
    public boolean rotates() {
        return rotateBytes > 0 || rotateSeconds > 0;
    }

    /** Whether this asks for anything beyond one plain pcap file written as packets come. */
    public boolean special() {
        return pcapng || rotates() || keepLast > 0;
    }

    /** This with pcapng chosen. */
    public FileOutput withPcapng() {
        return new FileOutput(true, rotateBytes, rotateSeconds, fileLimit, keepLast, application);
    }

    /**
     * tcpdump's -C argument in bytes: a number of millions of bytes, or a number with the unit
     * k, m or g (KiB, MiB, GiB; either case), e.g. "10", "512k".
     *
     * @throws IllegalArgumentException for anything else, 0 included, or a size beyond 2^63 bytes
     */
    public static long parseSize(String text) {
        String t = text.trim();
        long multiplier = 1_000_000L;
        if (!t.isEmpty()) {
            switch (Character.toLowerCase(t.charAt(t.length() - 1))) {
                case 'k' -> multiplier = 1024L;
                case 'm' -> multiplier = 1024L * 1024;
                case 'g' -> multiplier = 1024L * 1024 * 1024;
                default -> multiplier = 0;
            }
            if (multiplier != 0) {
                t = t.substring(0, t.length() - 1);
            } else {
                multiplier = 1_000_000L;
            }
        }
        long n;
        try {
            n = Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-C: invalid file size '" + text + "': give millions of bytes,"
                    + " or a number with k, m or g (KiB, MiB, GiB), e.g. -C 10 or -C 512k");
        }
        if (n < 1) {
            throw new IllegalArgumentException("-C: the file size must be at least 1, not '" + text + "'");
        }
        if (n > Long.MAX_VALUE / multiplier) {
            throw new IllegalArgumentException("-C: file size '" + text + "' is too large");
        }
        return n * multiplier;
    }

    /** Whether -w FILE (null: no file) is written as pcapng: asked for with --pcapng, or by the name's extension. */
    public static boolean pcapng(boolean asked, String writeFile) {
        return asked || writeFile != null && pcapngName(writeFile);
    }

    /** Whether a -w name asks for pcapng by its extension. */
    public static boolean pcapngName(String fileName) {
        return fileName.toLowerCase(Locale.ROOT).endsWith(".pcapng");
    }
}

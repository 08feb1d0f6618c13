package io.netcap.capture.program;

import io.netcap.capture.CaptureException;
import java.nio.charset.StandardCharsets;

/**
 * The run-time settings of a generated program: what the user may change without changing its
 * code, so without running clang again. They reach the kernel as {@code struct netcap_config}
 * in the object's .rodata (netcap_event.h), written by {@link KernelAbi#encodeConfig} between
 * open and load. Every check of these options is here, once; a bad value is a usage error.
 *
 * @param captureSize   bytes of each packet sent to user space, 1..65535 (-s)
 * @param stacks        record each packet's kernel stack (-S)
 * @param interfaceName only packets whose skb->dev has this name, in any namespace; null for all (-i)
 * @param netns         only packets in the network namespace with this inode; 0 for all (--netns)
 * @param skbDataOffset the packet starts at skb->data plus this, as raw IP (--skb-data); null to locate it
 * @param fakeHeaders   make up the Ethernet (and IP) header a packet does not have yet (--fake-hdr)
 * @param mbufLayout    netcap mbuf: where struct rte_mbuf keeps its fields; null until chosen
 *                      (--mbuf-layout, or from the target: see MbufLayoutChoice)
 * @param userLinkType  user-space hooks: the pcap link type of the buffers, Ethernet (1) or raw IP (101)
 * @param followMillis  --gather by address: for this long after a packet is taken at the first
 *                      hook, the later hooks take it whatever the filter, -i and --netns say
 *                      (milliseconds, 0 for off)
 */
public record ProgramConfig(int captureSize, boolean stacks, String interfaceName, long netns,
                            Integer skbDataOffset, boolean fakeHeaders, MbufLayout mbufLayout, int userLinkType,
                            int followMillis) {
    /** pcap LINKTYPE_ETHERNET and LINKTYPE_RAW, the link types a user-space buffer may have. */
    public static final int LINKTYPE_ETHERNET = 1;
    public static final int LINKTYPE_RAW = 101;

    public static final int MAX_CAPTURE_SIZE = 65535;
    /** IFNAMSIZ - 1 (include/uapi/linux/if.h): the kernel's longest device name. */
    public static final int DEVICE_NAME_MAX = 15;
    public static final int DEFAULT_CAPTURE_SIZE = 1514;
    public static final int MAX_SKB_DATA_OFFSET = 4096;

    public ProgramConfig {
        if (captureSize < 1 || captureSize > MAX_CAPTURE_SIZE) {
            throw CaptureException.usage("--capture-max-size must be between 1 and " + MAX_CAPTURE_SIZE
                    + ", not " + captureSize);
        }
        if (interfaceName != null && !isDeviceName(interfaceName)) {
            throw CaptureException.usage("-i: \"" + interfaceName + "\" is not a network device name (1.."
                    + DEVICE_NAME_MAX + " bytes, no '/' or spaces)");
        }
        if (netns < 0 || netns > 0xFFFFFFFFL) {
            throw CaptureException.usage("--netns: " + netns + " is not a namespace inode");
        }
        if (fakeHeaders && skbDataOffset != null) {
            throw CaptureException.usage("--fake-hdr and --skb-data do not go together");
        }
        if (userLinkType != LINKTYPE_ETHERNET && userLinkType != LINKTYPE_RAW) {
            throw new IllegalArgumentException("user-space buffers are Ethernet or raw IP, not link type " + userLinkType);
        }
        if (followMillis < 0) {
            throw new IllegalArgumentException("follow time " + followMillis + " ms");
        }
        if (skbDataOffset != null && Math.abs(skbDataOffset) > MAX_SKB_DATA_OFFSET) {
            throw CaptureException.usage("--skb-data-offset must be within -" + MAX_SKB_DATA_OFFSET + ".."
                    + MAX_SKB_DATA_OFFSET + ", not " + skbDataOffset);
        }
    }

    /** Settings of kernel hooks; user-space ones keep their defaults (DPDK 17.05+ mbufs, Ethernet). */
    public ProgramConfig(int captureSize, boolean stacks, String interfaceName, long netns, Integer skbDataOffset,
                         boolean fakeHeaders) {
        this(captureSize, stacks, interfaceName, netns, skbDataOffset, fakeHeaders, MbufLayout.DPDK_17_05,
                LINKTYPE_ETHERNET, 0);
    }

    /** Settings without --gather's following. */
    public ProgramConfig(int captureSize, boolean stacks, String interfaceName, long netns, Integer skbDataOffset,
                         boolean fakeHeaders, MbufLayout mbufLayout, int userLinkType) {
        this(captureSize, stacks, interfaceName, netns, skbDataOffset, fakeHeaders, mbufLayout, userLinkType, 0);
    }

    /** The defaults: 1514 bytes, no stacks, every device and namespace, headers located. */
    public static ProgramConfig defaults() {
        return new ProgramConfig(DEFAULT_CAPTURE_SIZE, false, null, 0, null, false);
    }

    /** What the kernel accepts as a device name: 1..15 bytes, no '/', no white space (dev_valid_name). */
    static boolean isDeviceName(String name) {
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        return bytes >= 1 && bytes <= DEVICE_NAME_MAX && !name.contains("/") && !name.equals(".") && !name.equals("..")
                && name.chars().noneMatch(Character::isWhitespace);
    }

    /**
     * Most bytes of a packet copied (netcap_config.copy_size): the capture size, or as far as the
     * filter can read when that is further, so that a small -s does not change what matches: a
     * filter on byte 30000 of a GSO packet matches as in tcpdump, and one that cannot be bounded
     * ({@code ip6 protochain}) sees the packet up to {@value #MAX_CAPTURE_SIZE} bytes. The program
     * copies only the filter's bytes before the filter, and the rest of the record for matches.
     * (A fixed floor of 2048 bytes made deeper filters silently match nothing.)
     *
     * @param filterExtent {@link io.netcap.filter.CompiledFilter#readExtent()}: 0 for no filter
     */
    public int copySize(long filterExtent) {
        return (int) Math.max(captureSize, Math.min(filterExtent, MAX_CAPTURE_SIZE));
    }

    public ProgramConfig withStacks(boolean stacks) {
        return new ProgramConfig(captureSize, stacks, interfaceName, netns, skbDataOffset, fakeHeaders, mbufLayout,
                userLinkType, followMillis);
    }

    /** These settings with the later hooks taking, for {@code millis}, what the first hook took (0: off). */
    public ProgramConfig withFollow(int millis) {
        return new ProgramConfig(captureSize, stacks, interfaceName, netns, skbDataOffset, fakeHeaders, mbufLayout,
                userLinkType, millis);
    }

    /** These settings for a user-space capture: this mbuf layout and link type. */
    public ProgramConfig forUserSpace(MbufLayout layout, int linkType) {
        return new ProgramConfig(captureSize, stacks, interfaceName, netns, skbDataOffset, fakeHeaders, layout, linkType,
                followMillis);
    }
}

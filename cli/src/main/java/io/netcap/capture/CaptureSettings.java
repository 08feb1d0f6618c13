package io.netcap.capture;

import io.netcap.bpf.EventTransport;
import java.nio.file.Path;

/**
 * What the user asked of a capture, independent of how the command line spelled it.
 *
 * @param count         stop after this many packets; 0 for no limit
 * @param netns         only packets in the network namespace with this inode; 0 for every namespace
 * @param skbDataOffset start packets at skb->data plus this (--skb-data); null to locate them
 * @param json          one JSON object per packet on stdout instead of tcpdump's lines
 * @param jsonBytes     include the packet bytes in hex in the JSON
 * @param fakeHeaders   make up missing Ethernet/IP headers (--fake-hdr)
 * @param transport     ring or perf buffer (--transport); null to pick what the kernel has
 */
public record CaptureSettings(String expression, String interfaceName, Path writeFile, long count,
                              String tcpdumpFlags, int captureSize, boolean stacks, int ringSizeMiB,
                              boolean dryRun, boolean debug, long netns, Integer skbDataOffset,
                              boolean json, boolean jsonBytes, boolean fakeHeaders, EventTransport transport) {
}

package io.netcap.pcap;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.HexFormat;

/**
 * One JSON object per packet per line (JSON Lines), for jq and scripts. Field names are listed
 * in the README; fields that do not apply to a packet are left out rather than null.
 */
final class JsonSink implements PacketSink {
    private final PrintWriter out;
    private final boolean bytes;
    private final JsonFactory factory = new JsonFactory();

    JsonSink(PrintWriter out, boolean bytes) {
        this.out = out;
        this.bytes = bytes;
    }

    @Override
    public void write(CapturedPacket p) throws IOException {
        JsonGenerator g = factory.createGenerator(out);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.writeStartObject();
        g.writeStringField("time", JsonTime.format(p.timestampNanos()));
        g.writeStringField("hook", p.hook());
        stringIf(g, "direction", p.direction());
        if (p.user() != null) {
            g.writeNumberField("pid", p.user().pid());
            if (p.user().port() >= 0) {
                g.writeNumberField("port", p.user().port());
            }
            g.writeStringField(p.user().addressLabel(), "0x" + Long.toHexString(p.user().address()));
        } else {
            stringIf(g, "device", p.device() == null || p.device().isEmpty() ? null : p.device());
            g.writeNumberField("ifindex", p.ifindex());
            g.writeNumberField("netns", p.netnsInode());
            g.writeStringField("skb", "0x" + Long.toHexString(p.skbAddress()));
        }
        g.writeNumberField("cpu", p.cpu());
        g.writeNumberField("len", p.wireLength());
        g.writeNumberField("caplen", p.length());
        if (p.reason() != null) {
            g.writeStringField(p.reasonLabel(), p.reason()); // drop_reason, reset_reason, ...
        }
        PacketSummary s = PacketSummary.of(p);
        g.writeStringField("link_type", LinkType.name(p.linkType()));
        if (s.etherType() != null) {
            g.writeStringField("ethertype", String.format("0x%04x", s.etherType()));
        }
        stringIf(g, "src_mac", s.srcMac());
        stringIf(g, "dst_mac", s.dstMac());
        numberIf(g, "vlan", s.vlanId());
        stringIf(g, "src_ip", s.srcIp());
        stringIf(g, "dst_ip", s.dstIp());
        stringIf(g, "protocol", s.ipProtocolName());
        numberIf(g, "src_port", s.srcPort());
        numberIf(g, "dst_port", s.dstPort());
        stringIf(g, "tcp_flags", s.tcpFlags());
        numberIf(g, "icmp_type", s.icmpType());
        numberIf(g, "icmp_code", s.icmpCode());
        // cut by the kernel (bytes it could not read), or too short for the headers it starts
        if (p.truncated() || s.truncated()) {
            g.writeBooleanField("truncated", true);
        }
        if (!p.stack().isEmpty()) {
            g.writeArrayFieldStart("stack");
            for (String frame : p.stack()) {
                g.writeString(frame);
            }
            g.writeEndArray();
        }
        for (PacketNote note : p.notes()) {
            g.writeFieldName(note.jsonField());
            note.writeJsonValue(g);
        }
        if (bytes) {
            g.writeStringField("bytes", HexFormat.of().formatHex(p.data(), p.offset(), p.offset() + p.length()));
        }
        g.writeEndObject();
        g.close();
        out.println();
    }

    private static void stringIf(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    private static void numberIf(JsonGenerator g, String name, Integer value) throws IOException {
        if (value != null) {
            g.writeNumberField(name, value);
        }
    }

    /**
     * PrintWriter (and System.out under it) swallow write errors; this asks for them, so a full
     * disk or a closed stdout is an error like -w's rather than packets reported written and lost.
     *
     * @throws IOException a write to the output failed since the last flush
     */
    @Override
    public void flush() throws IOException {
        if (out.checkError()) { // flushes first
            throw new IOException("cannot write JSON to stdout: a write failed (disk full, stdout closed,"
                    + " or its reader went away)");
        }
    }

    @Override
    public void close() throws IOException {
        flush();
    }
}

package io.netcap.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class PacketNoteTest {
    private static final PacketNote NOTE = new PacketNote() {
        @Override
        public List<String> lines() {
            return List.of("\tone", "\ttwo");
        }

        @Override
        public TextColor color() {
            return TextColor.RED;
        }

        @Override
        public String jsonField() {
            return "demo";
        }

        @Override
        public void writeJsonValue(JsonGenerator g) throws IOException {
            g.writeStartObject();
            g.writeNumberField("n", 2);
            g.writeEndObject();
        }
    };

    private static CapturedPacket packet() {
        return CapturedPacket.of(0, LinkType.ETHERNET, new byte[14]).withNotes(List.of(NOTE));
    }

    @Test
    void linesFollowTheStackAndAreColouredOnlyWhenAsked() {
        CapturedPacket p = new CapturedPacket(0, LinkType.ETHERNET, 14, new byte[14], 0, 14, "h", 0, null, 0, 0, -1,
                List.of("frame_a", "frame_b"), null, null, null, false).withNotes(List.of(NOTE));
        assertEquals(List.of("\tframe_a", "\tframe_b", "\tone", "\ttwo"), p.extraLines(false));
        assertEquals(List.of("\tframe_a", "\tframe_b", "\033[31m\tone\033[0m", "\033[31m\ttwo\033[0m"),
                p.extraLines(true));
        assertEquals(List.of(), CapturedPacket.of(0, LinkType.ETHERNET, new byte[14]).extraLines(true));
    }

    @Test
    void jsonCarriesTheNoteAsItsField() throws IOException {
        StringWriter out = new StringWriter();
        new JsonSink(new PrintWriter(out), false).write(packet());
        assertEquals(true, out.toString().contains("\"demo\":{\"n\":2}"), out.toString());
    }

    @Test
    void colourNamesParseInAnyCaseAndUnknownOnesSayTheChoices() {
        assertEquals(TextColor.PURPLE, TextColor.parse(" Purple "));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TextColor.parse("pink"));
        assertEquals("unknown colour 'pink'; choose one of red|green|yellow|blue|purple|cyan", e.getMessage());
    }

    @Test
    void aDisplayShowsTheHooksReasonFirst() {
        CapturedPacket p = new CapturedPacket(0, LinkType.ETHERNET, 14, new byte[14], 0, 14, "tp_btf:kfree_skb", 0, null,
                0, 0, -1, List.of("frame_a"), null, "drop_reason", "NETFILTER_DROP", false).withNotes(List.of(NOTE));
        assertEquals(List.of("\tdrop_reason NETFILTER_DROP", "\tframe_a", "\tone", "\ttwo"), p.displayLines(false));
        assertEquals(List.of("\tframe_a", "\tone", "\ttwo"), p.extraLines(false), "files and comments carry it apart");
    }
}

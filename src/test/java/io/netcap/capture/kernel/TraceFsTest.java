package io.netcap.capture.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TraceFsTest {
    @Test
    void parsesAFormatFile() {
        List<String> format = List.of(
                "name: kfree_skb",
                "ID: 1234",
                "format:",
                "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;",
                "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;",
                "",
                "\tfield:void * skbaddr;\toffset:8;\tsize:8;\tsigned:0;",
                "\tfield:__u8 saddr[4];\toffset:34;\tsize:4;\tsigned:0;",
                "\tfield:__data_loc char[] name;\toffset:20;\tsize:4;\tsigned:0;",
                "\tfield:enum skb_drop_reason reason;\toffset:36;\tsize:4;\tsigned:0;",
                "",
                "print fmt: \"skbaddr=%p\", REC->skbaddr");
        List<TraceFs.Field> fields = TraceFs.parseFormat(format);
        assertEquals(6, fields.size());
        assertEquals(new TraceFs.Field("void *", "skbaddr", 8, 8), fields.get(2));
        assertTrue(fields.get(2).isPointer());
        assertEquals(new TraceFs.Field("__u8", "saddr", 34, 4), fields.get(3));
        assertEquals(new TraceFs.Field("__data_loc char[]", "name", 20, 4), fields.get(4));
        assertEquals(new TraceFs.Field("enum skb_drop_reason", "reason", 36, 4), fields.get(5));
    }
}

package io.netcap.capture.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelSymbolsTest {
    @Test
    void symbolisesToTheNearestCodeSymbolBelow(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("kallsyms");
        Files.writeString(f, String.join("\n",
                "ffffffff81a00000 T icmp_rcv",
                "ffffffff81000000 T _stext",
                "ffffffff81a00400 t ip_rcv_finish.isra.0",
                "ffffffff82000000 D some_data",
                "ffffffffc0001000 t vxlan_rcv\t[vxlan]",
                ""));
        KernelSymbols s = KernelSymbols.parse(f);
        assertEquals("icmp_rcv+0x1a4", s.symbolize(0xffffffff81a001a4L));
        assertEquals("ip_rcv_finish.isra.0+0x0", s.symbolize(0xffffffff81a00400L));
        assertEquals("ip_rcv_finish.isra.0+0x5ffc00", s.symbolize(0xffffffff82000000L)); // data symbols are skipped
        assertEquals("vxlan_rcv [vxlan]+0x10", s.symbolize(0xffffffffc0001010L));
        assertEquals("0x1000", s.symbolize(0x1000L));
    }
}

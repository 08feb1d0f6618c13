package io.netcap.capture.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The -f grammar of netcap mbuf and netcap raw ({@link HookSpec#parseUserList}). */
class UserPointSpecTest {
    private static final String LIB = "/usr/lib/x86_64-linux-gnu/librte_mbuf.so.23";

    @Test
    void mbufPointsInEveryForm() {
        List<HookSpec> points = HookSpec.parseUserList("process_one, process_burst@1@2," + LIB
                + ":rte_pktmbuf_free_bulk@1@2,uprobe:/opt/app:rx@3,usdt:netcap_test:rx_mbuf@1,usdt:/opt/app:p:burst@2@1",
                PacketSource.MBUF, 4242);
        assertEquals(6, points.size());
        assertEquals(new HookSpec("process_one", HookKind.UPROBE, null, "process_one", 1, 0,
                new UserProbe(PacketSource.MBUF, null, null, 0, 4242)), points.get(0));
        assertTrue(points.get(1).user().array());
        assertEquals(2, points.get(1).user().secondArg());
        assertEquals(LIB, points.get(2).user().binary());
        assertEquals("rte_pktmbuf_free_bulk", points.get(2).name());
        assertEquals("/opt/app", points.get(3).user().binary());
        assertEquals(3, points.get(3).skbArg());
        assertEquals(new HookSpec("usdt:netcap_test:rx_mbuf@1", HookKind.USDT, null, "rx_mbuf", 1, 0,
                new UserProbe(PacketSource.MBUF, null, "netcap_test", 0, 4242)), points.get(4));
        HookSpec usdt = points.get(5);
        assertEquals("/opt/app", usdt.user().binary());
        assertEquals("p", usdt.user().provider());
        assertEquals("burst", usdt.name());
        assertEquals(2, usdt.skbArg());
        assertEquals(1, usdt.user().secondArg());
    }

    @Test
    void rawDefaultsToDataThenLength() {
        HookSpec raw = HookSpec.parseUser("process_raw", PacketSource.RAW, -1);
        assertEquals(1, raw.skbArg());
        assertEquals(2, raw.user().secondArg());
        assertEquals(-1, raw.user().pid());
        HookSpec given = HookSpec.parseUser("rx:handle@3@1", PacketSource.RAW, -1);
        assertEquals("rx", given.user().binary());
        assertEquals(3, given.skbArg());
        assertEquals(1, given.user().secondArg());
    }

    @Test
    void malformedPointsAreRefusedWithTheFormToUse() {
        assertMessage("gives the data pointer but not the length", () -> HookSpec.parseUser("f@1", PacketSource.RAW, -1));
        assertMessage("a uprobe reads arguments 1..6", () -> HookSpec.parseUser("f@7", PacketSource.MBUF, -1));
        assertMessage("numbered from 1 to 12", () -> HookSpec.parseUser("usdt:p:n@13", PacketSource.MBUF, -1));
        assertMessage("expected usdt:[TARGET:]PROVIDER:NAME@N[@M]", () -> HookSpec.parseUser("usdt:rx@1", PacketSource.MBUF, -1));
        assertMessage("is not a C name", () -> HookSpec.parseUser("/opt/app:rx-burst@1", PacketSource.MBUF, -1));
        assertMessage("empty TARGET", () -> HookSpec.parseUser(":rx@1", PacketSource.MBUF, -1));
        assertMessage("cannot be the same argument", () -> HookSpec.parseUser("f@2@2", PacketSource.MBUF, -1));
        assertMessage("given twice", () -> HookSpec.parseUserList("f@1,f@1", PacketSource.MBUF, -1));
        assertMessage("empty point", () -> HookSpec.parseUserList("f@1,", PacketSource.MBUF, -1));
        assertMessage("kprobe:ip_rcv is a kernel hook; netcap mbuf probes user-space programs: capture there with"
                + " netcap skb -f kprobe:ip_rcv", () -> HookSpec.parseUser("kprobe:ip_rcv", PacketSource.MBUF, -1));
        assertMessage("write usdt:p:rx@1@M", () -> HookSpec.parseUser("usdt:p:rx@1", PacketSource.RAW, -1));
    }

    @Test
    void theSameFunctionInTwoFilesIsTwoPoints() {
        assertEquals(2, HookSpec.parseUserList("/a:f@1,/b:f@1", PacketSource.MBUF, -1).size());
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable parse) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, parse);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}

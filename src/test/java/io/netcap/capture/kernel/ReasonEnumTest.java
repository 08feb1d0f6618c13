package io.netcap.capture.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netcap.bpf.btf.Btf;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReasonEnumTest {
    @Test
    void aReasonIsKnownByTheEnumItsFieldOrArgumentIsDeclaredWith() {
        assertEquals(Optional.of(ReasonEnum.RESET), ReasonEnum.ofType("enum sk_rst_reason"));
        assertEquals(Optional.of(ReasonEnum.RESET), ReasonEnum.ofType("const enum sk_rst_reason"));
        assertEquals(Optional.of(ReasonEnum.DROP), ReasonEnum.ofType("enum skb_drop_reason"));
        assertEquals(Optional.of(new ReasonEnum("qdisc_drop_reason")), ReasonEnum.ofType("enum qdisc_drop_reason"));
        for (String other : List.of("int", "u32", "enum skb_drop_reason *", "enum skb_drop_reason_subsys",
                "const struct sk_buff *", "enum tcp_state")) {
            assertEquals(Optional.empty(), ReasonEnum.ofType(other), other);
        }
    }

    @Test
    void eachKindOfReasonHasItsOwnLabel() {
        assertEquals("drop_reason", ReasonEnum.DROP.label());
        assertEquals("reset_reason", ReasonEnum.RESET.label());
        assertEquals("qdisc_drop_reason", new ReasonEnum("qdisc_drop_reason").label());
    }

    /** The fault this guards against: a reset reason's number looked up among the drop reasons. */
    @Test
    void theSameNumberIsNamedByItsOwnEnum() throws Exception {
        assumeTrue(Files.isReadable(Btf.VMLINUX), "needs the kernel's BTF");
        Btf btf = Btf.vmlinux();
        assumeTrue(btf.findEnumValues("sk_rst_reason").isPresent(), "this kernel has no enum sk_rst_reason");
        long noSocket = valueOf(btf.enumValues("sk_rst_reason"), "SK_RST_REASON_NO_SOCKET");
        ReasonNames names = ReasonNames.from(btf, List.of(ReasonEnum.RESET, ReasonEnum.DROP));
        assertEquals("NO_SOCKET", names.name(ReasonEnum.RESET, noSocket));
        assertNotEquals("NO_SOCKET", names.name(ReasonEnum.DROP, noSocket));
        long dropNoSocket = valueOf(btf.enumValues("skb_drop_reason"), "SKB_DROP_REASON_NO_SOCKET");
        assertEquals("NO_SOCKET", names.name(ReasonEnum.DROP, dropNoSocket));
        assertEquals("4294967295", names.name(ReasonEnum.RESET, 0xffffffffL), "values BTF does not name show as numbers");
    }

    private static long valueOf(Map<Long, String> values, String name) {
        return values.entrySet().stream().filter(e -> e.getValue().equals(name)).mapToLong(Map.Entry::getKey)
                .findFirst().orElseThrow(() -> new AssertionError(name + " not in " + values));
    }
}

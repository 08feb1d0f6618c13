package io.netcap.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PrivilegesTest {
    @Test
    void theEffectiveUidIsTheSecondUidField() {
        String status = "Name:\tjava\nUmask:\t0022\nUid:\t1000\t0\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\n";
        assertEquals(0, Privileges.effectiveUid(status));
        assertEquals(1000, Privileges.effectiveUid(status.replace("\t0\t", "\t1000\t")));
    }

    @Test
    void agreesWithTheUserNameJavaSees() {
        // root's name is fixed; any other user must not be reported as root.
        boolean javaThinksRoot = "root".equals(System.getProperty("user.name"));
        assertEquals(javaThinksRoot, Privileges.isRoot());
    }

    @Test
    void statusWithoutUidIsAnError() {
        assertThrows(IllegalStateException.class, () -> Privileges.effectiveUid("Name:\tx\n"));
    }
}

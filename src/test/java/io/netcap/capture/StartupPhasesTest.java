package io.netcap.capture;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StartupPhasesTest {
    @AfterEach
    void forget() {
        StartupPhases.reset();
    }

    @Test
    void eachPhaseIsTheTimeSinceThePreviousOneInOrder() throws Exception {
        assertNull(StartupPhases.summary(), "nothing without main");
        StartupPhases.mainStarted();
        Thread.sleep(20);
        StartupPhases.mark("filter");
        StartupPhases.mark("compile", "cached");
        String s = StartupPhases.summary();
        assertTrue(s.matches("jvm \\d+ ms, filter (1[5-9]|[2-9]\\d|\\d{3,}) ms, compile \\d+ ms \\(cached\\); ready after \\d+ ms"), s);
    }
}

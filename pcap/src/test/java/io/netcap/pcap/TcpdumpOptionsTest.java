package io.netcap.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TcpdumpOptionsTest {

    private static TcpdumpOptions check(String flags) {
        return TcpdumpOptions.check(ShellWords.split(flags));
    }

    private static String rejection(String flags) {
        return assertThrows(IllegalArgumentException.class, () -> check(flags)).getMessage();
    }

    @Test
    void ordinaryDisplayFlagsPass() {
        assertFalse(check("").numbered());
        assertFalse(check("-nnvv -e -x -A -X -q -tttt --nano -K -S").numbered());
        // option arguments, attached or separate, are not mistaken for operands
        assertFalse(check("-s 100 -s100 -T snmp -Tsnmp -nT snmp -j adapter -y EN10MB").numbered());
        assertFalse(check("--snapshot-length 100 --snapshot-length=100 --time-stamp-precision nano").numbered());
        assertFalse(check("-Z root --relinquish-privileges root --").numbered());
    }

    @Test
    void numberingIsDetectedInEveryForm() {
        assertTrue(check("-#").numbered());
        assertTrue(check("-nn#v").numbered());
        assertTrue(check("--number").numbered());
        assertTrue(check("--num").numbered()); // getopt_long accepts unique prefixes
        assertFalse(check("-s #").numbered()); // '#' is the argument of -s here
    }

    @Test
    void filterExpressionsAreRejected() {
        assertEquals("tcpdump flags must be options only, found 'port': give packet filter "
                + "expressions to netcap, which applies them in the kernel", rejection("-nn port 80"));
        assertTrue(rejection("-nn -- tcp").contains("found 'tcp'"));
        assertTrue(rejection("-").contains("found '-'"));
    }

    @Test
    void optionsThatBreakTheDisplayAreRejected() {
        assertTrue(rejection("-c 10").startsWith("tcpdump option -c (in '-c') is not supported here"));
        assertTrue(rejection("-nnc5").contains("-c (in '-nnc5')"));
        assertTrue(rejection("-w /tmp/x.pcap").contains("-w"));
        assertTrue(rejection("-r file").contains("-r"));
        assertTrue(rejection("-F filter.txt").contains("-F"));
        assertTrue(rejection("-D").contains("-D"));
        assertTrue(rejection("--count").contains("--count"));
        assertTrue(rejection("--vers").contains("--version"));
    }

    @Test
    void unknownOptionsAreLeftForTcpdump() {
        assertFalse(TcpdumpOptions.check(List.of("--no-such-option", "-k")).numbered());
    }
}

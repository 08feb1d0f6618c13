package io.netcap.cli.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CompletionScriptTest {
    @Test
    void theLiveOptionsAreFoundInTheModelUnderEveryNameOfEverySubcommandThatHasThem() {
        Map<String, String> live = CompletionScript.liveOptions(DocsGenerator.model().getCommandSpec());
        for (String sub : new String[] {"skb", "dump", "backtrace"}) {
            assertEquals("hooks", live.get(sub + " -f"), live.toString());
            assertEquals("hooks", live.get(sub + " --function"), live.toString());
            assertEquals("devices", live.get(sub + " -i"), live.toString());
            assertEquals("devices", live.get(sub + " --interface"), live.toString());
            assertEquals("netns", live.get(sub + " --netns"), live.toString());
        }
        // mbuf and raw -f name functions of a user-space program, not kernel hooks
        assertTrue(!live.containsKey("mbuf -f") && !live.containsKey("raw -f"), live.toString());
    }

    @Test
    void theScriptIsPicocliPlusTheLivePartWithTheGeneratedTablesAndHandsOverToPicocli() {
        String script = CompletionScript.of(DocsGenerator.model());
        assertTrue(script.contains("function _complete_netcap()"), "picocli's part");
        assertTrue(script.contains("_netcap_subcommands=( skb dump backtrace mbuf raw list help )"), script);
        assertTrue(script.contains("  [\"skb -f\"]=hooks\n"), script);
        // netcap's function is the one registered last, and calls picocli's for everything else
        assertTrue(script.strip().endsWith("complete -F _netcap_complete -o default netcap"), script);
        assertTrue(script.contains("_complete_netcap \"$@\""), script);
    }
}

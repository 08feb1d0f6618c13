package io.netcap.capture.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
    @Test
    void distanceIsLevenshtein() {
        assertEquals(0, Suggestions.distance("abc", "abc"));
        assertEquals(1, Suggestions.distance("abc", "abd"));
        assertEquals(3, Suggestions.distance("kitten", "sitting"));
        assertEquals(4, Suggestions.distance("", "four"));
    }

    @Test
    void suggestsCloseNamesFirst() {
        List<String> names = List.of("net:netif_receive_skb", "net:netif_rx", "net:net_dev_queue", "skb:kfree_skb");
        List<String> got = Suggestions.closest("net:netif_recieve_skb", names, 3);
        assertEquals("net:netif_receive_skb", got.get(0));
        assertTrue(Suggestions.closest("zzzzzzzz", names, 3).isEmpty());
        assertEquals("; did you mean a, b?", Suggestions.didYouMean(List.of("a", "b")));
    }
}

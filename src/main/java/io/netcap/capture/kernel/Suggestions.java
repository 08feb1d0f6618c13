package io.netcap.capture.kernel;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** "Did you mean" candidates for a mistyped hook name, by edit distance. */
public final class Suggestions {
    private Suggestions() {
    }

    public static List<String> closest(String wrong, Collection<String> names, int max) {
        int limit = Math.max(2, wrong.length() / 3);
        return names.stream()
                .map(n -> new Object[] {n, distance(wrong, n)})
                .filter(p -> (int) p[1] <= limit || ((String) p[0]).contains(wrong))
                .sorted(Comparator.comparingInt((Object[] p) -> (int) p[1]).thenComparing(p -> (String) p[0]))
                .limit(max)
                .map(p -> (String) p[0])
                .toList();
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    public static String didYouMean(List<String> candidates) {
        return candidates.isEmpty() ? "" : "; did you mean " + String.join(", ", candidates) + "?";
    }
}

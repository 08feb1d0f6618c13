package io.netcap.bpf.btf;

import java.util.List;

/**
 * A kernel function that receives at least one {@code struct sk_buff *}.
 *
 * @param name    the function's symbol name
 * @param skbArgs 1-based positions of every {@code struct sk_buff *} parameter, ascending
 */
public record SkbFunction(String name, List<Integer> skbArgs) {
    public SkbFunction {
        skbArgs = List.copyOf(skbArgs);
    }
}

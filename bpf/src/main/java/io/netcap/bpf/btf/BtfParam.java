package io.netcap.bpf.btf;

/**
 * One parameter of a function or tracepoint as BTF describes it.
 *
 * @param index    1-based position, the way BPF programs number arguments (ctx[index - 1])
 * @param name     the parameter name, or "" when the kernel did not record one
 * @param typeId   BTF type id of the parameter's type
 * @param typeName C-like rendering of that type, e.g. "struct sk_buff *"
 */
public record BtfParam(int index, String name, int typeId, String typeName) {

    /** The parameter as it would read in a C prototype, e.g. "struct sk_buff *skb" or "u32 mark". */
    public String declaration() {
        if (name.isEmpty()) {
            return typeName;
        }
        return typeName.endsWith("*") ? typeName + name : typeName + " " + name;
    }
}

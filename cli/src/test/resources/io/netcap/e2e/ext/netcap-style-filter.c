/*
 * In the shape of netcap's own published filter example (doc/example/ext_filter): the announcement's
 * function name, a bpf_trace_printk call as netcap's examples make it, every packet kept.
 */

// Returning 0 drops the packet.
static inline int xcap_user_filter(void *ext, void *pkt, u16 trace_index)
{
    bpf_trace_printk("netcap test filter at hook %d\n", trace_index);
    return 1;
}

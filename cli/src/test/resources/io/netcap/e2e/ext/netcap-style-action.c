/*
 * In the shape of netcap's own published action example (doc/example/ext_action): C99 and
 * kernel integer types, one field per line, printf-style format comments, constants filled in,
 * a bpf_trace_printk call as netcap's examples make it.
 */
struct  xcap_user_extend {
    int         magic;  // format: 0x%x
    uint32_t    count; //

    int64_t     total;
    uint8_t       letter; // format: %c
    uint8_t       flags; // format: 0x%x
    uint16_t      port; // format: 0x%x
};

// Returning 0 means: do not show this packet
static inline int xcap_user_action(void *ext, void *pkt, u32 pkt_len, struct xcap_user_extend *user, u16 trace_index)
{
    user->magic = 0x5eed;
    user->count = 2024;
    user->total = -7000000000LL;
    user->letter = 'N';
    user->flags = 0x21;
    user->port = 0xbeef;
    bpf_trace_printk("netcap test action, struct of %d bytes, hook %d\n", sizeof(struct xcap_user_extend), trace_index);

    return 1;
}

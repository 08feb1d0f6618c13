/*
 * The extra argument of -f tp_btf:kfree_skb@1@3 is the tracepoint's third argument, its enum
 * skb_drop_reason: ext carries its value, which the struct keeps as the kernel's own enum.
 */
struct xcap_user_extend {
	enum skb_drop_reason reason;
	u16 hook;
};

static inline int xcap_ext_action(void *ext, void *pkt, u32 pkt_len, struct xcap_user_extend *user, u16 trace_index)
{
	user->reason = (enum skb_drop_reason)(long)ext;
	user->hook = trace_index;
	return 1;
}

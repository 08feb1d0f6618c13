/* -f ip_rcv@1@2: ext is ip_rcv's second argument, the struct net_device * the packet came in on. */
struct xcap_user_extend {
	char dev[16];
	u16 hook;
};

static inline int xcap_ext_action(void *ext, void *pkt, u32 pkt_len, struct xcap_user_extend *user, u16 trace_index)
{
	struct net_device *dev = ext;

	BPF_CORE_READ_STR_INTO(&user->dev, dev, name);
	user->hook = trace_index;
	return 1;
}

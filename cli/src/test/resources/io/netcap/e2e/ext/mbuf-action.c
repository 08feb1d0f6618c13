/* netcap mbuf: the mbuf's pkt_len (byte 36) and port (byte 22), DPDK 17.05+'s layout. */
struct xcap_user_extend {
	u32 pkt_len;
	u16 port;
	u16 hook;
	u64 mbuf;                  // format: %p
};

static inline int xcap_ext_action(void *ext, void *pkt, u32 pkt_len, struct xcap_user_extend *user, u16 trace_index)
{
	bpf_probe_read_user(&user->pkt_len, sizeof(user->pkt_len), (char *)pkt + 36);
	bpf_probe_read_user(&user->port, sizeof(user->port), (char *)pkt + 22);
	user->hook = trace_index;
	user->mbuf = (u64)pkt;
	return 1;
}

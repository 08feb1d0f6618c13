/* netcap raw: pkt is the buffer's data pointer in the probed process, pkt_len its length. */
struct xcap_user_extend {
	u8 dst[6];                 // format: %02x
	u8 src[6];                 // format: %02x
	u32 len;
};

static inline int xcap_ext_action(void *ext, void *pkt, u32 pkt_len, struct xcap_user_extend *user, u16 trace_index)
{
	if (bpf_probe_read_user(user->dst, sizeof(user->dst), pkt)
	    || bpf_probe_read_user(user->src, sizeof(user->src), (char *)pkt + 6))
		return 0;
	user->len = pkt_len;
	return 1;
}

/*
 * netcap mbuf: pkt is the struct rte_mbuf *, in the probed process's memory (read with
 * bpf_probe_read_user). DPDK's layout since 17.05 has pkt_len at byte 36.
 */
static inline int xcap_ext_filter(void *ext, void *pkt, u16 trace_index)
{
	u32 len = 0;

	bpf_probe_read_user(&len, sizeof(len), (char *)pkt + 36);
	return len > 100;
}

/*
 * netcap --ext-filter example: keep only packets whose skb->mark is 42 (0x2a), as a firewall
 * rule sets it, e.g.
 *
 *   iptables -t mangle -A OUTPUT -p udp --dport 9 -j MARK --set-mark 42
 *   netcap skb -f tracepoint:net:net_dev_queue -e udp --ext-filter docs/ext-filter-mark.c
 *
 * The filter runs in the kernel after the tcpdump expression (-e), for each packet it matched;
 * returning 0 drops the packet. pkt is the struct sk_buff * at skb and dump hooks. Kernel
 * structs are read with BPF_CORE_READ, which works at every kind of hook (tracepoint, tp_btf,
 * raw_tp, kprobe, fentry) and on every kernel, whatever its struct layout.
 */
#define WANTED_MARK 42

static inline int xcap_ext_filter(void *ext, void *pkt, u16 trace_index)
{
	struct sk_buff *skb = pkt;

	return BPF_CORE_READ(skb, mark) == WANTED_MARK;
}

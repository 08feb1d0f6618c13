/*
 * netcap --ext-action example: fills a struct with one field of each kind netcap shows, from
 * the skb of each UDP packet, e.g.
 *
 *   netcap skb -f tracepoint:net:net_dev_queue -e udp --ext-action docs/ext-action-fields.c
 *
 * netcap prints the fields under each packet's tcpdump line, "ext: proto=17 len=45 ...", and in
 * --json as an "ext" object. It reads the struct's layout from the BTF clang emits, so any
 * integer type, bool, char, enum, array or nested struct may be used, in any order; a
 * "// format: ..." comment after a field says how to print it (printf-style).
 * The action returns 0 to drop the packet, anything else to keep it.
 */
enum ext_pkt_type {
	EXT_PACKET_HOST = 0,      /* to or from this host */
	EXT_PACKET_BROADCAST = 1,
	EXT_PACKET_MULTICAST = 2,
	EXT_PACKET_OTHERHOST = 3,
	EXT_PACKET_OUTGOING = 4,
};

struct ext_ip {
	u8 ttl;
	u8 ihl;                    // format: %u words
	u16 id;                    // format: 0x%04x
};

struct xcap_user_extend {
	u8 proto;                  /* the IP protocol; clang puts 7 bytes of padding after it */
	u64 len;                   /* skb->len */
	int slack;                 /* pkt_len - 1500: negative below the usual MTU */
	enum ext_pkt_type type;    /* printed by name */
	char dev[16];              /* the device name, printed as a string */
	u32 mark;                  // format: 0x%x
	u16 ports[2];              /* UDP source and destination port */
	bool udp;
	char first;                // format: %c
	struct ext_ip ip;          /* a nested struct */
	uint32_t ifindex;
	unsigned int hook;         /* trace_index: the hook's place in -f */
};

static inline int xcap_ext_action(void *ext, void *pkt, u32 pkt_len, struct xcap_user_extend *user,
				  u16 trace_index)
{
	struct sk_buff *skb = pkt;
	unsigned char *head = BPF_CORE_READ(skb, head);
	struct iphdr ip = {};
	struct udphdr udp = {};

	if (bpf_probe_read_kernel(&ip, sizeof(ip), head + BPF_CORE_READ(skb, network_header)))
		return 0; /* no IP header where the skb says: do not show the packet */
	user->proto = ip.protocol;
	user->len = BPF_CORE_READ(skb, len);
	user->slack = (int)pkt_len - 1500;
	user->type = BPF_CORE_READ_BITFIELD_PROBED(skb, pkt_type);
	BPF_CORE_READ_STR_INTO(&user->dev, skb, dev, name);
	user->mark = BPF_CORE_READ(skb, mark);
	user->ip.ttl = ip.ttl;
	user->ip.ihl = ip.ihl;
	user->ip.id = bpf_ntohs(ip.id);
	user->ifindex = BPF_CORE_READ(skb, dev, ifindex);
	user->hook = trace_index;
	if (ip.protocol == IPPROTO_UDP) {
		unsigned char *l4 = head + BPF_CORE_READ(skb, network_header) + ip.ihl * 4;

		if (bpf_probe_read_kernel(&udp, sizeof(udp), l4) == 0) {
			user->udp = true;
			user->ports[0] = bpf_ntohs(udp.source);
			user->ports[1] = bpf_ntohs(udp.dest);
			bpf_probe_read_kernel(&user->first, 1, l4 + sizeof(udp));
		}
	}
	return 1;
}

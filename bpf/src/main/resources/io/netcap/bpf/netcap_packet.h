/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What every netcap program does with an skb before deciding what to do with it: check the
 * device name (-i) and network namespace (--netns), find where the packet starts, copy it to a
 * per-CPU scratch buffer and run the tcpdump filter on the copy.
 *
 * The including file defines, before including this: NETCAP_COPY_SIZE, NETCAP_IFNAME_SET and
 * netcap_ifname[], NETCAP_NETNS, NETCAP_SKB_DATA and NETCAP_SKB_DATA_OFFSET, and the filter
 * functions' names NETCAP_FILTER_L2 / NETCAP_FILTER_L3 (their _len forms are called).
 */
#ifndef NETCAP_PACKET_H
#define NETCAP_PACKET_H

/* The filter reads anywhere up to 0xFFFF in its buffer, so the buffer is a full 64 KiB. */
#define NETCAP_FILTER_WINDOW 0x10000
_Static_assert(NETCAP_COPY_SIZE <= 0xFFFF, "copy size");

struct netcap_scratch {
	struct netcap_event ev;
	__u8 data[NETCAP_FILTER_WINDOW];
};

/*
 * One scratch record per CPU. An ARRAY indexed by CPU rather than a PERCPU_ARRAY because
 * per-CPU values are limited to 32 KiB. max_entries is set to the number of possible CPUs
 * before load.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct netcap_scratch);
} netcap_scratch SEC(".maps");

/* Per hook, per CPU: seen / matched / lost / unlocated. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NETCAP_HOOK_COUNT);
	__type(key, __u32);
	__type(value, struct netcap_counters);
} netcap_stats SEC(".maps");

/* Keeps clang from folding a bounds check into a form the verifier cannot follow. */
#define netcap_barrier_var(v) asm volatile("" : "+r"(v))

/* Where a matched packet is and what it is. */
struct netcap_packet {
	struct net_device *dev;
	unsigned char *start;
	__s64 wire;       /* length from start to the end of the packet */
	__u32 copied;     /* bytes of it in scratch->data */
	__u32 netns;
	__u16 link;       /* NETCAP_LINKTYPE_* */
};

static __always_inline int netcap_ifname_matches(const char *name)
{
#pragma unroll
	for (int i = 0; i < NETCAP_DEVNAME_LEN; i++) {
		if (name[i] != netcap_ifname[i])
			return 0;
		if (name[i] == 0)
			return 1;
	}
	return 1;
}

static __always_inline __u32 netcap_netns(struct net_device *dev, struct sk_buff *skb)
{
	struct net *net = 0;

	if (dev)
		net = BPF_CORE_READ(dev, nd_net.net);
	if (!net) {
		struct sock *sk = BPF_CORE_READ(skb, sk);
		if (sk)
			net = BPF_CORE_READ(sk, __sk_common.skc_net.net);
	}
	return net ? BPF_CORE_READ(net, ns.inum) : 0;
}

/*
 * Finds where the packet starts: at the MAC header when the skb has an Ethernet one, else at
 * the network header (raw IP), else at skb->data; with --skb-data at skb->data + offset. Never
 * at skb->head: headroom is not packet. *linear is what can be copied (the skb's linear part).
 */
static __always_inline int netcap_locate(struct sk_buff *skb, struct netcap_packet *p, __s64 *linear)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	unsigned char *data = BPF_CORE_READ(skb, data);
	__u16 mac = BPF_CORE_READ(skb, mac_header);
	__u16 nh = BPF_CORE_READ(skb, network_header);
	__u32 len = BPF_CORE_READ(skb, len);
	__u32 data_len = BPF_CORE_READ(skb, data_len);
	struct net_device *dev = p->dev; /* a plain local: BPF_CORE_READ must not relocate p->dev */
	unsigned short devtype = dev ? BPF_CORE_READ(dev, type) : ARPHRD_ETHER;
	int ethernet = devtype == ARPHRD_ETHER || devtype == ARPHRD_LOOPBACK;

	if (!head || !data)
		return 0;
	if (NETCAP_SKB_DATA) {
		p->start = data + NETCAP_SKB_DATA_OFFSET;
		p->link = NETCAP_SKB_DATA_LINK;
	} else if (mac != 0xFFFF && ethernet && (nh == 0xFFFF || nh >= mac + 14)) {
		/* (u16)~0 means "not set"; an Ethernet header needs 14 bytes before the network header. */
		p->start = head + mac;
		p->link = NETCAP_LINKTYPE_ETHERNET;
	} else if (ethernet && nh != 0xFFFF && data + 14 == head + nh) {
		/*
		 * No MAC header recorded yet, but data sits exactly one Ethernet header before the
		 * network header: the TX path has built the header (e.g. at the entry of
		 * __dev_queue_xmit, before it resets mac_header).
		 */
		p->start = data;
		p->link = NETCAP_LINKTYPE_ETHERNET;
	} else if (nh != 0xFFFF) {
		p->start = head + nh;
		p->link = NETCAP_LINKTYPE_RAW;
	} else {
		p->start = data;
		p->link = NETCAP_LINKTYPE_RAW;
	}
	__s64 delta = (__s64)(data - p->start); /* bytes between the start and skb->data (may be < 0) */
	*linear = (__s64)(len - data_len) + delta;
	p->wire = (__s64)len + delta;
	return *linear > 0 && p->wire > 0;
}

/*
 * Runs -i, --netns and the filter on an skb. Returns 1 when it matches, with the packet copied
 * to s->data, the device name in s->ev.dev and *p filled; counts what it sees in *cnt.
 */
static __always_inline int netcap_match(struct sk_buff *skb, struct netcap_scratch *s,
					struct netcap_counters *cnt, struct netcap_packet *p)
{
	__s64 linear = 0;
	__u32 n, match;

	struct net_device *dev = BPF_CORE_READ(skb, dev);

	p->dev = dev;
	__builtin_memset(s->ev.dev, 0, NETCAP_DEVNAME_LEN);
	if (dev)
		bpf_probe_read_kernel(s->ev.dev, NETCAP_DEVNAME_LEN, dev->name);
	if (NETCAP_IFNAME_SET && !netcap_ifname_matches(s->ev.dev))
		return 0;
	p->netns = netcap_netns(dev, skb);
	if (NETCAP_NETNS && p->netns != NETCAP_NETNS)
		return 0;

	if (!netcap_locate(skb, p, &linear)) {
		cnt->unlocated++;
		return 0;
	}
	n = linear < NETCAP_COPY_SIZE ? (__u32)linear : NETCAP_COPY_SIZE;
	netcap_barrier_var(n);
	if (n > NETCAP_COPY_SIZE)
		return 0;
	if (bpf_probe_read_kernel(s->data, n, p->start)) {
		cnt->unlocated++;
		return 0;
	}
	p->copied = n;

	if (p->link == NETCAP_LINKTYPE_ETHERNET)
		match = NETCAP_FILTER_L2_LEN(s->data, s->data + n, (__u32)p->wire);
	else
		match = NETCAP_FILTER_L3_LEN(s->data, s->data + n, (__u32)p->wire);
	if (!match)
		return 0;
	cnt->matched++;
	return 1;
}

/* Reads a u32 tracepoint field at a constant offset, or 0 when the hook has none (off < 0). */
#define NETCAP_TP_FIELD_U32(ctx, off) \
	((off) >= 0 ? *(__u32 *)((char *)(ctx) + ((off) < 0 ? 0 : (off))) : 0)
/* Reads a BTF-typed argument as u32, or 0 when the hook has none (i < 0). */
#define NETCAP_ARG_U32(args, i) ((i) >= 0 ? (__u32)(args)[(i) < 0 ? 0 : (i)] : 0)

#endif

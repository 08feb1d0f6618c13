/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netcap's capture program. io.netcap.bpf.CaptureProgramGenerator fills the named slots:
 * constants, the filter functions translated from the tcpdump expression, and one small
 * program per hook (hook_*.bpf.c.in), each of which finds the skb and calls netcap_capture().
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "netcap_kernel.h"
#include "netcap_event.h"

char LICENSE[] SEC("license") = "GPL";

#define NETCAP_CAPTURE_SIZE @@CAPTURE_SIZE@@ /* bytes of each packet sent to user space */
#define NETCAP_COPY_SIZE    @@COPY_SIZE@@    /* bytes copied for the filter to look at */
#define NETCAP_HOOK_COUNT   @@HOOK_COUNT@@
#define NETCAP_STACKS       @@STACKS@@       /* 1: record the kernel stack of each packet */
#define NETCAP_IFNAME_SET   @@IFNAME_SET@@   /* 1: only packets whose skb->dev->name is NETCAP_IFNAME */
static const char netcap_ifname[NETCAP_DEVNAME_LEN] = @@IFNAME_BYTES@@;

/* The filter reads anywhere up to 0xFFFF in its buffer, so the buffer is a full 64 KiB. */
#define NETCAP_FILTER_WINDOW 0x10000
_Static_assert(NETCAP_COPY_SIZE <= 0xFFFF && NETCAP_CAPTURE_SIZE <= NETCAP_COPY_SIZE, "sizes");

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

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24); /* resized before load */
} netcap_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NETCAP_HOOK_COUNT);
	__type(key, __u32);
	__type(value, struct netcap_counters);
} netcap_stats SEC(".maps");

#if NETCAP_STACKS
struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 16384);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 127 * sizeof(__u64));
} netcap_stacks SEC(".maps");
#endif

/* Keeps clang from folding a bounds check into a form the verifier cannot follow. */
#define netcap_barrier_var(v) asm volatile("" : "+r"(v))

/* ---- filter functions translated from the tcpdump expression ---- */
@@FILTER_FUNCTIONS@@
/* ---- end of filter functions ---- */

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
 * the network header (raw IP), else at skb->data. Never at skb->head: headroom is not packet.
 */
static __always_inline int netcap_locate(struct sk_buff *skb, struct net_device *dev,
					 unsigned char **start, __s64 *linear, __s64 *wire, __u16 *link)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	unsigned char *data = BPF_CORE_READ(skb, data);
	__u16 mac = BPF_CORE_READ(skb, mac_header);
	__u16 nh = BPF_CORE_READ(skb, network_header);
	__u32 len = BPF_CORE_READ(skb, len);
	__u32 data_len = BPF_CORE_READ(skb, data_len);
	unsigned short devtype = dev ? BPF_CORE_READ(dev, type) : ARPHRD_ETHER;
	int ethernet = devtype == ARPHRD_ETHER || devtype == ARPHRD_LOOPBACK;

	if (!head || !data)
		return 0;
	/* (u16)~0 means "not set"; an Ethernet header needs 14 bytes before the network header. */
	if (mac != 0xFFFF && ethernet && (nh == 0xFFFF || nh >= mac + 14)) {
		*start = head + mac;
		*link = NETCAP_LINKTYPE_ETHERNET;
	} else if (nh != 0xFFFF) {
		*start = head + nh;
		*link = NETCAP_LINKTYPE_RAW;
	} else {
		*start = data;
		*link = NETCAP_LINKTYPE_RAW;
	}
	__s64 delta = (__s64)(data - *start); /* bytes between the start and skb->data (may be < 0) */
	*linear = (__s64)(len - data_len) + delta;
	*wire = (__s64)len + delta;
	return *linear > 0 && *wire > 0;
}

static __always_inline int netcap_capture(void *ctx, struct sk_buff *skb, __u32 hook, __u32 reason)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct netcap_counters *cnt = bpf_map_lookup_elem(&netcap_stats, &hook);
	struct netcap_scratch *s;
	struct net_device *dev;
	unsigned char *start = 0;
	__s64 linear = 0, wire = 0;
	__u16 link = 0;
	__u32 n, match;

	if (!cnt || !skb)
		return 0;
	cnt->seen++;

	s = bpf_map_lookup_elem(&netcap_scratch, &cpu);
	if (!s)
		return 0;

	dev = BPF_CORE_READ(skb, dev);
	__builtin_memset(s->ev.dev, 0, NETCAP_DEVNAME_LEN);
	if (dev)
		bpf_probe_read_kernel(s->ev.dev, NETCAP_DEVNAME_LEN, dev->name);
	if (NETCAP_IFNAME_SET && !netcap_ifname_matches(s->ev.dev))
		return 0;

	if (!netcap_locate(skb, dev, &start, &linear, &wire, &link)) {
		cnt->unlocated++;
		return 0;
	}
	n = linear < NETCAP_COPY_SIZE ? (__u32)linear : NETCAP_COPY_SIZE;
	netcap_barrier_var(n);
	if (n > NETCAP_COPY_SIZE)
		return 0;
	if (bpf_probe_read_kernel(s->data, n, start)) {
		cnt->unlocated++;
		return 0;
	}

	if (link == NETCAP_LINKTYPE_ETHERNET)
		match = @@FILTER_L2@@_len(s->data, s->data + n, (__u32)wire);
	else
		match = @@FILTER_L3@@_len(s->data, s->data + n, (__u32)wire);
	if (!match)
		return 0;
	cnt->matched++;

	s->ev.ts_ns = bpf_ktime_get_ns();
	s->ev.skb = (__u64)skb;
	s->ev.hook = hook;
	s->ev.wire_len = (__u32)wire;
	s->ev.cap_len = n < NETCAP_CAPTURE_SIZE ? n : NETCAP_CAPTURE_SIZE;
	s->ev.ifindex = dev ? BPF_CORE_READ(dev, ifindex) : 0;
	s->ev.netns = netcap_netns(dev, skb);
	s->ev.cpu = cpu;
	s->ev.reason = reason;
	s->ev.link_type = link;
	s->ev.flags = 0;
	s->ev.pad = 0;
#if NETCAP_STACKS
	s->ev.stack_id = bpf_get_stackid(ctx, &netcap_stacks, 0);
#else
	s->ev.stack_id = NETCAP_NO_STACK;
#endif

	__u32 size = sizeof(struct netcap_event) + s->ev.cap_len;
	netcap_barrier_var(size);
	if (size > sizeof(struct netcap_scratch))
		return 0;
	if (bpf_ringbuf_output(&netcap_events, s, size, 0))
		cnt->lost++;
	return 0;
}

/* Reads a u32 tracepoint field at a constant offset, or 0 when the hook has none (off < 0). */
#define NETCAP_TP_FIELD_U32(ctx, off) \
	((off) >= 0 ? *(__u32 *)((char *)(ctx) + ((off) < 0 ? 0 : (off))) : 0)
/* Reads a BTF-typed argument as u32, or 0 when the hook has none (i < 0). */
#define NETCAP_ARG_U32(args, i) ((i) >= 0 ? (__u32)(args)[(i) < 0 ? 0 : (i)] : 0)

/* ---- one program per hook ---- */
@@HOOK_PROGRAMS@@

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netcap's capture program. io.netcap.bpf.CaptureProgramGenerator fills the named slots:
 * constants, the filter functions translated from the tcpdump expression, and one small
 * program per hook (hook_*.bpf.c.in), each of which finds the skb and calls netcap_capture().
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <asm/ptrace.h>
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
#define NETCAP_IFNAME_SET   @@IFNAME_SET@@   /* 1: only packets whose skb->dev->name is netcap_ifname */
#define NETCAP_NETNS        @@NETNS@@        /* non-zero: only packets in the netns of this inode */
#define NETCAP_SKB_DATA     @@SKB_DATA@@     /* 1: the packet starts at skb->data + offset */
#define NETCAP_SKB_DATA_OFFSET @@SKB_DATA_OFFSET@@
#define NETCAP_SKB_DATA_LINK   @@SKB_DATA_LINK@@
#define NETCAP_FAKE_HDR     @@FAKE_HDR@@     /* 1: make up missing Ethernet/IP headers (--fake-hdr) */
#define NETCAP_FILTER_L2_LEN @@FILTER_L2@@_len
#define NETCAP_FILTER_L3_LEN @@FILTER_L3@@_len
static const char netcap_ifname[NETCAP_DEVNAME_LEN] = @@IFNAME_BYTES@@;
_Static_assert(NETCAP_CAPTURE_SIZE <= NETCAP_COPY_SIZE, "sizes");

/* ---- filter functions translated from the tcpdump expression ---- */
@@FILTER_FUNCTIONS@@
/* ---- end of filter functions ---- */

#include "netcap_packet.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24); /* resized before load */
} netcap_events SEC(".maps");

#if NETCAP_STACKS
struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 16384);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 127 * sizeof(__u64));
} netcap_stacks SEC(".maps");
#endif

static __always_inline int netcap_capture(void *ctx, struct sk_buff *skb, __u32 hook, __u32 reason)
{
	struct netcap_counters *cnt;
	struct netcap_packet p = {};
	struct netcap_scratch *s = netcap_match(skb, hook, &cnt, &p);

	if (!s || !cnt)
		return 0;
	netcap_describe(skb, s, &p);

	s->ev.ts_ns = bpf_ktime_get_ns();
	s->ev.skb = (__u64)skb;
	s->ev.hook = hook;
	s->ev.wire_len = (__u32)p.wire;
	s->ev.cap_len = p.copied < NETCAP_CAPTURE_SIZE ? p.copied : NETCAP_CAPTURE_SIZE;
	struct net_device *dev = p.dev;
	s->ev.ifindex = dev ? BPF_CORE_READ(dev, ifindex) : 0;
	s->ev.netns = p.netns;
	s->ev.cpu = p.cpu;
	s->ev.reason = reason;
	s->ev.link_type = p.link;
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

/* ---- one program per hook ---- */
@@HOOK_PROGRAMS@@

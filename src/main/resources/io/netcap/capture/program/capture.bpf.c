/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netcap's capture program. io.netcap.capture.program.ProgramGenerator fills the named slots:
 * the filter functions translated from the tcpdump expression, the transport, and one small
 * program per hook (hook_*.bpf.c.in), each of which finds the skb and calls netcap_capture(), or
 * at a user-space hook the mbuf or buffer and calls netcap_capture_user() (netcap_user.h).
 * Settings that do not change the code are in netcap_config (netcap_event.h).
 * The user's extension C (--ext-filter, --ext-action), if any, is included as written, with the
 * kernel's vmlinux.h so that it sees every kernel type; netcap_ext.h checks its functions.
 */
#define NETCAP_VMLINUX      @@VMLINUX@@  /* 1: the kernel's types come from vmlinux.h (for extensions) */
#define NETCAP_EXT_FILTER   @@EXT_FILTER@@  /* 1: the user's filter (NETCAP_EXT_FILTER_FN) runs after the tcpdump filter */
#define NETCAP_EXT_ACTION   @@EXT_ACTION@@  /* 1: the user's action (NETCAP_EXT_ACTION_FN) fills struct xcap_user_extend */
#define NETCAP_EXT_FILTER_FN @@EXT_FILTER_FN@@
#define NETCAP_EXT_ACTION_FN @@EXT_ACTION_FN@@

#if NETCAP_VMLINUX
#include "vmlinux.h"
#else
#include <linux/types.h>
#include <linux/bpf.h>
#include <asm/ptrace.h>
#endif
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "netcap_kernel.h"
#include "netcap_event.h"

char LICENSE[] SEC("license") = "GPL";

#define NETCAP_HOOK_COUNT   @@HOOK_COUNT@@
#define NETCAP_PERF_EVENTS  @@PERF_EVENTS@@  /* 1: events go through a perf event array, 0: a BPF ring buffer */
#define NETCAP_FILTER_L2_LEN @@FILTER_L2@@_len
#define NETCAP_FILTER_L3_LEN @@FILTER_L3@@_len
#define NETCAP_FILTER_L2_EXTENT @@FILTER_L2@@_extent  /* bytes the filter can read: copied before it runs */
#define NETCAP_FILTER_L3_EXTENT @@FILTER_L3@@_extent
#define NETCAP_SKB_DYNPTR   @@SKB_DYNPTR@@  /* 1: BTF-typed hooks read packets through bpf_dynptr_from_skb */
#define NETCAP_DIRECT_LOADS @@DIRECT_LOADS@@  /* 1: BTF-typed hooks copy a packet's first bytes with plain loads (bpf_rdonly_cast) */
#define NETCAP_USER_SOURCE  @@USER_SOURCE@@  /* user-space hooks: 1 rte_mbuf, 2 raw buffer; 0 kernel sk_buffs */
#define NETCAP_USDT         @@USDT@@  /* 1: some hook is a USDT probe (libbpf's usdt.bpf.h reads its arguments) */

#if NETCAP_USDT
#include <stdbool.h> /* usdt.bpf.h uses bool without including it */
#include <bpf/usdt.bpf.h>
#endif

/* ---- the user's extension C ---- */
#if NETCAP_EXT_FILTER || NETCAP_EXT_ACTION
/*
 * netcap's examples call bpf_trace_printk(fmt, args...) as BCC does, where libbpf's helper wants
 * (fmt, fmt_size, args...): the name becomes a macro that sizes the format. libbpf's own
 * bpf_printk reaches the helper through that name too, which the macro would now send back into
 * bpf_printk (a macro is not expanded inside itself: bpf_printk would be left an undefined
 * function), so bpf_printk is defined again here to call the helper by its number, as
 * bpf_helper_defs.h declares it (BPF_FUNC_trace_printk, 6), and bpf_trace_vprintk by name for
 * more than three arguments, as libbpf picks.
 */
#define netcap_trace_printk_helper ((long (*)(const char *, __u32, ...))6)
#define netcap_printk(fmt, args...) ({ \
	static const char ____netcap_fmt[] = fmt; \
	netcap_trace_printk_helper(____netcap_fmt, sizeof(____netcap_fmt), ##args); \
})
#define netcap_pick_printk(...) ___bpf_nth(_, ##__VA_ARGS__, __bpf_vprintk, __bpf_vprintk, __bpf_vprintk, \
	__bpf_vprintk, __bpf_vprintk, __bpf_vprintk, __bpf_vprintk, __bpf_vprintk, __bpf_vprintk, netcap_printk, \
	netcap_printk, netcap_printk, netcap_printk)
#undef bpf_printk
#define bpf_printk(fmt, args...) netcap_pick_printk(args)(fmt, ##args)
#define bpf_trace_printk(fmt, args...) bpf_printk(fmt, ##args)
#endif
@@EXT_SOURCES@@
/* ---- end of the user's extension C ---- */

/* ---- filter functions translated from the tcpdump expression ---- */
@@FILTER_FUNCTIONS@@
/* ---- end of filter functions ---- */

#include "netcap_packet.h"

#if NETCAP_PERF_EVENTS
#define NETCAP_PERF_MAX_DATA (0xFFFF - sizeof(struct netcap_event) - NETCAP_EXT_LEN - 64)
struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} netcap_events SEC(".maps");
#else
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24); /* resized before load */
} netcap_events SEC(".maps");
#endif

/*
 * Hands one event to user space. Waking the reader is what costs: each wake-up queues irq_work,
 * a self-interrupt on this CPU (a VM exit under a hypervisor), on the packet's own path. The
 * ring buffer's default wakes the reader whenever it has caught up, which a fast reader always
 * has: about one interrupt per two packets, measured. So records are committed without a
 * wake-up, except the one that brings the pending data to a sixteenth of the ring; the reader
 * also drains on its own timer, which bounds how long a packet waits at low rates. The perf
 * buffer, for kernels before 5.8, is woken the same way by the perf event itself: netcap sets its
 * wakeup watermark to a sixteenth of each CPU's buffer (MappedPerfBuffer).
 */
static __always_inline long netcap_send(void *ctx, struct netcap_scratch *s, __u64 size)
{
	/* 64-bit, so that the bound the verifier sees is on the register passed to the helper */
	netcap_barrier_var(size);
	if (size > sizeof(struct netcap_scratch))
		return -1;
#if NETCAP_PERF_EVENTS
	return bpf_perf_event_output(ctx, &netcap_events, BPF_F_CURRENT_CPU, s, size);
#else
	__u64 pending = bpf_ringbuf_query(&netcap_events, BPF_RB_AVAIL_DATA);
	__u64 threshold = bpf_ringbuf_query(&netcap_events, BPF_RB_RING_SIZE) / 16;
	/*
	 * Only the record that crosses the threshold wakes the reader: while the reader is behind
	 * (busy writing, descheduled) every record above the line would otherwise interrupt again.
	 */
	__u64 flags = pending < threshold && pending + size + 8 >= threshold ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;

	return bpf_ringbuf_output(&netcap_events, s, size, flags);
#endif
}

/*
 * Sets a matched packet's lengths in its event: wire_len; cap_len, the bytes read (copied) up to
 * -s and to what a perf record holds; and flags, with NETCAP_EVENT_TRUNCATED added when that is
 * fewer than the packet has up to -s, because the hook could not read them all.
 */
static __always_inline void netcap_set_lengths(struct netcap_scratch *s, __u32 copied, __s64 wire, __u16 flags)
{
	const struct netcap_config *cfg = netcap_cfg();

	s->ev.wire_len = (__u32)wire;
	s->ev.cap_len = copied < cfg->capture_size ? copied : cfg->capture_size;
#if NETCAP_PERF_EVENTS
	/* A perf record, headers included, must fit in 16 bits: the last bytes of giant packets go. */
	if (s->ev.cap_len > NETCAP_PERF_MAX_DATA)
		s->ev.cap_len = NETCAP_PERF_MAX_DATA;
#endif
	if (s->ev.cap_len < s->ev.wire_len && s->ev.cap_len < cfg->capture_size)
		flags |= NETCAP_EVENT_TRUNCATED;
	s->ev.flags = flags;
}

/*
 * The packet at this hook: matched, described, given to the --ext-action (which may still drop
 * it), sent. ext is the hook's extra argument (-f HOOK@S@E), or NULL.
 */
static __always_inline int netcap_capture(void *ctx, struct sk_buff *skb, __u32 hook, __u32 reason, void *ext,
					  const int mode)
{
	const struct netcap_config *cfg = netcap_cfg();
	struct netcap_counters *cnt;
	struct netcap_packet p = {};
	struct netcap_scratch *s = netcap_match(skb, hook, &cnt, &p, ext, mode);

	if (!s || !cnt)
		return 0;
	netcap_describe(skb, s, &p, mode);
	if (!netcap_ext_act(s, ext, skb, (__u32)p.wire, hook))
		return 0;
	cnt->matched++;
	netcap_copy_rest(skb, s, &p, mode);

	s->ev.ts_ns = bpf_ktime_get_ns();
	netcap_follow((__u64)skb, hook, s->ev.ts_ns);
	s->ev.skb = (__u64)skb;
	s->ev.hook = hook;
	netcap_set_lengths(s, p.copied, p.wire, p.flags);
	struct net_device *dev = p.dev;
	s->ev.ifindex = dev ? NETCAP_READ(mode, dev, ifindex) : 0;
	s->ev.netns = p.netns;
	s->ev.cpu = p.cpu;
	s->ev.reason = reason;
	s->ev.link_type = p.link;
	s->ev.pid = 0;
	s->ev.stack_id = cfg->stacks ? bpf_get_stackid(ctx, &netcap_stacks, 0) : NETCAP_NO_STACK;
	s->ev.ext_len = NETCAP_EXT_LEN;

	if (netcap_send(ctx, s, sizeof(struct netcap_event) + NETCAP_EXT_LEN + s->ev.cap_len))
		cnt->lost++;
	return 0;
}

#if NETCAP_USER_SOURCE
#include "netcap_user.h"
#endif

/* ---- one program per hook ---- */
@@HOOK_PROGRAMS@@

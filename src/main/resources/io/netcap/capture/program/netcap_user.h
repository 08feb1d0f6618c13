/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Packets that never become an sk_buff: a DPDK struct rte_mbuf (netcap mbuf) or a data pointer
 * and a length (netcap raw, e.g. an AF_XDP frame in its UMEM), in a user process, handed to the
 * program by a uprobe or a USDT probe. The bytes are read with bpf_probe_read_user, then filtered
 * and sent like an skb's.
 *
 * The including file defines NETCAP_USER_SOURCE (NETCAP_SOURCE_MBUF or NETCAP_SOURCE_RAW) and
 * includes netcap_packet.h first (config, scratch, counters, filter). Where the mbuf's fields are
 * (netcap_config.mbuf) and the link type of raw buffers are run-time settings.
 */
#ifndef NETCAP_USER_H
#define NETCAP_USER_H

#define NETCAP_SOURCE_MBUF 1
#define NETCAP_SOURCE_RAW  2

/* Segments of one mbuf chain followed per packet (DPDK allows up to 65535; real chains are short). */
#define NETCAP_MAX_SEGS 64
/* mbufs read from one array argument: a DPDK burst is 32 by convention, 512 at most in practice. */
#define NETCAP_MAX_BURST 256

/*
 * The arguments of a uprobe'd function, 0-based: the registers of the x86-64 SysV calling
 * convention (rdi, rsi, rdx, rcx, r8, r9); arguments past the sixth are on the stack and not read.
 */
#define NETCAP_UPROBE_ARG_0(ctx) PT_REGS_PARM1(ctx)
#define NETCAP_UPROBE_ARG_1(ctx) PT_REGS_PARM2(ctx)
#define NETCAP_UPROBE_ARG_2(ctx) PT_REGS_PARM3(ctx)
#define NETCAP_UPROBE_ARG_3(ctx) PT_REGS_PARM4(ctx)
#define NETCAP_UPROBE_ARG_4(ctx) PT_REGS_PARM5(ctx)
#define NETCAP_UPROBE_ARG_5(ctx) (((struct pt_regs *)(ctx))->r9)

/* A field of `size` bytes (2, 4 or 8) at user address base + off; 0 when it cannot be read. */
static __always_inline __u64 netcap_user_field(__u64 base, __u32 off, const __u32 size)
{
	__u64 v = 0;

	bpf_probe_read_user(&v, size, (void *)(base + off));
	return v;
}

/* Where the copy of an mbuf chain stands: the next segment, and bytes copied of the wanted. */
struct netcap_mbuf_walk {
	__u64 m;
	__u32 copied;
	__u32 want;
};

/*
 * Copies one segment of the chain at w->m into s->data + w->copied: its data_len bytes at
 * buf_addr + data_off, no more than w->want in all; moves w->m to the next segment. Returns 1 to
 * go on, 0 when the chain ends, enough is copied, or the segment cannot be read.
 *
 * A global function: the verifier checks it once, and each step of the caller's loop looks the
 * same to it. Inlined, every step's copied length is a new range, and the loop's 32 steps
 * times their branches went past the verifier's million instructions.
 */
__noinline int netcap_copy_segment(struct netcap_scratch *s, struct netcap_mbuf_walk *w)
{
	const struct netcap_config *cfg = netcap_cfg();

	if (!s || !w || !w->m || w->copied >= w->want)
		return 0;
	__u64 m = w->m;
	__u64 buf = netcap_user_field(m, cfg->mbuf.buf_addr, 8);
	__u64 off = netcap_user_field(m, cfg->mbuf.data_off, 2);
	__u64 len = netcap_user_field(m, cfg->mbuf.data_len, 2);
	__u64 room = w->want - (__u64)w->copied;
	__u64 n = len < room ? len : room;
	__u64 to = w->copied;

	netcap_barrier_var(n);
	netcap_barrier_var(to);
	if (!buf || n > NETCAP_COPY_MAX || to > NETCAP_COPY_MAX)
		return 0;
	if (bpf_probe_read_user(s->data + to, n, (void *)(buf + off)))
		return 0;
	w->copied += (__u32)n;
	w->m = netcap_user_field(m, cfg->mbuf.next, 8);
	return 1;
}

/*
 * Copies up to want bytes of the packet of the mbuf chain at m into s->data, segment by segment.
 * Returns the bytes copied: fewer than want when a segment could not be read, or the chain ended
 * early (more than NETCAP_MAX_SEGS segments, or a pkt_len larger than its segments).
 */
static __always_inline __u32 netcap_copy_mbuf(struct netcap_scratch *s, __u64 m, __u32 want)
{
	struct netcap_mbuf_walk w = {.m = m, .copied = 0, .want = want};

	for (int i = 0; i < NETCAP_MAX_SEGS; i++) {
		if (!netcap_copy_segment(s, &w))
			break;
	}
	return w.copied;
}

/*
 * Counts one packet as seen at this hook, copies it (the mbuf chain at ptr, or len bytes at
 * ptr), runs the filter and fills this CPU's scratch event. Returns the size of the record to
 * send (header and bytes), or 0 when the packet does not match or cannot be read (counted).
 *
 * A global function taking only scalars: verified once, whatever calls it (a single-packet hook,
 * or the loop over an array of mbufs), so a filter of any size is checked once per program.
 */
__noinline int netcap_user_packet(__u32 hook, __u64 ptr, __u64 len)
{
	const struct netcap_config *cfg = netcap_cfg();
	struct netcap_counters *cnt = bpf_map_lookup_elem(&netcap_stats, &hook);
	__u32 cpu = bpf_get_smp_processor_id();
	struct netcap_scratch *s = bpf_map_lookup_elem(&netcap_scratch, &cpu);
	__u64 wire, n, port = 0;

	/*
	 * mbuf programs do not use len; used here, clang must still pass it (it left the register
	 * unset, and the verifier refuses an unset argument to a global function)
	 */
	netcap_barrier_var(len);
	if (!cnt || !s)
		return 0;
	cnt->seen++;
	if (!ptr) {
		cnt->unlocated++;
		return 0;
	}
	__u64 limit = cfg->copy_size;
#if NETCAP_USER_SOURCE == NETCAP_SOURCE_MBUF
	wire = netcap_user_field(ptr, cfg->mbuf.pkt_len, 4);
	port = netcap_user_field(ptr, cfg->mbuf.port, 2);
	__u64 want = wire < limit ? wire : limit;

	n = netcap_copy_mbuf(s, ptr, (__u32)want);
#else
	wire = len;
	__u64 want = wire < limit ? wire : limit;

	netcap_barrier_var(want);
	if (want > NETCAP_COPY_MAX)
		return 0;
	n = want && !bpf_probe_read_user(s->data, want, (void *)ptr) ? want : 0;
#endif
	netcap_barrier_var(n);
	if (!n || n > NETCAP_COPY_MAX) {
		cnt->unlocated++;
		return 0;
	}
	if (n < want)
		cnt->partial++;

	__u32 match;
	if (cfg->user_link == NETCAP_LINKTYPE_ETHERNET)
		match = NETCAP_FILTER_L2_LEN(s->data, s->data + n, (__u32)wire);
	else
		match = NETCAP_FILTER_L3_LEN(s->data, s->data + n, (__u32)wire);
	/* a buffer --gather follows from the first hook: the filter chose it there */
	if (!netcap_is_followed(ptr, hook) && (!match || !netcap_ext_filter(0, ptr, hook)))
		return 0;
	if (!netcap_ext_act(s, (void *)0, (void *)ptr, (__u32)wire, hook))
		return 0;
	cnt->matched++;

	netcap_set_lengths(s, (__u32)n, (__s64)wire, 0);
	s->ev.ts_ns = bpf_ktime_get_ns();
	netcap_follow(ptr, hook, s->ev.ts_ns);
	s->ev.skb = ptr;
	s->ev.hook = hook;
	s->ev.ifindex = (__u32)port;
	s->ev.netns = 0;
	s->ev.cpu = cpu;
	s->ev.reason = 0;
	s->ev.link_type = cfg->user_link;
	s->ev.pid = bpf_get_current_pid_tgid() >> 32;
	s->ev.stack_id = NETCAP_NO_STACK;
	__builtin_memset(s->ev.dev, 0, NETCAP_DEVNAME_LEN);
	s->ev.ext_len = NETCAP_EXT_LEN;
	return sizeof(struct netcap_event) + NETCAP_EXT_LEN + s->ev.cap_len;
}

/* Sends the record netcap_user_packet() left in this CPU's scratch; counts it lost when it does not fit. */
static __always_inline void netcap_user_send(void *ctx, __u32 hook, int size)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct netcap_scratch *s = bpf_map_lookup_elem(&netcap_scratch, &cpu);
	struct netcap_counters *cnt = bpf_map_lookup_elem(&netcap_stats, &hook);

	if (s && cnt && size > 0 && netcap_send(ctx, s, (__u64)size))
		cnt->lost++;
}

/* One packet: an rte_mbuf * (mbuf) or a data pointer and its length (raw). */
static __always_inline int netcap_capture_user(void *ctx, __u32 hook, __u64 ptr, __u64 len)
{
	netcap_user_send(ctx, hook, netcap_user_packet(hook, ptr, len));
	return 0;
}

/*
 * An array of count rte_mbuf pointers at array (a burst): each mbuf its own event. Only the first
 * NETCAP_MAX_BURST are read; the rest are counted (netcap_counters.skipped) and said at exit.
 */
static __always_inline int netcap_capture_user_array(void *ctx, __u32 hook, __u64 array, __u64 count)
{
	for (int i = 0; i < NETCAP_MAX_BURST; i++) {
		if (i >= count)
			break;
		__u64 m = netcap_user_field(array, i * 8, 8);

		netcap_user_send(ctx, hook, netcap_user_packet(hook, m, 0));
	}
	if (count > NETCAP_MAX_BURST) {
		struct netcap_counters *cnt = bpf_map_lookup_elem(&netcap_stats, &hook);

		if (cnt)
			cnt->skipped += count - NETCAP_MAX_BURST;
	}
	return 0;
}

#endif

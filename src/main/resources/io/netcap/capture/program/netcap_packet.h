/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What every netcap program does with an skb before deciding what to do with it: check the
 * device name (-i) and network namespace (--netns), find where the packet starts, copy the bytes
 * the tcpdump filter can read to a per-CPU scratch buffer and run the filter on the copy (or,
 * where the kernel allows plain loads and those bytes are in the linear part, run it on the packet
 * in place, and copy only a match); the rest of what the record holds is copied only for packets
 * that match.
 *
 * The including file defines, before including this: NETCAP_HOOK_COUNT, the filter functions'
 * names NETCAP_FILTER_L2_LEN / NETCAP_FILTER_L3_LEN and how many bytes each can read,
 * NETCAP_FILTER_L2_EXTENT / NETCAP_FILTER_L3_EXTENT, and NETCAP_SKB_DYNPTR (1 where the kernel
 * lets BTF-typed programs read an skb through the kfunc bpf_dynptr_from_skb), NETCAP_DIRECT_LOADS (1
 * where they may load from memory cast with bpf_rdonly_cast). Everything the user may change
 * without changing the code (-i, --netns, -s, -S, --skb-data, --fake-hdr) is read from
 * netcap_config, which netcap fills before load.
 */
#ifndef NETCAP_PACKET_H
#define NETCAP_PACKET_H

/* The filter reads anywhere up to 0xFFFF in its buffer, so the buffer is a full 64 KiB. */
#define NETCAP_FILTER_WINDOW 0x10000
/*
 * The largest netcap_config.copy_size. Every copy is also checked against it: a constant the
 * verifier can always bound by, whatever it knows of the configured size.
 */
#define NETCAP_COPY_MAX 0xFFFF

/* Written by netcap between open and load; frozen in .rodata, so constants to the verifier. */
const volatile struct netcap_config netcap_config SEC(".rodata.netcap") = {};

/*
 * netcap_config as plain memory clang cannot see into. Volatile keeps clang from folding the
 * zero initializer, but also makes every mention a load of its own, several per packet for one
 * field; through this pointer each function loads a field once. The empty asm hides what the
 * pointer points at, so the initializer still cannot be folded; the verifier still knows every
 * byte (a frozen read-only map value) and drops the branches a setting turns off.
 */
static __always_inline const struct netcap_config *netcap_cfg(void)
{
	const struct netcap_config *cfg = (const struct netcap_config *)&netcap_config;

	asm volatile("" : "+r"(cfg));
	return cfg;
}

#include <bpf/bpf_endian.h>
#include "netcap_ext.h"

#define NETCAP_SKB_DATA_LINK NETCAP_LINKTYPE_RAW

/* Room for headers --fake-hdr puts in front of a full-size copy. */
#define NETCAP_FAKE_HDR_MAX 54
/*
 * The fewest packet bytes copied before the filter runs, however little it reads: an Ethernet
 * header, whose MAC addresses move in front of an offloaded VLAN tag before the filter sees it.
 */
#define NETCAP_FILTER_COPY_MIN 14

/*
 * data is twice the window: the verifier bounds a page fragment's copy by the maxima of its
 * offset and of its length separately, each up to NETCAP_COPY_MAX.
 */
struct netcap_scratch {
	struct netcap_event ev;
#if NETCAP_EXT_ACTION
	union netcap_ext_area ext; /* the --ext-action's struct: sent between the header and the packet's bytes */
#endif
	__u8 data[2 * NETCAP_FILTER_WINDOW + 64];
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

/*
 * Runs the --ext-action on a matched packet, into the scratch record's ext area, zeroed first
 * (fields the action leaves alone print as 0, never as another packet's). 1: keep the packet.
 * A function of its own, as netcap_ext_filter_call is (netcap_ext.h): the user's locals must not
 * share a stack slot with netcap's skb dynptr.
 */
#if NETCAP_EXT_ACTION
static __noinline int netcap_ext_act(struct netcap_scratch *s, void *ext, void *pkt, __u32 len, __u32 hook)
{
	if (!s)
		return 0;
	__builtin_memset(&s->ext, 0, sizeof(s->ext));
	return NETCAP_EXT_ACTION_FN(ext, pkt, len, &s->ext.user, (__u16)hook) != 0;
}
#else
#define netcap_ext_act(s, ext, pkt, len, hook) 1
#endif

/* Per hook, per CPU: seen / matched / lost / unlocated. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NETCAP_HOOK_COUNT);
	__type(key, __u32);
	__type(value, struct netcap_counters);
} netcap_stats SEC(".maps");

/*
 * --gather: the sk_buffs (mbufs, buffers) taken at the first hook, by address, with when. At the
 * later hooks such a packet is taken whatever -e, -i, --netns and --ext-filter say: they choose
 * packets where they come in, at the first hook, and by a later one the packet may have moved to
 * another device or namespace or had its headers rewritten (NAT, encapsulation). An LRU map, so
 * that addresses of packets long gone make room by themselves; resized before load to twice
 * --gather-buffer-size (the packets netcap follows at once), and left at its minimum otherwise.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 64); /* resized before load */
	__type(key, __u64);
	__type(value, __u64);
} netcap_followed SEC(".maps");

/* Whether the packet at addr is one taken at hook 0 less than --gather's timeout ago (never at hook 0). */
static __always_inline int netcap_is_followed(__u64 addr, __u32 hook)
{
	const struct netcap_config *cfg = netcap_cfg();

	if (!cfg->follow_ms || hook == 0)
		return 0;
	__u64 *since = bpf_map_lookup_elem(&netcap_followed, &addr);

	return since && bpf_ktime_get_ns() - *since <= (__u64)cfg->follow_ms * 1000000;
}

/* At hook 0 with --gather: the packet at addr, just taken, is followed from now. */
static __always_inline void netcap_follow(__u64 addr, __u32 hook, __u64 now)
{
	const struct netcap_config *cfg = netcap_cfg();

	if (cfg->follow_ms && hook == 0)
		bpf_map_update_elem(&netcap_followed, &addr, &now, BPF_ANY);
}

/*
 * How a hook program may read kernel memory. tp_btf and fentry programs get the skb as a
 * BTF-typed pointer, through which plain loads work: the verifier turns each into one checked
 * instruction. The others (tracepoint, raw_tp, kprobe) see only an address and must call
 * bpf_probe_read_kernel for every field, a helper call each. Every function below takes the
 * hook's mode as a constant, so each program keeps only its own branch.
 */
#define NETCAP_PROBED    0
#define NETCAP_BTF_TYPED 1
#define NETCAP_READ(mode, src, field) ((mode) == NETCAP_BTF_TYPED ? (src)->field : BPF_CORE_READ(src, field))

/* Keeps clang from folding a bounds check into a form the verifier cannot follow. */
#define netcap_barrier_var(v) asm volatile("" : "+r"(v))

/*
 * The addresses of the kernel variables page_offset_base and vmemmap_base (where the kernel maps
 * physical memory and its struct pages, randomized at boot), from /proc/kallsyms, written by
 * netcap before the programs attach. They turn a fragment's struct page into the page's
 * address. Zero where kallsyms lists no data symbols: then page fragments are not read.
 */
struct netcap_layout {
	__u64 page_offset_base_addr;
	__u64 vmemmap_base_addr;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct netcap_layout);
} netcap_layout SEC(".maps");

/*
 * Kernel stacks: of each packet with -S (capture), of each counted packet (backtrace). netcap
 * sizes it before load, down to one entry when no stack is recorded.
 */
struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 16384);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 127 * sizeof(__u64));
} netcap_stacks SEC(".maps");

#define NETCAP_MAX_FRAGS 17 /* MAX_SKB_FRAGS with 4 KiB pages */
/* fragments and frag_list skbs read per packet: the head skb's fragments and a few list skbs */
#define NETCAP_MAX_PIECES 32
#define NETCAP_PAGE_SIZE 4096

/* Where a matched packet is and what it is. */
struct netcap_packet {
	struct net_device *dev;
	__u16 flags;      /* NETCAP_EVENT_VLAN, or 0 */
	unsigned char *start;
	__s64 wire;       /* length from start to the end of the packet */
	__s64 linear;     /* length from start to the end of the skb's linear part (netcap_locate) */
	__u32 copied;     /* bytes of it in scratch->data, with the prefix */
	__u32 at;         /* the prefix: bytes netcap put in front of the packet (VLAN tag, made-up headers) */
	__u32 more;       /* for the record: copy the packet's bytes up to here after a match; 0 when all are in */
	__u32 netns;
	__u16 link;       /* NETCAP_LINKTYPE_* */
	__u8 transport;   /* start is the transport header: there is no IP header yet */
	__u32 cpu;
};

/*
 * Whether a 16-byte device name (8-byte aligned: net_device's own, or the copy in the event) is
 * the -i name: two 8-byte compares, masked to the bytes up to and with the name's NUL, because
 * what follows the NUL may be left over from a longer name the device had before. A byte loop
 * costs a load of the configured name per byte, where the name is no longer a constant in the
 * code but in netcap_config.
 */
static __always_inline int netcap_ifname_matches(const char *name)
{
	const struct netcap_config *cfg = netcap_cfg();
	const __u64 *have = (const __u64 *)name;
	const __u64 *want = (const __u64 *)cfg->ifname;

	return !((have[0] ^ want[0]) & cfg->ifname_mask[0]) && !((have[1] ^ want[1]) & cfg->ifname_mask[1]);
}

/*
 * The namespace of a packet without a device: its socket's, or 0, with every read probed. On a
 * BTF-typed hook, each struct pointer loaded from the trusted skb (skb->sk, then the sock's net)
 * makes the verifier search the kernel's whole BTF by name, up to four times a load, for the
 * types' "__safe_trusted" and "__safe_rcu" variants (check_ptr_to_btf_access), and it does so for
 * every state that reaches the load. Measured on 6.18: as plain loads, ~60 of them took 60% of
 * the 80 ms the verifier spent on the program. A function of its own (not inlined) keeps its
 * stack out of the slot of the caller's skb dynptr. Static, not global: a global function may
 * not be passed the BTF-typed skb.
 */
static __noinline __u32 netcap_sock_netns(struct sk_buff *skb)
{
	struct sock *sk = skb ? BPF_CORE_READ(skb, sk) : 0;
	struct net *net = sk ? BPF_CORE_READ(sk, __sk_common.skc_net.net) : 0;

	return net ? BPF_CORE_READ(net, ns.inum) : 0;
}

static __always_inline __u32 netcap_netns(struct net_device *dev, struct sk_buff *skb, const int mode)
{
	struct net *net = dev ? NETCAP_READ(mode, dev, nd_net.net) : 0;

	return net ? NETCAP_READ(mode, net, ns.inum) : netcap_sock_netns(skb);
}

/* -i on a BTF-typed hook: compares the name in place, without copying it out first. */
static __always_inline int netcap_dev_is_ifname(struct net_device *dev)
{
	return dev && netcap_ifname_matches(dev->name);
}

static __always_inline void netcap_read_devname(struct net_device *dev, char *name)
{
	__builtin_memset(name, 0, NETCAP_DEVNAME_LEN);
	if (dev)
		bpf_probe_read_kernel(name, NETCAP_DEVNAME_LEN, dev->name);
}

/* Fills in what netcap_match() did not need to read: the device name and the namespace. */
static __always_inline void netcap_describe(struct sk_buff *skb, struct netcap_scratch *s, struct netcap_packet *p,
					    const int mode)
{
	const struct netcap_config *cfg = netcap_cfg();
	/* with -i the name was read before the filter, except on BTF-typed hooks, which compare in place */
	if (!cfg->ifname_set || mode == NETCAP_BTF_TYPED)
		netcap_read_devname(p->dev, s->ev.dev);
	if (!cfg->netns)
		p->netns = netcap_netns(p->dev, skb, mode);
}

/*
 * Finds where the packet starts: at the MAC header when the skb has an Ethernet one, else at
 * the network header (raw IP), else at skb->data; with --skb-data at skb->data + offset. Never
 * at skb->head: headroom is not packet. *linear is what can be copied (the skb's linear part).
 */
static __always_inline int netcap_locate(struct sk_buff *skb, struct netcap_packet *p, __s64 *linear,
					 const int mode)
{
	const struct netcap_config *cfg = netcap_cfg();
	unsigned char *head = NETCAP_READ(mode, skb, head);
	unsigned char *data = NETCAP_READ(mode, skb, data);
	__u16 mac = NETCAP_READ(mode, skb, mac_header);
	__u16 nh = NETCAP_READ(mode, skb, network_header);
	__u32 len = NETCAP_READ(mode, skb, len);
	__u32 data_len = NETCAP_READ(mode, skb, data_len);
	struct net_device *dev = p->dev; /* a plain local: BPF_CORE_READ must not relocate p->dev */
	unsigned short devtype = dev ? NETCAP_READ(mode, dev, type) : ARPHRD_ETHER;
	int ethernet = devtype == ARPHRD_ETHER || devtype == ARPHRD_LOOPBACK;

	if (!head || !data)
		return 0;
	/*
	 * mac_header and transport_header are (u16)~0 until set, but a new skb's network_header
	 * is 0: on the TX path before the IP layer, 0 means "not set" (an skb whose network header
	 * really is at offset 0 has no headroom, so data == head).
	 */
	if (nh == 0 && data != head)
		nh = 0xFFFF;
	if (cfg->skb_data) {
		p->start = data + cfg->skb_data_offset;
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
	} else if (cfg->fake_hdr && NETCAP_READ(mode, skb, transport_header) != 0xFFFF) {
		p->start = head + NETCAP_READ(mode, skb, transport_header);
		p->link = NETCAP_LINKTYPE_RAW;
		p->transport = 1;
	} else {
		p->start = data;
		p->link = NETCAP_LINKTYPE_RAW;
	}
	__s64 delta = (__s64)(data - p->start); /* bytes between the start and skb->data (may be < 0) */
	/*
	 * The linear part may hold nothing from the start on: a frame sent from a PACKET_TX_RING,
	 * or split by a NIC, keeps its headers in page fragments. The copy reads those.
	 */
	*linear = (__s64)(len - data_len) + delta;
	p->wire = (__s64)len + delta;
	return p->wire > 0;
}

/*
 * Where bpf_dynptr_from_skb cannot be used: appends what follows the skb's linear part — its
 * page fragments, then each skb of its frag_list (linear part, then fragments) — to
 * s->data[at + copied ...], up to want bytes of packet, and returns the new length. A fragment's
 * struct page becomes an address through page_offset_base and vmemmap_base; where /proc/kallsyms
 * does not list them (netcap_layout is zero) nothing is appended and the record is cut. Stops
 * at the first piece it cannot read.
 *
 * A global function, so the verifier checks it once, with only the bounds of its arguments,
 * rather than once for every way the caller can reach it (fake headers or not, a VLAN tag or
 * not, each length of linear part), each walking every piece of the loop: inlined, that passed
 * the verifier's limit of a million instructions. A global function takes only scalars and
 * memory, not a BTF-typed skb: it gets the address of the skb's shared info (head + end).
 */
__noinline int netcap_copy_frags(struct netcap_scratch *s, __u64 shinfo, __u32 at, __u32 copied, __u32 want)
{
	__u32 zero = 0;
	struct netcap_layout *layout = bpf_map_lookup_elem(&netcap_layout, &zero);
	__u64 page_size = bpf_core_type_size(struct page);
	__u64 page_offset_base = 0, vmemmap_base = 0;

	if (!s || at > NETCAP_FAKE_HDR_MAX || !layout || !layout->page_offset_base_addr || !layout->vmemmap_base_addr
	    || !page_size)
		return copied;
	if (bpf_probe_read_kernel(&page_offset_base, sizeof(page_offset_base), (void *)layout->page_offset_base_addr)
	    || bpf_probe_read_kernel(&vmemmap_base, sizeof(vmemmap_base), (void *)layout->vmemmap_base_addr)
	    || !page_offset_base || !vmemmap_base)
		return copied;
	unsigned char *head;
	__u32 end;
	struct skb_shared_info *sh = (struct skb_shared_info *)shinfo;
	__u32 nr = BPF_CORE_READ(sh, nr_frags);
	__u32 frag = 0;
	struct sk_buff *next = BPF_CORE_READ(sh, frag_list);

	for (int i = 0; i < NETCAP_MAX_PIECES; i++) {
		__u64 addr, len;

		if (copied >= want)
			break;
		if (frag < nr && frag < NETCAP_MAX_FRAGS) {
			struct netcap_frag f;
			__u64 fp = (__u64)sh + bpf_core_field_offset(struct skb_shared_info, frags) + frag * sizeof(f);

			if (bpf_probe_read_kernel(&f, sizeof(f), (void *)fp))
				break;
			if ((f.page & 1) || f.page < vmemmap_base)
				break; /* device memory (net_iov), or not a struct page */
			addr = page_offset_base + (f.page - vmemmap_base) / page_size * NETCAP_PAGE_SIZE + f.offset;
			len = f.len;
			frag++;
		} else {
			/* this skb is done: on to the linear part of the next one on the frag_list */
			if (!next)
				break;
			addr = (__u64)BPF_CORE_READ(next, data);
			len = BPF_CORE_READ(next, len) - (__u64)BPF_CORE_READ(next, data_len);
			head = BPF_CORE_READ(next, head);
			end = BPF_CORE_READ(next, end);
			sh = (struct skb_shared_info *)(head + end);
			nr = BPF_CORE_READ(sh, nr_frags);
			frag = 0;
			next = BPF_CORE_READ(next, next);
		}
		/* 64-bit and checked next to the call, so the verifier keeps both bounds */
		__u64 room = want - (__u64)copied;
		__u64 n = len < room ? len : room;
		__u64 to = (__u64)at + copied;

		netcap_barrier_var(n);
		netcap_barrier_var(to);
		if (n > NETCAP_COPY_MAX || to > NETCAP_COPY_MAX + NETCAP_FAKE_HDR_MAX)
			break;
		if (bpf_probe_read_kernel(s->data + to, n, (void *)addr))
			break;
		copied += (__u32)n;
	}
	return copied;
}

#if NETCAP_SKB_DYNPTR
/* The kfunc (6.3+; callable from tp_btf/fentry programs on the kernels that allow it). */
extern int bpf_dynptr_from_skb(struct sk_buff *skb, __u64 flags, struct bpf_dynptr *ptr__uninit) __ksym;

/*
 * Copies bytes from..want of the packet (counted from p->start) to dst + from through an skb
 * dynptr, which reads the linear part, the page fragments and the frag_list alike
 * (skb_copy_bits). The dynptr starts at skb->data; bytes before it (the MAC header on RX) are in
 * the linear part and read directly. Returns where the copy got to: want, or less where a read
 * failed.
 */
static __always_inline __u32 netcap_copy_dynptr(struct sk_buff *skb, struct netcap_packet *p, __u8 *dst, __u32 from,
						__u32 want)
{
	struct bpf_dynptr dp;
	__s64 before = (__s64)(skb->data - p->start); /* bytes from the start to skb->data */
	__u64 copied = from;

	if (bpf_dynptr_from_skb(skb, 0, &dp))
		return from;
	if (before > (__s64)copied) {
		__u64 end = before < want ? before : want;
		__u64 n = end - copied;

		netcap_barrier_var(n);
		netcap_barrier_var(copied);
		if (n > NETCAP_COPY_MAX || copied > NETCAP_COPY_MAX
		    || bpf_probe_read_kernel(dst + copied, n, p->start + copied))
			return from;
		copied = end;
	}
	__u64 rest = want - copied;

	if (!rest)
		return (__u32)copied;
	__u64 offset = copied - before; /* in the dynptr, which starts at skb->data; copied >= before here */

	netcap_barrier_var(rest);
	netcap_barrier_var(copied);
	if (rest > NETCAP_COPY_MAX || copied > NETCAP_COPY_MAX || offset > 2 * NETCAP_COPY_MAX)
		return copied;
	if (bpf_dynptr_read(dst + copied, rest, &dp, offset, 0))
		return copied;
	return copied + rest;
}
#endif

#if NETCAP_DIRECT_LOADS
/*
 * The kfunc (6.2+). Cast to void (btf_id 0) it gives read-only memory that the program may load
 * from directly, each load a plain instruction the JIT guards against faults; verifiers before
 * 6.17 refuse that, and netcap then builds the program without it (ProgramLoader).
 */
extern void *bpf_rdonly_cast(const void *obj__ign, __u32 btf_id__k) __ksym;

/* The most bytes copied with plain loads: enough for the headers most filters read. */
#define NETCAP_DIRECT_MAX 128

/*
 * Copies n <= NETCAP_DIRECT_MAX bytes from src, in the skb's linear part, to dst with 8-byte
 * loads: cheaper than a bpf_probe_read_kernel call, which is most of what a packet that does not
 * match costs. The copy is rounded up to 8 bytes: the few after the last are still in the skb's
 * buffer (its tail room, or the skb_shared_info after it), and land in the scratch record past
 * what the filter and the record are given.
 */
static __always_inline void netcap_copy_direct(__u8 *dst, const unsigned char *src, __u32 n)
{
	const __u64 *from = bpf_rdonly_cast(src, 0);
	__u64 *to = (__u64 *)dst;

#pragma unroll
	for (int i = 0; i < NETCAP_DIRECT_MAX / 8; i++) {
		if (i * 8 >= n)
			break;
		to[i] = from[i];
	}
}
#endif

/*
 * Copies bytes from..want of the packet (counted from p->start; want <= p->wire) to
 * s->data + at + from, after the first from bytes copied before, and returns where the copy got
 * to: want, except where a read failed or a hook can read only the linear part.
 *
 * When every wanted byte is in the linear part (a small frame, or the headers of a large one),
 * that is one bpf_probe_read_kernel on every hook kind, or plain loads (netcap_copy_direct): the
 * skb dynptr would cost a kfunc call, a read of the bytes before skb->data and a
 * bpf_dynptr_read, three calls for the same bytes.
 * Only packets that go on past the linear part take the dynptr or netcap_copy_frags.
 */
static __always_inline __u32 netcap_copy_packet(struct sk_buff *skb, struct netcap_scratch *s, struct netcap_packet *p,
						__u32 at, __u32 from, __u32 want, __s64 linear, const int mode)
{
	__u8 *dst = s->data + at; /* at <= NETCAP_FAKE_HDR_MAX, checked by the caller */
	__u64 done = from;

	netcap_barrier_var(done);
	if (done > NETCAP_COPY_MAX)
		return from;
	if (linear >= want) {
		__u64 n = want - done;

		netcap_barrier_var(n);
#if NETCAP_DIRECT_LOADS
		if (mode == NETCAP_BTF_TYPED && n <= NETCAP_DIRECT_MAX) {
			netcap_copy_direct(dst + done, p->start + done, (__u32)n);
			return want;
		}
#endif
		if (n > NETCAP_COPY_MAX || bpf_probe_read_kernel(dst + done, n, p->start + done))
			return from;
		return want;
	}
#if NETCAP_SKB_DYNPTR
	if (mode == NETCAP_BTF_TYPED)
		return netcap_copy_dynptr(skb, p, dst, from, want);
#endif
	if (linear > (__s64)done) {
		__u64 n = linear - done;

		netcap_barrier_var(n);
		if (n > NETCAP_COPY_MAX || bpf_probe_read_kernel(dst + done, n, p->start + done))
			return from;
		done = linear;
	}
	if (linear >= 0) {
		/*
		 * The rest is past the linear part. netcap_copy_frags walks the pieces from the
		 * first fragment on, so it starts at the end of the linear part even when some of
		 * what follows was copied before (the same bytes again).
		 */
		/* probed even through a BTF-typed skb: a pointer loaded from it is no plain number */
		unsigned char *head = BPF_CORE_READ(skb, head);
		__u32 end = BPF_CORE_READ(skb, end);
		__u32 got = netcap_copy_frags(s, (__u64)(head + end), at, (__u32)linear, want);

		return got > done ? got : (__u32)done;
	}
	return (__u32)done;
}

/*
 * An 802.1Q/802.1ad tag the device or a tc program took out of the frame is kept in
 * skb->vlan_tci (hardware offload). tcpdump puts it back from the packet's aux data; so does
 * netcap, before the filter, so that "vlan 100" matches and every output shows the tag.
 * Returns the tag as it goes on the wire (TPID then TCI, big-endian, in one u32 in network
 * byte order) or 0 when the skb carries none.
 */
static __always_inline __u32 netcap_vlan_tag(struct sk_buff *skb, const int mode)
{
	__u16 proto = NETCAP_READ(mode, skb, vlan_proto);
	__u16 tci = NETCAP_READ(mode, skb, vlan_tci);

	if (bpf_core_field_exists(((struct sk_buff___vlan_present *)skb)->vlan_present)) {
		if (!BPF_CORE_READ_BITFIELD_PROBED((struct sk_buff___vlan_present *)skb, vlan_present))
			return 0;
	} else if (!proto && !tci) {
		return 0;
	}
	if (!proto)
		proto = bpf_htons(0x8100);
	return (__u32)proto | (__u32)bpf_htons(tci) << 16;
}

/*
 * --fake-hdr: a packet seen before the stack has built its headers gets them made up, so the
 * Ethernet filter and the pcap see a whole frame: a zero-MAC Ethernet header and, when only the
 * transport header exists, an IPv4 or IPv6 header from the socket's addresses and protocol.
 * Writes them at the start of s->data and returns their length (0 when it cannot).
 */
static __always_inline __u32 netcap_fake_headers(struct sk_buff *skb, struct netcap_scratch *s,
						 struct netcap_packet *p)
{
	struct sock *sk = BPF_CORE_READ(skb, sk);
	__u16 family = sk ? BPF_CORE_READ(sk, __sk_common.skc_family) : 0;
	__u8 *d = s->data;
	__u32 payload = (__u32)p->wire;

	__builtin_memset(d, 0, 14);
	if (!p->transport) {
		__u8 version = 0;
		bpf_probe_read_kernel(&version, 1, p->start);
		version >>= 4;
		d[12] = version == 6 ? 0x86 : 0x08;
		d[13] = version == 6 ? 0xDD : 0x00;
		return 14;
	}
	if (!sk)
		return 0;
	__u8 protocol = (__u8)BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol);
	if (family == AF_INET) {
		__u32 total = 20 + payload;
		__u32 saddr = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__u32 daddr = BPF_CORE_READ(sk, __sk_common.skc_daddr);

		d[12] = 0x08;
		d[13] = 0x00;
		__builtin_memset(d + 14, 0, 20);
		d[14] = 0x45;
		d[16] = total >> 8;
		d[17] = total;
		d[22] = 64; /* TTL */
		d[23] = protocol;
		__builtin_memcpy(d + 26, &saddr, 4);
		__builtin_memcpy(d + 30, &daddr, 4);
		return 34;
	}
	if (family == AF_INET6) {
		d[12] = 0x86;
		d[13] = 0xDD;
		__builtin_memset(d + 14, 0, 8);
		d[14] = 0x60;
		d[18] = payload >> 8;
		d[19] = payload;
		d[20] = protocol;
		d[21] = 64; /* hop limit */
		BPF_CORE_READ_INTO(d + 22, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(d + 38, sk, __sk_common.skc_v6_daddr);
		return 54;
	}
	return 0;
}

/*
 * Counts the skb as seen at this hook, then runs -i, --netns, the filter and the user's
 * --ext-filter (given ext, the hook's extra argument or NULL) on it. Returns this CPU's scratch
 * record when it matches, with the packet copied to s->data and *p filled (and, on probed hooks
 * with -i, the device name in s->ev.dev); NULL otherwise. *counters is the hook's counters (when
 * not NULL); the caller counts the match, once it has decided to keep the packet.
 */
static __always_inline struct netcap_scratch *netcap_match(struct sk_buff *skb, __u32 hook,
							   struct netcap_counters **counters,
							   struct netcap_packet *p, void *ext, const int mode)
{
	const struct netcap_config *cfg = netcap_cfg();
	struct netcap_counters *cnt = bpf_map_lookup_elem(&netcap_stats, &hook);
	struct netcap_scratch *s;
	__s64 linear = 0;
	__u32 n, match;

	*counters = cnt;
	if (!cnt || !skb)
		return NULL;
	cnt->seen++;
	p->cpu = bpf_get_smp_processor_id();
	s = bpf_map_lookup_elem(&netcap_scratch, &p->cpu);
	if (!s)
		return NULL;

	struct net_device *dev = NETCAP_READ(mode, skb, dev);
	/* a packet --gather follows from the first hook: the selection below was made there */
	int followed = netcap_is_followed((__u64)skb, hook);

	p->dev = dev;
	/*
	 * The device name and namespace cost several kernel reads: before the filter only when
	 * -i or --netns filter on them; otherwise netcap_describe() reads them for matches only.
	 */
	if (cfg->ifname_set && mode == NETCAP_BTF_TYPED) {
		if (!followed && !netcap_dev_is_ifname(dev))
			return NULL;
	} else if (cfg->ifname_set) {
		netcap_read_devname(dev, s->ev.dev);
		if (!followed && !netcap_ifname_matches(s->ev.dev))
			return NULL;
	}
	if (cfg->netns) {
		p->netns = netcap_netns(dev, skb, mode);
		if (!followed && p->netns != cfg->netns)
			return NULL;
	}

	if (!netcap_locate(skb, p, &linear, mode)) {
		cnt->unlocated++;
		return NULL;
	}
	__u32 prefix = 0, tag = 0;
	if (cfg->fake_hdr && p->link == NETCAP_LINKTYPE_RAW) {
		prefix = netcap_fake_headers(skb, s, p);
		if (p->transport && !prefix)
			return NULL; /* a bare transport header without a socket to describe it */
	} else if (p->link == NETCAP_LINKTYPE_ETHERNET && !cfg->skb_data) {
		tag = netcap_vlan_tag(skb, mode);
		if (tag)
			prefix = 4; /* the packet goes 4 bytes in; its MAC addresses move back in front of the tag */
	}
	netcap_barrier_var(prefix);
	if (prefix > NETCAP_FAKE_HDR_MAX)
		return NULL;
	__u32 limit = cfg->copy_size;
	__u32 want = p->wire < limit ? (__u32)p->wire : limit;
	/*
	 * The filter reads no further into its buffer (the prefix, then the packet) than its extent,
	 * which the filter compiler worked out: that many bytes are copied first, and the rest, up to
	 * what the record holds, only once the packet has matched (netcap_copy_rest). Everything is
	 * copied at once for a filter that reads nothing (no filter: every packet matches) or
	 * anywhere in the window, and for a packet --gather follows, taken whatever the filter says.
	 */
	__u32 extent = p->link == NETCAP_LINKTYPE_ETHERNET || prefix ? NETCAP_FILTER_L2_EXTENT : NETCAP_FILTER_L3_EXTENT;
	__u32 first = extent > NETCAP_FILTER_COPY_MIN ? extent : NETCAP_FILTER_COPY_MIN;

	if (followed || !extent || first > want)
		first = want;
	p->at = prefix;
	p->linear = linear;
	int decided = 0; /* the filter has matched the packet in place */
#if NETCAP_DIRECT_LOADS
	/*
	 * Where every byte the filter can read is in the linear part and nothing goes in front of
	 * it, the filter reads the packet where it is, each load a plain instruction the JIT guards
	 * (bpf_rdonly_cast), and only a packet that matches is copied. Copying first was 15 of the
	 * 94 ns a packet that does not match cost (bpf_stats, 6.18, 'udp and dst port 1' on a veth).
	 * data_end is what the copy would have held: the filter decides as it would on the copy.
	 */
	if (mode == NETCAP_BTF_TYPED && !prefix && !followed && extent && linear >= first) {
		const __u8 *pkt = bpf_rdonly_cast(p->start, 0);

		if (p->link == NETCAP_LINKTYPE_ETHERNET)
			match = NETCAP_FILTER_L2_LEN(pkt, pkt + first, (__u32)p->wire);
		else
			match = NETCAP_FILTER_L3_LEN(pkt, pkt + first, (__u32)p->wire);
		if (!match)
			return NULL;
		decided = 1;
	}
#endif
	n = netcap_copy_packet(skb, s, p, prefix, 0, first, linear, mode);
	netcap_barrier_var(n);
	if (n > NETCAP_COPY_MAX)
		return NULL;
	if (!n) {
		cnt->unlocated++;
		return NULL;
	}
	if (n < first)
		cnt->partial++; /* the filter sees only the bytes read: it may reject what the whole packet would match */
	__u32 record = want < cfg->capture_size ? want : cfg->capture_size;

	p->more = n == first && first < record ? record : 0;
	if (tag && n >= 12) {
		__u64 macs = *(__u64 *)(s->data + 4);
		__u32 macs_tail = *(__u32 *)(s->data + 12);

		*(__u64 *)s->data = macs;
		*(__u32 *)(s->data + 8) = macs_tail;
		*(__u32 *)(s->data + 12) = tag;
		p->flags |= NETCAP_EVENT_VLAN;
	} else if (tag) {
		return NULL; /* not even the MAC addresses could be read */
	}
	if (prefix) {
		if (!tag)
			p->link = NETCAP_LINKTYPE_ETHERNET;
		p->wire += prefix;
		n += prefix;
	}
	p->copied = n;

	if (decided)
		match = 1;
	else if (p->link == NETCAP_LINKTYPE_ETHERNET)
		match = NETCAP_FILTER_L2_LEN(s->data, s->data + n, (__u32)p->wire);
	else
		match = NETCAP_FILTER_L3_LEN(s->data, s->data + n, (__u32)p->wire);
	if (!followed && (!match || !netcap_ext_filter(ext, skb, hook)))
		return NULL;
	return s;
}

/*
 * For a packet netcap_match() kept: copies the bytes the record holds beyond those the filter
 * ran on (p->more), after them in the scratch record, and counts them in p->copied. Where a read
 * fails the record stays shorter, and is marked truncated when it is sent.
 */
static __always_inline void netcap_copy_rest(struct sk_buff *skb, struct netcap_scratch *s, struct netcap_packet *p,
					     const int mode)
{
	__u32 at = p->at;
	__u32 from = p->copied - at; /* bytes of the packet already in s->data, after the prefix */
	__u32 more = p->more;
	__u32 n;

	netcap_barrier_var(at);
	if (!more || from >= more || at > NETCAP_FAKE_HDR_MAX)
		return;
	n = netcap_copy_packet(skb, s, p, at, from, more, p->linear, mode);
	netcap_barrier_var(n);
	if (n > NETCAP_COPY_MAX)
		return;
	p->copied = n + at;
}

/* Reads a u32 tracepoint field at a constant offset, or 0 when the hook has none (off < 0). */
#define NETCAP_TP_FIELD_U32(ctx, off) \
	((off) >= 0 ? *(__u32 *)((char *)(ctx) + ((off) < 0 ? 0 : (off))) : 0)
/* Reads a BTF-typed argument as u32, or 0 when the hook has none (i < 0). */
#define NETCAP_ARG_U32(args, i) ((i) >= 0 ? (__u32)(args)[(i) < 0 ? 0 : (i)] : 0)
/* A BTF-typed argument as a pointer, or NULL when i < 0: an extension's ext (-f HOOK@S@E). */
#define NETCAP_ARG_PTR(args, i) ((i) >= 0 ? (void *)(args)[(i) < 0 ? 0 : (i)] : (void *)0)

#endif

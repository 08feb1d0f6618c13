/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netcap backtrace: counts matching packets per (kernel stack, hook, drop reason) in the kernel.
 * Nothing is sent per packet; user space reads the counts at the end. Filled by
 * io.netcap.capture.program.ProgramGenerator like capture.bpf.c; hook programs call netcap_count().
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

#define NETCAP_HOOK_COUNT   @@HOOK_COUNT@@
#define NETCAP_FILTER_L2_LEN @@FILTER_L2@@_len
#define NETCAP_FILTER_L3_LEN @@FILTER_L3@@_len
#define NETCAP_FILTER_L2_EXTENT @@FILTER_L2@@_extent  /* bytes the filter can read: copied before it runs */
#define NETCAP_FILTER_L3_EXTENT @@FILTER_L3@@_extent
#define NETCAP_SKB_DYNPTR   @@SKB_DYNPTR@@  /* 1: BTF-typed hooks read packets through bpf_dynptr_from_skb */
#define NETCAP_DIRECT_LOADS @@DIRECT_LOADS@@  /* 1: BTF-typed hooks copy a packet's first bytes with plain loads (bpf_rdonly_cast) */

/* ---- filter functions translated from the tcpdump expression ---- */
@@FILTER_FUNCTIONS@@
/* ---- end of filter functions ---- */

#include "netcap_packet.h"

/* Counts per struct netcap_drop_key (netcap_event.h); stack_id -1 collects packets whose stack was lost. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct netcap_drop_key);
	__type(value, __u64);
} netcap_drops SEC(".maps");

/*
 * Counts one matching packet. Where the stack cannot be recorded (the stack map is full or two
 * stacks collide in a bucket) the packet is still counted, under stack_id -1, and in the
 * hook's "lost" counter, so user space can say how many stacks are missing instead of
 * printing an empty one.
 */
static __always_inline int netcap_count(void *ctx, struct sk_buff *skb, __u32 hook, __u32 reason, void *ext,
					const int mode)
{
	struct netcap_counters *cnt;
	struct netcap_packet p = {};
	struct netcap_drop_key key = {};
	__u64 one = 1, *count;

	if (!netcap_match(skb, hook, &cnt, &p, ext, mode) || !cnt)
		return 0;
	cnt->matched++;

	key.stack_id = bpf_get_stackid(ctx, &netcap_stacks, 0);
	if (key.stack_id < 0) {
		cnt->lost++;
		key.stack_id = -1;
	}
	key.hook = hook;
	key.reason = reason;
	count = bpf_map_lookup_elem(&netcap_drops, &key);
	if (count) {
		__sync_fetch_and_add(count, 1);
		return 0;
	}
	if (bpf_map_update_elem(&netcap_drops, &key, &one, BPF_NOEXIST)) {
		/* another CPU created it first, or the map is full */
		count = bpf_map_lookup_elem(&netcap_drops, &key);
		if (count)
			__sync_fetch_and_add(count, 1);
		else
			cnt->unlocated++;
	}
	return 0;
}

/* ---- one program per hook ---- */
@@HOOK_PROGRAMS@@

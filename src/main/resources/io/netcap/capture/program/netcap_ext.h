/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The user's extensions, as netcap's own code calls them (io.netcap.capture.extension):
 *  - a filter, int NETCAP_EXT_FILTER_FN(void *ext, void *pkt, u16 trace_index), run after the
 *    tcpdump filter: 0 drops the packet;
 *  - an action, int NETCAP_EXT_ACTION_FN(void *ext, void *pkt, u32 pkt_len,
 *    struct xcap_user_extend *user, u16 trace_index), which fills *user (zeroed first) for
 *    netcap to print with the packet: 0 drops it.
 * pkt is the struct sk_buff * (skb, dump), the struct rte_mbuf * (mbuf) or the data pointer
 * (raw); ext the hook's extra argument (-f HOOK@S@E) or NULL; trace_index the hook's place in -f.
 * The including file defines NETCAP_EXT_FILTER and NETCAP_EXT_ACTION (0 or 1) and the two
 * names, and includes the user's C first. The signatures are checked here: an assertion whose
 * message starts "netcap-usage:" is reported to the user as a usage error, without the C.
 */
#ifndef NETCAP_EXT_H
#define NETCAP_EXT_H

#ifndef NETCAP_EXT_FILTER
#define NETCAP_EXT_FILTER 0
#endif
#ifndef NETCAP_EXT_ACTION
#define NETCAP_EXT_ACTION 0
#endif
#define NETCAP_EXT_STR2(x) #x
#define NETCAP_EXT_STR(x) NETCAP_EXT_STR2(x)

#if NETCAP_EXT_FILTER
_Static_assert(__builtin_types_compatible_p(__typeof__(&NETCAP_EXT_FILTER_FN), int (*)(void *, void *, __u16)),
	       "netcap-usage: the filter must be static inline int " NETCAP_EXT_STR(NETCAP_EXT_FILTER_FN)
	       "(void *ext, void *pkt, u16 trace_index)");
/*
 * The user's C runs in a function of its own (a BPF-to-BPF call, verified in the caller's
 * context, so pkt keeps its type): its locals get their own stack frame. Inlined, clang may put
 * one in the stack slot of netcap's skb dynptr, and the verifier refuses any helper that writes
 * there ("potential write to dynptr ... disallowed").
 */
static __noinline int netcap_ext_filter_call(void *ext, void *pkt, __u32 hook)
{
	return NETCAP_EXT_FILTER_FN(ext, pkt, (__u16)hook) != 0;
}
#define netcap_ext_filter(ext, pkt, hook) netcap_ext_filter_call((void *)(ext), (void *)(pkt), (hook))
#else
#define netcap_ext_filter(ext, pkt, hook) 1
#endif

#if NETCAP_EXT_ACTION
_Static_assert(__builtin_types_compatible_p(__typeof__(&NETCAP_EXT_ACTION_FN),
					    int (*)(void *, void *, __u32, struct xcap_user_extend *, __u16)),
	       "netcap-usage: the action must be static inline int " NETCAP_EXT_STR(NETCAP_EXT_ACTION_FN)
	       "(void *ext, void *pkt, u32 pkt_len, struct xcap_user_extend *user, u16 trace_index)");

/*
 * 1024 bytes at most: the action's area is zeroed before each call with __builtin_memset, which
 * clang's BPF back end expands inline and refuses beyond 1024 bytes. ExtensionDecoder has the same bound.
 */
_Static_assert(sizeof(struct xcap_user_extend) <= 1024,
	       "netcap-usage: struct xcap_user_extend is larger than the 1024 bytes netcap sends with each packet");
_Static_assert(sizeof(struct xcap_user_extend) > 0, "netcap-usage: struct xcap_user_extend has no fields to print");

/* The struct in the event, padded to 8 bytes so the packet's bytes after it stay 8-byte aligned. */
union netcap_ext_area {
	struct xcap_user_extend user;
	__u64 words[(sizeof(struct xcap_user_extend) + 7) / 8];
};
#define NETCAP_EXT_LEN sizeof(union netcap_ext_area)
#else
#define NETCAP_EXT_LEN 0
#endif

#endif

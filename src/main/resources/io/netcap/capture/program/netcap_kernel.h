/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The few kernel structures netcap reads, declared with only the fields it touches.
 * preserve_access_index makes every access a CO-RE relocation that libbpf resolves against the
 * running kernel's BTF, so field offsets here are irrelevant; names are what matter. This keeps
 * compile time a fraction of what the full vmlinux.h costs.
 */
#ifndef NETCAP_KERNEL_H
#define NETCAP_KERNEL_H

#ifndef NETCAP_VMLINUX
#define NETCAP_VMLINUX 0 /* 1: vmlinux.h is included; the including file says so first */
#endif

#define ARPHRD_ETHER    1
#define ARPHRD_LOOPBACK 772
#define AF_INET  2
#define AF_INET6 10

/*
 * With a user extension (--ext-filter, --ext-action) the program includes the kernel's whole
 * vmlinux.h instead, so that the user's C sees every kernel type; these partial declarations
 * would clash with it.
 */
#if !NETCAP_VMLINUX
struct ns_common {
	unsigned int inum;
} __attribute__((preserve_access_index));

struct net {
	struct ns_common ns;
} __attribute__((preserve_access_index));

typedef struct {
	struct net *net;
} possible_net_t;

struct net_device {
	char name[16];
	int ifindex;
	unsigned short type;
	possible_net_t nd_net;
} __attribute__((preserve_access_index));

struct in6_addr___netcap {
	__u8 s6_addr[16];
};

struct sock_common {
	possible_net_t skc_net;
	__u32 skc_daddr;
	__u32 skc_rcv_saddr;
	unsigned short skc_family;
	struct in6_addr___netcap skc_v6_daddr;
	struct in6_addr___netcap skc_v6_rcv_saddr;
} __attribute__((preserve_access_index));

struct sock {
	struct sock_common __sk_common;
	__u16 sk_protocol; /* a bitfield before 5.6: read with BPF_CORE_READ_BITFIELD_PROBED */
} __attribute__((preserve_access_index));

struct sk_buff {
	struct sk_buff *next;  /* the next skb of a frag_list chain */
	struct net_device *dev;
	struct sock *sk;
	unsigned int len;
	unsigned int data_len;
	__u16 protocol;
	__u16 transport_header;
	__u16 network_header;
	__u16 mac_header;
	unsigned char *head;
	unsigned char *data;
	unsigned int end;      /* sk_buff_data_t: an offset from head on 64-bit kernels */
	__u16 vlan_proto;      /* __be16: the offloaded 802.1Q/802.1ad tag's TPID, network order */
	__u16 vlan_tci;        /* the offloaded tag's TCI (priority, DEI, VLAN id), host order */
} __attribute__((preserve_access_index));

#endif /* !NETCAP_VMLINUX */

/*
 * Before 6.2 a tag in vlan_tci was present only when this bit was set (after 6.2: whenever
 * vlan_proto/vlan_tci are not all zero). A separate flavor, so the field is looked up (and
 * its existence tested) by CO-RE without being required.
 */
struct sk_buff___vlan_present {
	__u8 vlan_present:1;
} __attribute__((preserve_access_index));

/*
 * One page fragment of an skb: skb_frag_t, which has been struct bio_vec (5.4-6.4: bv_page,
 * bv_len, bv_offset) and struct skb_frag (netmem, len, offset), the same 16-byte layout. A
 * netmem with bit 0 set is not a page (device memory) and cannot be read.
 */
struct netcap_frag {
	__u64 page;
	__u32 len;
	__u32 offset;
};

#if !NETCAP_VMLINUX
struct skb_shared_info {
	__u8 nr_frags;
	struct sk_buff *frag_list; /* further skbs holding the rest of the packet (GRO, UDP GSO fraglist) */
	struct netcap_frag frags[1];
} __attribute__((preserve_access_index));

/* Only its size is used: the stride of the vmemmap array of struct pages. */
struct page {
	unsigned long flags;
} __attribute__((preserve_access_index));

#endif /* !NETCAP_VMLINUX */

/* Function arguments in a kprobe, by 0-based index (x86-64 calling convention). */
#define NETCAP_KPROBE_ARG_0(ctx) PT_REGS_PARM1(ctx)
#define NETCAP_KPROBE_ARG_1(ctx) PT_REGS_PARM2(ctx)
#define NETCAP_KPROBE_ARG_2(ctx) PT_REGS_PARM3(ctx)
#define NETCAP_KPROBE_ARG_3(ctx) PT_REGS_PARM4(ctx)
#define NETCAP_KPROBE_ARG_4(ctx) PT_REGS_PARM5(ctx)
/* Argument i (0-based, a constant) as u32, or 0 when i < 0: the drop reason where a function has one. */
#define NETCAP_KPROBE_U32(ctx, i) \
	((i) == 0 ? (__u32)PT_REGS_PARM1(ctx) : (i) == 1 ? (__u32)PT_REGS_PARM2(ctx) : \
	 (i) == 2 ? (__u32)PT_REGS_PARM3(ctx) : (i) == 3 ? (__u32)PT_REGS_PARM4(ctx) : \
	 (i) == 4 ? (__u32)PT_REGS_PARM5(ctx) : 0)
/* Argument i (0-based, a constant) as a pointer, or NULL when i < 0: an extension's ext (-f FUNC@S@E). */
#define NETCAP_KPROBE_PTR(ctx, i) \
	((i) == 0 ? (void *)PT_REGS_PARM1(ctx) : (i) == 1 ? (void *)PT_REGS_PARM2(ctx) : \
	 (i) == 2 ? (void *)PT_REGS_PARM3(ctx) : (i) == 3 ? (void *)PT_REGS_PARM4(ctx) : \
	 (i) == 4 ? (void *)PT_REGS_PARM5(ctx) : (void *)0)

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Everything that crosses between the kernel program and netcap, in one place: the event
 * record (a fixed 80-byte header, then ext_len bytes of the --ext-action's struct, then cap_len
 * packet bytes), the per-hook counters, the
 * backtrace count key, and the run-time settings netcap writes into .rodata before load.
 * io.netcap.capture.program.KernelAbi reads and writes them by the offsets asserted below, and
 * a test checks those against this header's BTF in the compiled object; change both together.
 */
#ifndef NETCAP_EVENT_H
#define NETCAP_EVENT_H

#define NETCAP_LINKTYPE_ETHERNET 1   /* pcap LINKTYPE_ETHERNET: packet starts at the MAC header */
#define NETCAP_LINKTYPE_RAW      101 /* pcap LINKTYPE_RAW: packet starts at the IP header */

/* netcap_event.flags */
#define NETCAP_EVENT_TRUNCATED 0x1 /* cap_len < min(wire_len, -s): bytes the hook could not read are missing */
#define NETCAP_EVENT_VLAN      0x2 /* the 4-byte 802.1Q tag after the MAC addresses was put there from skb->vlan_tci */

#define NETCAP_DEVNAME_LEN 16
#define NETCAP_NO_STACK    (-1)

struct netcap_event {
	__u64 ts_ns;       /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u64 skb;         /* address of the sk_buff (the rte_mbuf, the raw buffer), to follow one packet across hooks */
	__u32 hook;        /* index of the hook in the -f list */
	__u32 wire_len;    /* length of the packet from its first captured byte */
	__u32 cap_len;     /* bytes that follow this header */
	__u32 ifindex;     /* skb->dev->ifindex, 0 without a device; mbuf hooks: the mbuf's port */
	__u32 netns;       /* inode of the device's (or socket's) network namespace */
	__s32 stack_id;    /* kernel stack in netcap_stacks, or NETCAP_NO_STACK */
	__u32 cpu;
	__u32 reason;      /* drop reason where the hook has one, else 0 */
	__u16 link_type;   /* NETCAP_LINKTYPE_* */
	__u16 flags;       /* NETCAP_EVENT_* */
	__u32 pid;         /* user-space hooks: the process (tgid) the probe fired in; 0 at kernel hooks */
	char  dev[NETCAP_DEVNAME_LEN];
	__u32 ext_len;     /* bytes of the --ext-action's struct xcap_user_extend between this header and the packet (a multiple of 8); 0 without one */
	__u32 pad;
};

/* Per hook, per CPU; summed in user space for the exit summary. */
struct netcap_counters {
	__u64 seen;        /* the hook fired with an skb */
	__u64 matched;     /* ... and the filter (and -i) matched */
	__u64 lost;        /* ... but the event did not fit in the ring buffer */
	__u64 unlocated;   /* ... but the packet's start could not be found */
	__u64 partial;     /* ... whose bytes the filter reads could not all be read: filtered on part */
	__u64 skipped;     /* mbufs of an array argument beyond NETCAP_MAX_BURST: not read at all */
};

/* One count per distinct (stack, hook, reason) in netcap backtrace; stack_id < 0: no stack. */
struct netcap_drop_key {
	__s32 stack_id;
	__u32 hook;
	__u32 reason;
	__u32 pad;
};

/*
 * Byte offsets of the fields of DPDK's struct rte_mbuf that netcap reads (lib/mbuf/rte_mbuf_core.h;
 * 64-bit layout of DPDK 17.05 and later by default, or read from the target's debug info).
 */
struct netcap_mbuf_layout {
	__u16 buf_addr;        /* void *: the segment's buffer */
	__u16 data_off;        /* u16: where the data starts in it */
	__u16 port;            /* u16: the input port */
	__u16 pkt_len;         /* u32: the whole packet's length (first segment) */
	__u16 data_len;        /* u16: this segment's data length */
	__u16 next;            /* struct rte_mbuf *: the next segment, NULL at the last */
	__u16 pad[2];
};

/*
 * What the user chose that does not change the program's code: -s, -S, -i, --netns,
 * --skb-data, --fake-hdr, and for user-space hooks the mbuf layout and the link type. It lives in .rodata as a const volatile global, written by netcap
 * between open and load; the kernel freezes it, so the verifier sees each field as a constant
 * and drops the branches it turns off (no per-packet cost). The C source, and so the cached
 * object, does not depend on it.
 */
struct netcap_config {
	__u32 capture_size;    /* bytes of each packet sent to user space */
	__u32 copy_size;       /* at most this many bytes are copied before the filter (fewer where it reads fewer), >= capture_size */
	__u32 netns;           /* non-zero: only packets in the netns of this inode */
	__s32 skb_data_offset; /* with skb_data: the packet starts at skb->data + this */
	__u8  stacks;          /* 1: record the kernel stack of each packet */
	__u8  ifname_set;      /* 1: only packets whose skb->dev->name is ifname */
	__u8  skb_data;        /* 1: the packet starts at skb->data + skb_data_offset, as raw IP */
	__u8  fake_hdr;        /* 1: make up missing Ethernet/IP headers */
	__u32 follow_ms;       /* --gather: how long (ms) a packet matched at hook 0 is taken at the later hooks; 0 off */
	char  ifname[NETCAP_DEVNAME_LEN];     /* NUL-padded */
	__u64 ifname_mask[2];  /* over ifname as two words: 0xff for each byte up to and with its NUL */
	struct netcap_mbuf_layout mbuf; /* netcap mbuf: where struct rte_mbuf keeps each field */
	__u16 user_link;       /* user-space hooks: NETCAP_LINKTYPE_* of the buffers (raw: Ethernet or raw IP) */
	__u16 pad2[3];
};

#define NETCAP_ASSERT_OFFSET(field, off) \
	_Static_assert(__builtin_offsetof(struct netcap_event, field) == (off), "netcap_event layout changed: " #field)
NETCAP_ASSERT_OFFSET(ts_ns, 0);
NETCAP_ASSERT_OFFSET(skb, 8);
NETCAP_ASSERT_OFFSET(hook, 16);
NETCAP_ASSERT_OFFSET(wire_len, 20);
NETCAP_ASSERT_OFFSET(cap_len, 24);
NETCAP_ASSERT_OFFSET(ifindex, 28);
NETCAP_ASSERT_OFFSET(netns, 32);
NETCAP_ASSERT_OFFSET(stack_id, 36);
NETCAP_ASSERT_OFFSET(cpu, 40);
NETCAP_ASSERT_OFFSET(reason, 44);
NETCAP_ASSERT_OFFSET(link_type, 48);
NETCAP_ASSERT_OFFSET(pid, 52);
NETCAP_ASSERT_OFFSET(dev, 56);
NETCAP_ASSERT_OFFSET(ext_len, 72);
_Static_assert(sizeof(struct netcap_event) == 80, "netcap_event size changed");
_Static_assert(sizeof(struct netcap_counters) == 48, "netcap_counters size changed");
_Static_assert(sizeof(struct netcap_drop_key) == 16, "netcap_drop_key size changed");
_Static_assert(__builtin_offsetof(struct netcap_config, stacks) == 16, "netcap_config layout changed");
_Static_assert(__builtin_offsetof(struct netcap_config, follow_ms) == 20, "netcap_config layout changed");
_Static_assert(__builtin_offsetof(struct netcap_config, ifname) == 24, "netcap_config layout changed");
_Static_assert(__builtin_offsetof(struct netcap_config, ifname_mask) == 40, "netcap_config layout changed");
_Static_assert(__builtin_offsetof(struct netcap_config, mbuf) == 56, "netcap_config layout changed");
_Static_assert(__builtin_offsetof(struct netcap_config, user_link) == 72, "netcap_config layout changed");
_Static_assert(sizeof(struct netcap_config) == 80, "netcap_config size changed");

#endif

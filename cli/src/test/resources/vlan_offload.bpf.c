// SPDX-License-Identifier: Apache-2.0
/*
 * Test helper for the VLAN-offload test: this kernel has no 8021q module, so a tc program makes
 * the offloaded 802.1Q tag a VLAN device with tx-vlan-offload would. "push" (clsact egress of
 * one end of a veth) tags every IPv4 frame with VLAN 100, priority 5, in skb->vlan_tci; "pop"
 * (clsact ingress of the other end) takes it off again after the receive hooks have seen it, so
 * the stack answers as usual.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define VLAN_ID 100
#define VLAN_PRIO 5

SEC("tc/push")
int push(struct __sk_buff *skb)
{
	if (skb->protocol == bpf_htons(0x0800))
		bpf_skb_vlan_push(skb, bpf_htons(0x8100), (VLAN_PRIO << 13) | VLAN_ID);
	return TC_ACT_OK;
}

SEC("tc/pop")
int pop(struct __sk_buff *skb)
{
	if (skb->vlan_present)
		bpf_skb_vlan_pop(skb);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";

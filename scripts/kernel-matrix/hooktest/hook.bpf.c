// SPDX-License-Identifier: GPL-2.0
// Tiny BPF object for the kernel-matrix self test: one counter per hook kind,
// all on icmp_rcv() (hit by every ICMP packet received, e.g. a ping on lo).
// Built without vmlinux.h: the programs only count, they read no arguments.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

__u64 fentry_hits;
__u64 fexit_hits;
__u64 kprobe_hits;
__u64 kretprobe_hits;
__u64 kprobe_multi_hits;

SEC("fentry/icmp_rcv")
int BPF_PROG(on_fentry, void *skb)
{
	__sync_fetch_and_add(&fentry_hits, 1);
	return 0;
}

SEC("fexit/icmp_rcv")
int BPF_PROG(on_fexit, void *skb, int ret)
{
	__sync_fetch_and_add(&fexit_hits, 1);
	return 0;
}

SEC("kprobe/icmp_rcv")
int on_kprobe(void *ctx)
{
	__sync_fetch_and_add(&kprobe_hits, 1);
	return 0;
}

SEC("kretprobe/icmp_rcv")
int on_kretprobe(void *ctx)
{
	__sync_fetch_and_add(&kretprobe_hits, 1);
	return 0;
}

SEC("kprobe.multi/icmp_rcv")
int on_kprobe_multi(void *ctx)
{
	__sync_fetch_and_add(&kprobe_multi_hits, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

/*
 * dpdk_app: a small DPDK application for netcap's user-space capture tests (netcap mbuf).
 *
 * It receives the frames of a pcap file through DPDK's net_pcap virtual device and hands them to
 * functions a uprobe can hook, in each form netcap knows:
 *   process_burst(struct rte_mbuf **pkts, uint16_t n)  every non-empty rte_eth_rx_burst result (n <= 32)
 *   process_one(struct rte_mbuf *m)                     every mbuf of the burst
 *   process_chain(struct rte_mbuf *m)                   a copy of every frame as a chain of
 *       CHAIN_SEG_DATA-byte segments (pkt_len is the whole frame, data_len that segment's share);
 *       segment 0's data_off is above the default headroom and segment 1's below it, so a reader
 *       that assumes the default headroom, or reuses the first segment's data_off, reads wrong
 *       bytes (test mode only)
 * and, in both modes, through two USDT probes (<sys/sdt.h>):
 *   netcap_test:rx_burst(pkts, n)       once per burst
 *   netcap_test:rx_mbuf(m, m->pkt_len)  once per mbuf
 *
 * Build (gcc; no -rdynamic, so a stripped copy has none of these functions in .dynsym):
 *   gcc -O2 -g dpdk_app.c -o dpdk_app $(pkg-config --cflags --libs libdpdk)
 * scripts/bench also builds two variants that differ only in the first instruction of each
 * process_* function, which decides what a uprobe there costs (x86 uprobes single-step most
 * instructions out of line, but emulate a nop, and a kernel with the uprobe optimisation turns a
 * 5-byte nop into a call):
 *   -DPROBE_ENTRY_NOPS=1  five 1-byte nops at the entry (GCC's patchable_function_entry(5))
 *   -DPROBE_ENTRY_NOPS=5  one 5-byte nop (nopl 0x0(%rax,%rax,1)) as the first instruction
 *
 * Usage (root; EAL runs without hugepages, PCI or shared config files; RUNTIME_DIRECTORY should
 * name a private temporary directory, where EAL puts its runtime files):
 *   dpdk_app PCAP                  test mode: every frame of PCAP exactly once
 *   dpdk_app --bench SECONDS PCAP  benchmark: PCAP replayed endlessly (net_pcap infinite_rx=1)
 *                                  for SECONDS; no process_chain
 *
 * Protocol on stdin/stdout (EAL's log goes to stderr, so stdout has only these lines):
 *   1. after EAL and port set-up it prints "ready <pid>" and waits for one line on stdin (time to
 *      attach probes); EOF there ends it without receiving anything;
 *   2. test mode: it receives until the pcap is exhausted (net_pcap returns nothing
 *      IDLE_POLLS_TO_END polls in a row; at most MAX_RX_SECONDS in all), then prints
 *      "processed <N>", N the frames received;
 *      bench mode: it receives for SECONDS, then prints "rate <packets per second>",
 *      "processed <N>" (the frames received, each handed to process_one) and "bursts <B>" (the
 *      non-empty bursts, each handed to process_burst);
 *   3. it waits for EOF on stdin, frees everything and exits 0.
 * Exit 1 with a message on stderr on any failure (EAL, port, pool, or a chain whose bytes differ
 * from its frame).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sdt.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#define BURST 32
/* Enough for a whole test pcap in flight plus infinite_rx's copy of a small bench pcap. */
#define POOL_MBUFS 8191
#define CHAIN_SEG_DATA 40
/* Segment 0 starts this far past the default headroom, segment 1 this far into the buffer. */
#define CHAIN_SEG0_EXTRA 24
#define CHAIN_SEG1_DATA_OFF 16
#define CHAIN_POOL_MBUFS 1023
#define IDLE_POLLS_TO_END 10
#define IDLE_POLL_SLEEP_US 1000
#define MAX_RX_SECONDS 60

/* Where the probe targets leave a trace of the bytes they read, so no work is optimised away. */
volatile uint64_t checksum;

#include "probe_target.h"

/*
 * PROBE_ENTRY before a probe target's definition, PROBE_ENTRY_INSN as its first statement: the
 * benchmark variants of the header comment; nothing in the default build. The asm's memory
 * clobber keeps the function's loads after the nop.
 */
#if defined(PROBE_ENTRY_NOPS) && PROBE_ENTRY_NOPS == 1
#define PROBE_ENTRY __attribute__((patchable_function_entry(5)))
#define PROBE_ENTRY_INSN
#elif defined(PROBE_ENTRY_NOPS) && PROBE_ENTRY_NOPS == 5
#define PROBE_ENTRY
#define PROBE_ENTRY_INSN asm volatile(".byte 0x0f, 0x1f, 0x44, 0x00, 0x00" ::: "memory")
#elif defined(PROBE_ENTRY_NOPS)
#error "PROBE_ENTRY_NOPS must be 1 or 5"
#else
#define PROBE_ENTRY
#define PROBE_ENTRY_INSN
#endif

static uint64_t sum_segment(const struct rte_mbuf *seg)
{
	const uint8_t *p = rte_pktmbuf_mtod(seg, const uint8_t *);
	uint64_t s = 0;
	for (uint16_t i = 0; i < seg->data_len; i++)
		s += p[i];
	return s;
}

PROBE_ENTRY PROBE_TARGET void process_one(struct rte_mbuf *m)
{
	PROBE_ENTRY_INSN;
	checksum += sum_segment(m);
	asm volatile("" ::: "memory");
}

PROBE_ENTRY PROBE_TARGET void process_burst(struct rte_mbuf **pkts, uint16_t n)
{
	PROBE_ENTRY_INSN;
	uint64_t s = 0;
	for (uint16_t i = 0; i < n; i++)
		s += pkts[i]->pkt_len;
	checksum += s;
	asm volatile("" ::: "memory");
}

PROBE_TARGET void process_chain(struct rte_mbuf *m)
{
	uint64_t s = 0;
	for (const struct rte_mbuf *seg = m; seg != NULL; seg = seg->next)
		s += sum_segment(seg);
	checksum += s;
	asm volatile("" ::: "memory");
}

/*
 * A new chain from chain_pool holding a copy of m's bytes, CHAIN_SEG_DATA per segment, with the
 * data_off quirks described at the top. NULL when the pool is empty (nothing leaks).
 */
static struct rte_mbuf *copy_as_chain(const struct rte_mbuf *m, struct rte_mempool *chain_pool)
{
	struct rte_mbuf *head = NULL, *tail = NULL;
	uint32_t off = 0;
	for (unsigned seg_no = 0; off < m->pkt_len || seg_no == 0; seg_no++) {
		struct rte_mbuf *seg = rte_pktmbuf_alloc(chain_pool);
		if (seg == NULL) {
			rte_pktmbuf_free(head);
			return NULL;
		}
		if (seg_no == 0)
			seg->data_off = RTE_PKTMBUF_HEADROOM + CHAIN_SEG0_EXTRA;
		else if (seg_no == 1)
			seg->data_off = CHAIN_SEG1_DATA_OFF;
		uint32_t len = RTE_MIN((uint32_t)CHAIN_SEG_DATA, m->pkt_len - off);
		uint8_t buf[CHAIN_SEG_DATA];
		const void *src = rte_pktmbuf_read(m, off, len, buf);
		memcpy(rte_pktmbuf_mtod(seg, void *), src, len);
		seg->data_len = (uint16_t)len;
		off += len;
		if (head == NULL) {
			head = seg;
			head->pkt_len = 0;
			head->nb_segs = 0;
			head->port = m->port;
		} else {
			tail->next = seg;
		}
		tail = seg;
		head->pkt_len += len;
		head->nb_segs++;
	}
	return head;
}

/* 0 when the chain's bytes are m's bytes. */
static int chain_differs(const struct rte_mbuf *chain, const struct rte_mbuf *m)
{
	if (chain->pkt_len != m->pkt_len)
		return 1;
	uint32_t off = 0;
	for (const struct rte_mbuf *seg = chain; seg != NULL; seg = seg->next) {
		uint8_t buf[CHAIN_SEG_DATA];
		const void *orig = rte_pktmbuf_read(m, off, seg->data_len, buf);
		if (orig == NULL || memcmp(orig, rte_pktmbuf_mtod(seg, const void *), seg->data_len) != 0)
			return 1;
		off += seg->data_len;
	}
	return off != m->pkt_len;
}

static void handle_burst(struct rte_mbuf **pkts, uint16_t n)
{
	DTRACE_PROBE2(netcap_test, rx_burst, pkts, n);
	process_burst(pkts, n);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		DTRACE_PROBE2(netcap_test, rx_mbuf, m, m->pkt_len);
		process_one(m);
	}
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Test mode: every frame once; returns the frame count, or -1 after saying what went wrong. */
static long receive_all(uint16_t port, struct rte_mempool *chain_pool)
{
	struct rte_mbuf *pkts[BURST];
	long frames = 0;
	int idle = 0;
	double deadline = now_seconds() + MAX_RX_SECONDS;
	while (idle < IDLE_POLLS_TO_END) {
		if (now_seconds() > deadline) {
			fprintf(stderr, "dpdk_app: still receiving after %d s (%ld frames so far)\n", MAX_RX_SECONDS,
				frames);
			return -1;
		}
		uint16_t n = rte_eth_rx_burst(port, 0, pkts, BURST);
		if (n == 0) {
			idle++;
			usleep(IDLE_POLL_SLEEP_US);
			continue;
		}
		idle = 0;
		handle_burst(pkts, n);
		int failed = 0;
		for (uint16_t i = 0; i < n && !failed; i++) {
			struct rte_mbuf *chain = copy_as_chain(pkts[i], chain_pool);
			if (chain == NULL) {
				fprintf(stderr, "dpdk_app: chain pool empty\n");
				failed = 1;
			} else if (chain_differs(chain, pkts[i])) {
				fprintf(stderr, "dpdk_app: chain of frame %ld differs from the frame\n", frames + i);
				failed = 1;
			} else {
				process_chain(chain);
			}
			rte_pktmbuf_free(chain);
		}
		rte_pktmbuf_free_bulk(pkts, n);
		if (failed)
			return -1;
		frames += n;
	}
	return frames;
}

/*
 * Bench mode: receives for the given time; returns packets per second, and the packets and
 * non-empty bursts received in *packets_out and *bursts_out.
 */
static double receive_for(uint16_t port, double seconds, uint64_t *packets_out, uint64_t *bursts_out)
{
	struct rte_mbuf *pkts[BURST];
	uint64_t packets = 0, bursts = 0;
	uint64_t hz = rte_get_timer_hz();
	uint64_t start = rte_get_timer_cycles();
	uint64_t end = start + (uint64_t)(seconds * hz);
	uint64_t now = start;
	while (now < end) {
		uint16_t n = rte_eth_rx_burst(port, 0, pkts, BURST);
		if (n > 0) {
			handle_burst(pkts, n);
			rte_pktmbuf_free_bulk(pkts, n);
			packets += n;
			bursts++;
		}
		now = rte_get_timer_cycles();
	}
	*packets_out = packets;
	*bursts_out = bursts;
	return packets / ((double)(now - start) / hz);
}

/* 1 after a line, 0 at EOF. */
static int read_line(void)
{
	char line[256];
	return fgets(line, sizeof line, stdin) != NULL;
}

static void wait_for_eof(void)
{
	while (read_line())
		;
}

static int usage(void)
{
	fprintf(stderr, "usage: dpdk_app PCAP | dpdk_app --bench SECONDS PCAP\n");
	return 2;
}

static int set_up_port(uint16_t port, struct rte_mempool *pool)
{
	struct rte_eth_conf conf;
	memset(&conf, 0, sizeof conf);
	int rc = rte_eth_dev_configure(port, 1, 1, &conf);
	if (rc == 0)
		rc = rte_eth_rx_queue_setup(port, 0, 512, rte_eth_dev_socket_id(port), NULL, pool);
	if (rc == 0)
		rc = rte_eth_tx_queue_setup(port, 0, 512, rte_eth_dev_socket_id(port), NULL);
	if (rc == 0)
		rc = rte_eth_dev_start(port);
	if (rc != 0)
		fprintf(stderr, "dpdk_app: port %u set-up failed: %s\n", port, rte_strerror(-rc));
	return rc;
}

int main(int argc, char **argv)
{
	double bench_seconds = 0;
	const char *pcap;
	if (argc == 2 && argv[1][0] != '-') {
		pcap = argv[1];
	} else if (argc == 4 && strcmp(argv[1], "--bench") == 0) {
		char *end;
		bench_seconds = strtod(argv[2], &end);
		if (*end != '\0' || !(bench_seconds > 0 && bench_seconds <= 3600))
			return usage();
		pcap = argv[3];
	} else {
		return usage();
	}
	if (access(pcap, R_OK) != 0) {
		fprintf(stderr, "dpdk_app: cannot read %s: %s\n", pcap, strerror(errno));
		return 1;
	}

	char vdev[4096];
	snprintf(vdev, sizeof vdev, "--vdev=net_pcap0,rx_pcap=%s%s", pcap, bench_seconds > 0 ? ",infinite_rx=1" : "");
	char *eal_argv[] = {argv[0], "-l", "0", "--no-huge", "-m", "1024", "--no-pci", "--no-shconf",
			    "--no-telemetry", vdev, NULL};
	int eal_argc = (int)(sizeof eal_argv / sizeof eal_argv[0]) - 1;
	rte_openlog_stream(stderr); /* stdout carries only the protocol lines */
	if (rte_eal_init(eal_argc, eal_argv) < 0) {
		fprintf(stderr, "dpdk_app: EAL init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	int status = 1;
	struct rte_mempool *pool = NULL, *chain_pool = NULL;
	uint16_t port = 0;
	int port_started = 0;
	if (rte_eth_dev_count_avail() != 1) {
		fprintf(stderr, "dpdk_app: expected 1 port (net_pcap0), found %u\n", rte_eth_dev_count_avail());
		goto out;
	}
	RTE_ETH_FOREACH_DEV(port)
		break;
	pool = rte_pktmbuf_pool_create("rx", POOL_MBUFS, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	chain_pool = rte_pktmbuf_pool_create("chain", CHAIN_POOL_MBUFS, 0, 0,
					     RTE_PKTMBUF_HEADROOM + CHAIN_SEG0_EXTRA + CHAIN_SEG_DATA, rte_socket_id());
	if (pool == NULL || chain_pool == NULL) {
		fprintf(stderr, "dpdk_app: mbuf pool: %s\n", rte_strerror(rte_errno));
		goto out;
	}
	if (set_up_port(port, pool) != 0)
		goto out;
	port_started = 1;

	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	if (!read_line()) {
		status = 0; /* told to stop before starting */
		goto out;
	}
	if (bench_seconds > 0) {
		uint64_t packets, bursts;
		double rate = receive_for(port, bench_seconds, &packets, &bursts);
		printf("rate %.0f\nprocessed %" PRIu64 "\nbursts %" PRIu64 "\n", rate, packets, bursts);
	} else {
		long frames = receive_all(port, chain_pool);
		if (frames < 0)
			goto out;
		printf("processed %ld\n", frames);
	}
	fflush(stdout);
	wait_for_eof();
	status = 0;
out:
	if (port_started) {
		rte_eth_dev_stop(port);
		rte_eth_dev_close(port);
	}
	rte_mempool_free(chain_pool);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return status;
}

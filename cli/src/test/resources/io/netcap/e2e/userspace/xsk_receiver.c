/*
 * xsk_receiver: an AF_XDP receiver for netcap's user-space capture tests (netcap raw).
 *
 * It binds an AF_XDP socket (libxdp's xsk API, generic/skb XDP mode, copy mode) to queue 0 of a
 * device and hands every frame it receives to
 *   process_raw(char *data, uint16_t len)   data: the frame in the UMEM, len: its length
 * a function a uprobe can hook. Every frame arriving on that queue goes to the socket (libxdp's
 * default XDP program redirects them all), so the kernel stack sees none: no ARP replies either.
 *
 * Build:
 *   gcc -O2 -g xsk_receiver.c -o xsk_receiver $(pkg-config --cflags --libs libxdp) -lbpf
 *
 * Usage (root; libxdp wants a bpffs at /sys/fs/bpf; run it in the device's network namespace):
 *   xsk_receiver DEV
 *
 * Protocol: prints "ready <pid>" on stdout once bound; counts the frames it receives; at EOF on
 * stdin (or SIGINT/SIGTERM) prints "received <N>", deletes the socket and the UMEM (which takes
 * libxdp's XDP program off the device) and exits 0. Exit 1 with a message on stderr on failure.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <xdp/xsk.h>

#define NUM_FRAMES XSK_RING_PROD__DEFAULT_NUM_DESCS
#define FRAME_SIZE XSK_UMEM__DEFAULT_FRAME_SIZE
#define RX_BATCH 64
#define POLL_TIMEOUT_MS 200
#define FINAL_POLL_MS 50
#define FINAL_DRAIN_ROUNDS 100

/* Where process_raw leaves a trace of the bytes it read, so no work is optimised away. */
volatile uint64_t checksum;
static volatile sig_atomic_t stop;

#include "probe_target.h"

PROBE_TARGET void process_raw(char *data, uint16_t len)
{
	uint64_t s = 0;
	for (uint16_t i = 0; i < len; i++)
		s += (unsigned char)data[i];
	checksum += s;
	asm volatile("" ::: "memory");
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Gives n frames back to the kernel through the fill ring; 0 if the ring had no room. */
static int refill(struct xsk_ring_prod *fill, const __u64 *addrs, unsigned n)
{
	__u32 idx;
	if (xsk_ring_prod__reserve(fill, n, &idx) != n)
		return 0;
	for (unsigned i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(fill, idx + i) = addrs[i];
	xsk_ring_prod__submit(fill, n);
	return 1;
}

/* Handles what the RX ring holds; returns the frame count, or -1 if the fill ring overflowed. */
static long drain_rx(struct xsk_ring_cons *rx, struct xsk_ring_prod *fill, void *umem_area)
{
	long frames = 0;
	for (int round = 0; round < NUM_FRAMES / RX_BATCH; round++) {
		__u32 idx;
		unsigned n = xsk_ring_cons__peek(rx, RX_BATCH, &idx);
		if (n == 0)
			break;
		__u64 addrs[RX_BATCH];
		for (unsigned i = 0; i < n; i++) {
			const struct xdp_desc *d = xsk_ring_cons__rx_desc(rx, idx + i);
			process_raw(xsk_umem__get_data(umem_area, d->addr), (uint16_t)d->len);
			addrs[i] = xsk_umem__extract_addr(d->addr);
		}
		xsk_ring_cons__release(rx, n);
		if (!refill(fill, addrs, n))
			return -1;
		frames += n;
	}
	return frames;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: xsk_receiver DEV\n");
		return 2;
	}
	const char *dev = argv[1];
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal; /* no SA_RESTART: poll returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	int status = 1;
	struct xsk_umem *umem = NULL;
	struct xsk_socket *xsk = NULL;
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
	size_t area_size = (size_t)NUM_FRAMES * FRAME_SIZE;
	void *area = mmap(NULL, area_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED) {
		fprintf(stderr, "xsk_receiver: mmap: %s\n", strerror(errno));
		return 1;
	}
	int rc = xsk_umem__create(&umem, area, area_size, &fill, &comp, NULL);
	if (rc != 0) {
		fprintf(stderr, "xsk_receiver: xsk_umem__create: %s\n", strerror(-rc));
		umem = NULL;
		goto out;
	}
	struct xsk_socket_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS;
	cfg.tx_size = XSK_RING_PROD__DEFAULT_NUM_DESCS;
	cfg.xdp_flags = XDP_FLAGS_SKB_MODE;
	cfg.bind_flags = XDP_COPY;
	rc = xsk_socket__create(&xsk, dev, 0, umem, &rx, &tx, &cfg);
	if (rc != 0) {
		fprintf(stderr, "xsk_receiver: xsk_socket__create on %s queue 0: %s\n", dev, strerror(-rc));
		xsk = NULL;
		goto out;
	}
	/* The whole UMEM goes to the kernel for receiving; each frame comes back once handled. */
	__u32 idx;
	if (xsk_ring_prod__reserve(&fill, NUM_FRAMES, &idx) != NUM_FRAMES) {
		fprintf(stderr, "xsk_receiver: cannot fill the fill ring\n");
		goto out;
	}
	for (__u32 i = 0; i < NUM_FRAMES; i++)
		*xsk_ring_prod__fill_addr(&fill, idx + i) = (__u64)i * FRAME_SIZE;
	xsk_ring_prod__submit(&fill, NUM_FRAMES);

	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	long frames = 0;
	struct pollfd fds[2] = {{.fd = xsk_socket__fd(xsk), .events = POLLIN}, {.fd = STDIN_FILENO, .events = POLLIN}};
	while (!stop) {
		int ready = poll(fds, 2, POLL_TIMEOUT_MS);
		if (ready < 0 && errno != EINTR) {
			fprintf(stderr, "xsk_receiver: poll: %s\n", strerror(errno));
			goto out;
		}
		long n = drain_rx(&rx, &fill, area);
		if (n < 0) {
			fprintf(stderr, "xsk_receiver: fill ring overflow\n");
			goto out;
		}
		frames += n;
		if (ready > 0 && (fds[1].revents & (POLLIN | POLLHUP))) {
			char buf[256];
			if (read(STDIN_FILENO, buf, sizeof buf) <= 0)
				break; /* EOF: the test is done */
		}
	}
	/* Frames sent just before EOF may still be on their way through the stack: wait for them
	 * until the socket stays quiet for one short poll (at most FINAL_DRAIN_ROUNDS of them). */
	for (int round = 0; round < FINAL_DRAIN_ROUNDS; round++) {
		struct pollfd xfd = {.fd = xsk_socket__fd(xsk), .events = POLLIN};
		poll(&xfd, 1, FINAL_POLL_MS);
		long n = drain_rx(&rx, &fill, area);
		if (n < 0) {
			fprintf(stderr, "xsk_receiver: fill ring overflow\n");
			goto out;
		}
		if (n == 0)
			break;
		frames += n;
	}
	printf("received %ld\n", frames);
	fflush(stdout);
	status = 0;
out:
	if (xsk != NULL)
		xsk_socket__delete(xsk);
	if (umem != NULL && xsk_umem__delete(umem) != 0) {
		fprintf(stderr, "xsk_receiver: UMEM still in use\n");
		status = 1;
	}
	munmap(area, area_size);
	return status;
}

// Source(D) as getaddrinfo finds it (RFC 6724 §6), for many destinations at once: the kernel's route
// lookups over rtnetlink in batches, and a connected UDP socket's local address where those cannot say.
//
// Decision (issue 6, capture): connect, getsockname and an AF_UNSPEC disconnect cost ~5 µs a destination
// on this kind of VM, three system calls each (a capture's 160,000 destinations: ~0.8 s). RTM_GETROUTE
// asks the same route lookup and the same source selection the connect does (IPv4: the output route's
// flow source; IPv6: ip6_route_get_saddr on the route found), 32 requests a sendmsg and their replies in
// one recvmmsg: ~0.7 µs a destination. A reply is taken only when it is plain: a unicast or local route
// with a preferred source. Anything else — an error (no route), a broadcast, multicast or other route,
// a lost reply — and the destinations whose connect() the kernel treats apart from the route lookup
// (IPv6 link-local and multicast, which need a zone; v4-mapped, which connects over IPv4; the
// unspecified address, which connects to loopback) are probed by connect as before. test/unit/
// source-probe.test.ts holds both paths to a fresh node:dgram socket's answers.
#define _GNU_SOURCE
#include "source-route.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/** Route requests a sendmsg: their replies (a few KiB of buffer each) must fit the socket's receive buffer. */
#define ROUTE_BATCH 32
/** The port a probe connects to (source-probe.ts probePort) and a route request names, for policy rules on ports. */
#define PROBE_PORT 9

/** A route request: the header, the message, RTA_DST (16 bytes at most), RTA_IP_PROTO and RTA_DPORT. */
typedef struct {
	struct nlmsghdr header;
	struct rtmsg message;
	char attributes[RTA_SPACE(16) + RTA_SPACE(1) + RTA_SPACE(2)];
} route_request;

/** A reply's room: an RTM_NEWROUTE for one destination is a few hundred bytes. */
#define REPLY_SIZE 1024

/** Where a destination stands in a batch. */
enum { PENDING = 0, ANSWERED = 1, CONNECT = 2 };


/** The rtnetlink socket of this thread, opened on first use and kept; -1 when none can be had (then connect). */
static int route_socket(void) {
	static _Thread_local int fd = -1;
	if (fd >= 0) return fd;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) return -1;
	// Room for a whole batch of replies, as far as net.core.rmem_max allows; a reply that does not fit
	// is lost, and its destination is probed by connect. HE6_DNS_PROBE_RCVBUF sets another size (the
	// tests make it tiny, so that replies are lost).
	const char *wanted = getenv("HE6_DNS_PROBE_RCVBUF");
	int size = wanted != NULL && atoi(wanted) > 0 ? atoi(wanted) : 1 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
	return fd;
}

/** Whether the route lookup answers `d` as connect() would (see the top of the file). */
static int routable(int family, const uint8_t *d) {
	if (family == 4) return !(d[0] == 0 && d[1] == 0 && d[2] == 0 && d[3] == 0);
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	static const uint8_t zero[16];
	if (d[0] == 0xff) return 0;                          // multicast
	if (d[0] == 0xfe && (d[1] & 0xc0) == 0x80) return 0; // link-local
	if (memcmp(d, mapped, 12) == 0) return 0;
	return memcmp(d, zero, 16) != 0;
}

static void put_attribute(route_request *r, unsigned short type, const void *data, size_t length) {
	struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->header.nlmsg_len));
	a->rta_type = type;
	a->rta_len = RTA_LENGTH(length);
	memcpy(RTA_DATA(a), data, length);
	r->header.nlmsg_len = NLMSG_ALIGN(r->header.nlmsg_len) + RTA_SPACE(length);
}

/** Reads one reply into out/ok/state when it is a plain route with a source; otherwise marks it for connect. */
static void take_reply(const struct nlmsghdr *h, size_t length, int family, uint32_t first_seq, const int32_t *index, int n, uint8_t *out, uint8_t *ok, uint8_t *state) {
	if (!NLMSG_OK(h, length)) return;
	uint32_t k = h->nlmsg_seq - first_seq;
	if (k >= (uint32_t)n) return; // a reply to another call's request (never expected): not ours to read
	int32_t i = index[k];
	if (state[k] != PENDING) return;
	state[k] = CONNECT;
	if (h->nlmsg_type != RTM_NEWROUTE || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct rtmsg))) return;
	const struct rtmsg *m = NLMSG_DATA(h);
	if (m->rtm_type != RTN_UNICAST && m->rtm_type != RTN_LOCAL) return;
	size_t size = family == 4 ? 4 : 16;
	int attributes_length = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(struct rtmsg));
	for (const struct rtattr *a = RTM_RTA(m); RTA_OK(a, attributes_length); a = RTA_NEXT(a, attributes_length)) {
		if (a->rta_type != RTA_PREFSRC || RTA_PAYLOAD(a) != size) continue;
		static const uint8_t zero[16];
		if (memcmp(RTA_DATA(a), zero, size) == 0) return;
		memcpy(out + (size_t)i * 16, RTA_DATA(a), size);
		ok[i] = 1;
		state[k] = ANSWERED;
		return;
	}
}

/**
 * Route lookups for up to ROUTE_BATCH destinations (their positions in `index`): one sendmsg, then
 * the replies the kernel queued while handling it. Those left PENDING or CONNECT go to connect.
 */
static void route_batch(int fd, int family, const uint8_t *d, const int32_t *index, int n, uint8_t *out, uint8_t *ok, uint8_t *state) {
	static _Thread_local uint32_t next_seq = 1;
	static _Thread_local route_request requests[ROUTE_BATCH];
	static _Thread_local uint8_t replies[ROUTE_BATCH][REPLY_SIZE];
	size_t size = family == 4 ? 4 : 16;
	uint32_t first_seq = next_seq;
	next_seq += ROUTE_BATCH;
	struct iovec send_iov[ROUTE_BATCH];
	uint8_t protocol = IPPROTO_UDP;
	uint16_t port = htons(PROBE_PORT);
	for (int k = 0; k < n; k++) {
		route_request *r = &requests[k];
		memset(r, 0, sizeof *r);
		r->header.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
		r->header.nlmsg_type = RTM_GETROUTE;
		r->header.nlmsg_flags = NLM_F_REQUEST;
		r->header.nlmsg_seq = first_seq + (uint32_t)k;
		r->message.rtm_family = family == 4 ? AF_INET : AF_INET6;
		r->message.rtm_dst_len = family == 4 ? 32 : 128;
		put_attribute(r, RTA_DST, d + (size_t)index[k] * size, size);
		// As the probe's connect() flows: UDP to port 9, for rules that match on them (ip rule ipproto/dport).
		put_attribute(r, RTA_IP_PROTO, &protocol, 1);
		put_attribute(r, RTA_DPORT, &port, 2);
		send_iov[k].iov_base = r;
		send_iov[k].iov_len = NLMSG_ALIGN(r->header.nlmsg_len);
		state[k] = PENDING;
	}
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	struct msghdr message = {.msg_name = &kernel, .msg_namelen = sizeof kernel, .msg_iov = send_iov, .msg_iovlen = (size_t)n};
	if (sendmsg(fd, &message, 0) < 0) return;
	// The kernel answers each request while sendmsg runs: every reply that fit is queued by now.
	int waiting = n;
	while (waiting > 0) {
		struct mmsghdr messages[ROUTE_BATCH];
		struct iovec iov[ROUTE_BATCH];
		for (int k = 0; k < waiting; k++) {
			iov[k].iov_base = replies[k];
			iov[k].iov_len = REPLY_SIZE;
			memset(&messages[k], 0, sizeof messages[k]);
			messages[k].msg_hdr.msg_iov = &iov[k];
			messages[k].msg_hdr.msg_iovlen = 1;
		}
		int got = recvmmsg(fd, messages, (unsigned)waiting, MSG_DONTWAIT, NULL);
		if (got < 0) {
			// ENOBUFS: some reply did not fit (its destination stays PENDING); read on. Else: no more.
			if (errno == ENOBUFS || errno == EINTR) continue;
			return;
		}
		if (got == 0) return;
		for (int m = 0; m < got; m++) {
			const struct nlmsghdr *h = (const struct nlmsghdr *)replies[m];
			take_reply(h, messages[m].msg_len, family, first_seq, index, n, out, ok, state);
		}
		waiting -= got;
	}
}

/**
 * The connect() probe for destination i, as source-probe.ts reads it, on one socket a family: opened on
 * first use and kept (a probe leaves it disconnected), since a socket and a close per call doubled a
 * one-destination probe's system calls. Per thread, so a worker thread that loads the addon never
 * shares one mid-probe (they stay open until exit). -1 (errno set) when no socket can be had.
 */
static int probe_connect(int family, const uint8_t *d, int32_t i, uint8_t *out, uint8_t *ok) {
	static _Thread_local int sockets[2] = {-1, -1};
	int *slot = &sockets[family == 4 ? 0 : 1];
	if (*slot < 0) *slot = socket(family == 4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (*slot < 0) return -1;
	int fd = *slot;
	struct sockaddr_storage to, local;
	memset(&to, 0, sizeof to);
	socklen_t to_length;
	size_t size = family == 4 ? 4 : 16;
	if (family == 4) {
		struct sockaddr_in *v4 = (struct sockaddr_in *)&to;
		v4->sin_family = AF_INET;
		v4->sin_port = htons(PROBE_PORT);
		memcpy(&v4->sin_addr, d + (size_t)i * 4, 4);
		to_length = sizeof *v4;
	} else {
		struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&to;
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(PROBE_PORT);
		memcpy(&v6->sin6_addr, d + (size_t)i * 16, 16);
		to_length = sizeof *v6;
	}
	ok[i] = 0;
	if (connect(fd, (struct sockaddr *)&to, to_length) < 0) return 0;
	socklen_t local_length = sizeof local;
	if (getsockname(fd, (struct sockaddr *)&local, &local_length) == 0) {
		static const uint8_t zero[16];
		const uint8_t *address = family == 4 ? (const uint8_t *)&((struct sockaddr_in *)&local)->sin_addr : (const uint8_t *)&((struct sockaddr_in6 *)&local)->sin6_addr;
		memcpy(out + (size_t)i * 16, address, size);
		// An unspecified local address means the kernel found no source (as source-probe.ts reads it).
		ok[i] = memcmp(address, zero, size) != 0;
	}
	// Disconnected (AF_UNSPEC), Linux resets an autobound local address: the next connect chooses afresh.
	struct sockaddr unspecified;
	memset(&unspecified, 0, sizeof unspecified);
	unspecified.sa_family = AF_UNSPEC;
	connect(fd, &unspecified, sizeof unspecified);
	return 0;
}

/**
 * route_batch for the destinations in `index`, then connect() for those it left; adds the ones the
 * route lookups answered to *routed. -1 (errno set) when no socket can be had.
 */
static int route_then_connect(int routes, int family, const uint8_t *d, const int32_t *index, int n, uint8_t *out, uint8_t *ok, int32_t *routed) {
	uint8_t state[ROUTE_BATCH];
	route_batch(routes, family, d, index, n, out, ok, state);
	for (int k = 0; k < n; k++) {
		if (state[k] == ANSWERED) (*routed)++;
		else if (probe_connect(family, d, index[k], out, ok) < 0) return -1;
	}
	return 0;
}

int32_t source_probe_many(int family, const uint8_t *d, int32_t count, uint8_t *out, uint8_t *ok) {
	size_t size = family == 4 ? 4 : 16;
	memset(ok, 0, (size_t)count);
	static int use_routes = -1;
	if (use_routes < 0) {
		const char *mode = getenv("HE6_DNS_PROBE");
		use_routes = mode == NULL || strcmp(mode, "connect") != 0;
	}
	int routes = use_routes ? route_socket() : -1;
	// The route lookups take theirs ROUTE_BATCH at a time; the rest are connect()ed to in order.
	int32_t index[ROUTE_BATCH];
	int pending = 0;
	int32_t routed = 0;
	for (int32_t i = 0; i < count; i++) {
		if (routes >= 0 && routable(family, d + (size_t)i * size)) {
			index[pending++] = i;
			if (pending == ROUTE_BATCH) {
				if (route_then_connect(routes, family, d, index, pending, out, ok, &routed) < 0) return -1;
				pending = 0;
			}
		} else if (probe_connect(family, d, i, out, ok) < 0) return -1;
	}
	if (pending > 0 && route_then_connect(routes, family, d, index, pending, out, ok, &routed) < 0) return -1;
	return routed;
}


// udp_batch: a connected UDP socket whose datagrams cross the kernel boundary in batches,
// recvmmsg(2) on readability and sendmmsg(2) on demand, for the batch's lean lane (src/transport/udp-batch.ts);
// the addon's Source(D) probe is source-probe.c.
//
// Decision (issue 6, measured in ARCHITECTURE.md): node:dgram costs a syscall, a libuv request and a
// JS callback per datagram; on this kind of VM each of those is dear. Here one readable event reads up
// to 64 replies into a JS-owned arena and makes one call into JS with their count, and the queries a
// tick produced leave in one sendmmsg. The arenas belong to JS (typed arrays held by reference here);
// a message's bytes are valid only during the callback that announces them.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <node_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "source-probe.h"
#include "lane-napi.h"
#include "throw-errno.h"

// Messages per syscall; must match BATCH in src/transport/udp-batch.ts.
#define BATCH 64
// Receive slot: the largest UDP payload, so no reply is ever cut (MSG_TRUNC cannot happen).
#define RECV_SLOT 65536
// Send slot: the largest query the lean lane writes (12 + 255 + 4 + an 11-byte OPT) fits with room.
#define SEND_SLOT 512
// Readable events are drained at most this many batches at a time, so timers still get their turn.
#define ROUNDS 16

typedef struct {
	int fd;
	/** close() was called: no more callbacks, calls throw EBADF. */
	int closing;
	/** libuv is done with the poll handle, and JS with the handle object: free when both are. */
	int uv_done;
	int js_done;
	napi_env env;
	uv_poll_t poll;
	napi_ref on_batch;
	napi_ref arenas[4];
	napi_async_context context;
	uint32_t *recv_lens;
	uint32_t *send_lens;
	struct mmsghdr recv_msgs[BATCH];
	struct iovec recv_iov[BATCH];
	struct mmsghdr send_msgs[BATCH];
	struct iovec send_iov[BATCH];
} batch_socket;

#define CHECK(env, call)                                                                 \
	do {                                                                                   \
		if ((call) != napi_ok) {                                                             \
			napi_throw_error((env), "EINVAL", "udp_batch: bad arguments (" #call ")");         \
			return NULL;                                                                       \
		}                                                                                    \
	} while (0)


static void on_closed(uv_handle_t *handle);
static void on_handle_collected(napi_env env, void *data, void *hint);

/** Calls onBatch(count) — count > 0 replies in the arena, or -errno for an error the socket reported. */
static void call_js(batch_socket *s, int count) {
	napi_handle_scope scope;
	if (napi_open_handle_scope(s->env, &scope) != napi_ok) return;
	napi_value fn, global, arg, result;
	if (napi_get_reference_value(s->env, s->on_batch, &fn) == napi_ok && fn != NULL && napi_get_global(s->env, &global) == napi_ok &&
		napi_create_int32(s->env, count, &arg) == napi_ok) {
		// napi_make_callback, not napi_call_function: it runs the microtasks and ticks afterwards,
		// as any libuv callback into JS must. A throw becomes an uncaught exception, as in dgram.
		if (napi_make_callback(s->env, s->context, global, fn, 1, &arg, &result) == napi_pending_exception) {
			napi_value error;
			napi_get_and_clear_last_exception(s->env, &error);
			napi_fatal_exception(s->env, error);
		}
	}
	napi_close_handle_scope(s->env, scope);
}

static void on_readable(uv_poll_t *handle, int status, int events) {
	batch_socket *s = handle->data;
	if (status < 0) {
		// libuv reports POLLERR as UV_EBADF and stops the handle. On a connected UDP socket POLLERR is
		// a pending error (ECONNREFUSED from an ICMP port unreachable): report that one, clearing it, and watch again.
		int err = 0;
		socklen_t length = sizeof err;
		if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &length) < 0) err = errno;
		call_js(s, err != 0 ? -err : status);
		if (s->closing) return;
		uv_poll_start(&s->poll, UV_READABLE, on_readable);
	}
	for (int round = 0; round < ROUNDS && !s->closing; round++) {
		int n = recvmmsg(s->fd, s->recv_msgs, BATCH, MSG_DONTWAIT, NULL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) return;
			if (errno == EINTR) continue;
			// ECONNREFUSED and the like (an ICMP error on the connected socket): reported, then read on.
			call_js(s, -errno);
			continue;
		}
		if (n == 0) return;
		for (int i = 0; i < n; i++) s->recv_lens[i] = s->recv_msgs[i].msg_len;
		call_js(s, n);
		if (n < BATCH) return;
	}
}

/** The data pointer and byte length of a TypedArray argument. */
static int typed_bytes(napi_env env, napi_value value, void **data, size_t *bytes) {
	bool is_typed;
	napi_typedarray_type type;
	size_t length, offset;
	napi_value buffer;
	if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return 0;
	if (napi_get_typedarray_info(env, value, &type, &length, data, &buffer, &offset) != napi_ok) return 0;
	size_t element = type == napi_uint32_array ? 4 : type == napi_uint8_array ? 1 : 0;
	if (element == 0) return 0;
	*bytes = length * element;
	return 1;
}

/**
 * open(host, port, recvBufferSize, recvArena: Uint8Array, recvLens: Uint32Array, sendArena: Uint8Array,
 * sendLens: Uint32Array, onBatch(count)) → handle. host is a numeric IPv4 or IPv6 address (no scope).
 */
static napi_value Open(napi_env env, napi_callback_info info) {
	size_t argc = 8;
	napi_value argv[8];
	CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
	if (argc < 8) {
		napi_throw_error(env, "EINVAL", "udp_batch.open: 8 arguments expected");
		return NULL;
	}
	char host[INET6_ADDRSTRLEN + 1];
	size_t host_length;
	int32_t port, recv_buffer;
	CHECK(env, napi_get_value_string_utf8(env, argv[0], host, sizeof host, &host_length));
	CHECK(env, napi_get_value_int32(env, argv[1], &port));
	CHECK(env, napi_get_value_int32(env, argv[2], &recv_buffer));
	void *recv_arena, *recv_lens, *send_arena, *send_lens;
	size_t sizes[4];
	if (!typed_bytes(env, argv[3], &recv_arena, &sizes[0]) || !typed_bytes(env, argv[4], &recv_lens, &sizes[1]) ||
		!typed_bytes(env, argv[5], &send_arena, &sizes[2]) || !typed_bytes(env, argv[6], &send_lens, &sizes[3]) ||
		sizes[0] < (size_t)BATCH * RECV_SLOT || sizes[1] < BATCH * 4 || sizes[2] < (size_t)BATCH * SEND_SLOT || sizes[3] < BATCH * 4) {
		napi_throw_error(env, "EINVAL", "udp_batch.open: arenas too small");
		return NULL;
	}
	struct sockaddr_storage address;
	socklen_t address_length;
	memset(&address, 0, sizeof address);
	struct sockaddr_in *v4 = (struct sockaddr_in *)&address;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&address;
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		address_length = sizeof *v4;
	} else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		address_length = sizeof *v6;
	} else {
		napi_throw_error(env, "EINVAL", "udp_batch.open: not a numeric address");
		return NULL;
	}
	int fd = socket(address.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) return throw_errno(env, "socket", errno);
	// As node:dgram's recvBufferSize: the kernel caps it at net.core.rmem_max.
	if (recv_buffer > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &recv_buffer, sizeof recv_buffer) < 0) {
		int err = errno;
		close(fd);
		return throw_errno(env, "setsockopt", err);
	}
	// Connected: the kernel drops datagrams from any other address and port (RFC 5452's check).
	if (connect(fd, (struct sockaddr *)&address, address_length) < 0) {
		int err = errno;
		close(fd);
		return throw_errno(env, "connect", err);
	}
	batch_socket *s = calloc(1, sizeof *s);
	if (s == NULL) {
		close(fd);
		return throw_errno(env, "calloc", ENOMEM);
	}
	s->fd = fd;
	s->env = env;
	s->recv_lens = recv_lens;
	s->send_lens = send_lens;
	for (int i = 0; i < BATCH; i++) {
		s->recv_iov[i].iov_base = (char *)recv_arena + (size_t)i * RECV_SLOT;
		s->recv_iov[i].iov_len = RECV_SLOT;
		s->recv_msgs[i].msg_hdr.msg_iov = &s->recv_iov[i];
		s->recv_msgs[i].msg_hdr.msg_iovlen = 1;
		s->send_iov[i].iov_base = (char *)send_arena + (size_t)i * SEND_SLOT;
		s->send_msgs[i].msg_hdr.msg_iov = &s->send_iov[i];
		s->send_msgs[i].msg_hdr.msg_iovlen = 1;
	}
	// The arenas stay alive while the socket may write into them.
	for (int i = 0; i < 4; i++) napi_create_reference(env, argv[3 + i], 1, &s->arenas[i]);
	napi_create_reference(env, argv[7], 1, &s->on_batch);
	napi_value resource_name;
	napi_create_string_utf8(env, "he6-dns:udp-batch", NAPI_AUTO_LENGTH, &resource_name);
	napi_async_init(env, NULL, resource_name, &s->context);
	uv_loop_t *loop;
	int err = napi_get_uv_event_loop(env, &loop) == napi_ok ? uv_poll_init(loop, &s->poll, fd) : UV_EINVAL;
	if (err == 0) {
		s->poll.data = s;
		err = uv_poll_start(&s->poll, UV_READABLE, on_readable);
		if (err != 0) {
			// Initialised: libuv must close it; on_closed closes the descriptor and frees the rest (no JS handle was made).
			s->closing = 1;
			s->js_done = 1;
			napi_delete_reference(env, s->on_batch);
			for (int i = 0; i < 4; i++) napi_delete_reference(env, s->arenas[i]);
			uv_close((uv_handle_t *)&s->poll, on_closed);
			return throw_errno(env, "uv_poll_start", -err);
		}
	}
	if (err != 0) {
		napi_delete_reference(env, s->on_batch);
		for (int i = 0; i < 4; i++) napi_delete_reference(env, s->arenas[i]);
		napi_async_destroy(env, s->context);
		close(fd);
		free(s);
		return throw_errno(env, "uv_poll_init", -err);
	}
	napi_value handle;
	if (napi_create_external(env, s, on_handle_collected, NULL, &handle) != napi_ok) s->js_done = 1;
	return handle;
}

/** The struct is freed once neither libuv nor JS can reach it (a closed handle stays safe to pass). */
static void release(batch_socket *s) {
	if (s->uv_done && s->js_done) free(s);
}

/** Runs when JS's handle object is collected. A socket never closed keeps its poll handle (and the loop) alive. */
static void on_handle_collected(napi_env env, void *data, void *hint) {
	batch_socket *s = data;
	s->js_done = 1;
	release(s);
}

/** The open socket a call's first argument names, or NULL with an exception thrown; `argv` gets `expected` arguments. */
static batch_socket *open_socket(napi_env env, napi_callback_info info, size_t expected, napi_value *argv) {
	size_t argc = expected;
	batch_socket *s = NULL;
	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < expected || napi_get_value_external(env, argv[0], (void **)&s) != napi_ok || s == NULL) {
		napi_throw_error(env, "EINVAL", "udp_batch: a socket handle was expected");
		return NULL;
	}
	if (s->closing) {
		napi_throw_error(env, "EBADF", "udp_batch: the socket is closed");
		return NULL;
	}
	return s;
}

/**
 * send(handle, count) → how many of the arena's first `count` queries the kernel took. A query it
 * refused (an error other than a full buffer) is skipped; on a full buffer the rest stay unsent.
 * Either way the caller's timeout settles what did not leave.
 */
static napi_value Send(napi_env env, napi_callback_info info) {
	napi_value argv[2];
	batch_socket *s = open_socket(env, info, 2, argv);
	if (s == NULL) return NULL;
	int32_t count;
	if (napi_get_value_int32(env, argv[1], &count) != napi_ok || count < 0 || count > BATCH) {
		napi_throw_error(env, "EINVAL", "udp_batch.send: a count from 0 to 64 was expected");
		return NULL;
	}
	for (int i = 0; i < count; i++) s->send_iov[i].iov_len = s->send_lens[i] <= SEND_SLOT ? s->send_lens[i] : SEND_SLOT;
	int sent = 0, at = 0;
	while (at < count) {
		int n = sendmmsg(s->fd, s->send_msgs + at, (unsigned)(count - at), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR) continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) break;
			at++;
			continue;
		}
		sent += n;
		at += n;
	}
	napi_value out;
	napi_create_int32(env, sent, &out);
	return out;
}

/** The local port (for the verbose line and tests). */
static napi_value LocalPort(napi_env env, napi_callback_info info) {
	napi_value argv[1];
	batch_socket *s = open_socket(env, info, 1, argv);
	if (s == NULL) return NULL;
	struct sockaddr_storage address;
	socklen_t length = sizeof address;
	if (getsockname(s->fd, (struct sockaddr *)&address, &length) < 0) return throw_errno(env, "getsockname", errno);
	int port = address.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&address)->sin6_port) : ntohs(((struct sockaddr_in *)&address)->sin_port);
	napi_value out;
	napi_create_int32(env, port, &out);
	return out;
}

/** The receive buffer the kernel granted (Linux reports twice the usable size, as dgram's getRecvBufferSize). */
static napi_value RecvBufferSize(napi_env env, napi_callback_info info) {
	napi_value argv[1];
	batch_socket *s = open_socket(env, info, 1, argv);
	if (s == NULL) return NULL;
	int size = 0;
	socklen_t length = sizeof size;
	if (getsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &size, &length) < 0) return throw_errno(env, "getsockopt", errno);
	napi_value out;
	napi_create_int32(env, size, &out);
	return out;
}

static void on_closed(uv_handle_t *handle) {
	batch_socket *s = handle->data;
	// The async context too: Close may run inside the very callback made with it.
	napi_async_destroy(s->env, s->context);
	// Only now: libuv's docs forbid closing a descriptor that a poll handle may still watch (a new
	// socket could get its number while the old watcher is still registered).
	close(s->fd);
	s->uv_done = 1;
	release(s);
}

/** close(handle): stops reading and closes the socket; the callback is never called again. Idempotent. */
static napi_value Close(napi_env env, napi_callback_info info) {
	size_t argc = 1;
	napi_value argv[1];
	batch_socket *s = NULL;
	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || napi_get_value_external(env, argv[0], (void **)&s) != napi_ok || s == NULL) {
		napi_throw_error(env, "EINVAL", "udp_batch: a socket handle was expected");
		return NULL;
	}
	if (s->closing) return NULL;
	s->closing = 1;
	uv_poll_stop(&s->poll);
	napi_delete_reference(env, s->on_batch);
	for (int i = 0; i < 4; i++) napi_delete_reference(env, s->arenas[i]);
	// The descriptor is closed once libuv is done with the poll handle (on_closed).
	uv_close((uv_handle_t *)&s->poll, on_closed);
	return NULL;
}

static napi_value Init(napi_env env, napi_value exports) {
	napi_property_descriptor properties[] = {
		{"open", NULL, Open, NULL, NULL, NULL, napi_enumerable, NULL},
		{"send", NULL, Send, NULL, NULL, NULL, napi_enumerable, NULL},
		{"localPort", NULL, LocalPort, NULL, NULL, NULL, napi_enumerable, NULL},
		{"recvBufferSize", NULL, RecvBufferSize, NULL, NULL, NULL, napi_enumerable, NULL},
		{"close", NULL, Close, NULL, NULL, NULL, napi_enumerable, NULL},
		{"probe", NULL, Probe, NULL, NULL, NULL, napi_enumerable, NULL},
	};
	napi_value batch, recv_slot, send_slot;
	napi_create_int32(env, BATCH, &batch);
	napi_create_int32(env, RECV_SLOT, &recv_slot);
	napi_create_int32(env, SEND_SLOT, &send_slot);
	napi_set_named_property(env, exports, "BATCH", batch);
	napi_set_named_property(env, exports, "RECV_SLOT", recv_slot);
	napi_set_named_property(env, exports, "SEND_SLOT", send_slot);
	napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
	lane_define(env, exports);
	return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)

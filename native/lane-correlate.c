// The lane's correlator and inventory: capture/correlate.ts, gai-pairs.ts, recent-ring.ts and Inventory.add, rule for rule.
//
// Every rule here is the JS one's, in the same order, so that the same messages give the same lines:
// - pending queries by (transport, client, server, id, folded name, type, class); a query seen again is a
//   retransmission and moves to the end of the deadline list; beyond max_pending the oldest is evicted;
// - a reply pairs with its pending query (without a question: with the one query of its sockets and id),
//   else it is a duplicate or late reply of a recent exchange (kept for the timeout), else unsolicited;
// - time is the packets': each message first times out what its timestamp has passed;
// - getaddrinfo pairs: the other family's query the same socket sent last for the same name, within the
//   window, at most 64 sockets walked a name; a pair whose halves end differently flags the lost one;
// - the inventory folds A and AAAA exchanges into names, keeping the reply each family is judged by.
// Decision: a pair keeps copies of its halves' ids, types and outcomes (not pointers to them), so
// queries are freed by a count of their holders (the pending table, the pair tracker's queue) with no cycle.
#include "lane.h"

#include <malloc.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/** Bytes of a query's three texts (JSON, presented, folded, each NUL-ended) kept inside it. */
#define QUERY_INLINE 200

/**
 * A free list of blocks of one size (queries, pairs, name heads). Decision: the lane takes and gives back
 * about a million of them in the bench's capture; malloc and free were ~10% of `capture -r`'s time.
 */
typedef struct pool_block {
	struct pool_block *next;
} pool_block;

typedef struct {
	pool_block *free;
	size_t size;
} lane_pool;

/**
 * Memory for what lives until the lane is destroyed (names' keys, the replies they keep, the pools'
 * blocks), taken from 8 MiB chunks on huge pages (lane_huge_alloc) instead of three allocations a name.
 */
typedef struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	char data[];
} arena_chunk;

typedef struct {
	int id[2];
	const char *qtype[2];
	/** -1 until the half ends, then 0 (no reply) or 1. */
	int answered[2];
	int holders;
} lane_pair;

typedef struct lane_query {
	uint32_t hash;
	struct lane_query *bucket_next;
	int tcp;
	lane_endpoint client, server;
	int id;
	const char *folded;
	size_t folded_length;
	const char *qtype, *qclass;
	/** The qname as a JSON literal, then (qname_text) as presented, then (folded) case-folded: one allocation. */
	char *qname_json;
	size_t qname_json_length;
	const char *qname_text;
	size_t qname_text_length;
	double first, last;
	int retransmissions;
	lane_pair *pair;
	int half;
	/** PairHalf.answered: -1 until the exchange ends (an evicted query stays -1), then 0 or 1. */
	int answered_state;
	int last_on_socket;
	struct lane_query *socket_next;
	struct lane_query *older, *newer;
	int holders;
	/** The texts' room when they fit (most names): no allocation of their own. */
	char inline_texts[QUERY_INLINE];
} lane_query;

/**
 * A finished exchange in the recent ring (recent-ring.ts): 0 dead, 1 answered, 2 unanswered. The
 * identity is the finished query's own (the slot holds it until the ring's head passes).
 */
typedef struct {
	lane_query *query;
	int32_t next;
	/** The query's hash, here so that a bucket's walk reads no query whose hash differs (a cache miss each). */
	uint32_t hash;
	double until;
	uint8_t state;
} recent_slot;

/**
 * The tracker's latest queries of one name (gai-pairs.ts #last), newest first through socket_next; the
 * name's text is its newest query's (a chain is never empty, and its queries are held by the order queue).
 */
typedef struct name_head {
	const char *folded;
	size_t folded_length;
	uint32_t hash;
	lane_query *head;
	struct name_head *next;
} name_head;

/** An interned text: its id (its place in the list the hand-over names) before its bytes. */
typedef struct {
	uint32_t id;
	uint32_t length;
	char text[];
} interned_text;

struct lane {
	lane_options options;
	double now;
	double last_sweep;
	double packets, messages;
	double stats[STAT_COUNT];
	lane_text output;
	/** Interned texts: open addressing over malloc'd copies. */
	interned_text **interned;
	size_t interned_size, interned_count;
	interned_text **interned_list;
	size_t interned_list_capacity;
	const char **type_names;
	const char **class_names;
	const char *rcode_names[16];
	const char *text_a, *text_aaaa, *text_in;
	/** Pending queries: chained buckets by hash; the deadline list from oldest to newest. */
	lane_query **pending;
	size_t pending_mask;
	size_t pending_count;
	lane_query *oldest, *newest;
	/** The recent ring. */
	recent_slot *ring;
	size_t ring_capacity, ring_head, ring_queued, ring_size;
	int32_t *ring_heads;
	size_t ring_heads_mask;
	/** The pair tracker: names' chains, and every tracked query in order (a ring of pointers). */
	name_head **tracked;
	size_t tracked_mask, tracked_count;
	lane_query **order;
	size_t order_capacity, order_head, order_count;
	double pairs, lost_halves;
	/** The inventory. */
	name_state *names;
	size_t names_count, names_capacity, names_bytes;
	int32_t *name_heads;
	size_t name_heads_mask;
	lane_pool query_pool, pair_pool, head_pool;
	arena_chunk *arena;
	/** The name the last exchange was added to, or -1. */
	int64_t last_name;
	/** The name judge (lane-judge.c), made by lane_judge_setup; NULL until then. */
	lane_judge *judge;
};

/* ---------- small helpers ---------- */

static uint32_t fnv(const char *s, size_t n) {
	uint32_t h = 0x811c9dc5u;
	for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)s[i]) * 0x01000193u;
	return h;
}

static void *zalloc(size_t n) {
	void *p = calloc(1, n);
	if (p == NULL) abort();
	return p;
}

static interned_text *entry_of(const char *text) {
	return (interned_text *)(text - offsetof(interned_text, text));
}

uint32_t lane_intern_id(const char *text) {
	return entry_of(text)->id;
}

const char *lane_intern(lane *l, const char *text, size_t n) {
	if (l->interned_count * 2 >= l->interned_size) {
		size_t size = l->interned_size == 0 ? 256 : l->interned_size * 2;
		interned_text **table = zalloc(size * sizeof *table);
		for (size_t i = 0; i < l->interned_size; i++) {
			interned_text *e = l->interned[i];
			if (e == NULL) continue;
			size_t at = fnv(e->text, e->length) & (size - 1);
			while (table[at] != NULL) at = (at + 1) & (size - 1);
			table[at] = e;
		}
		free(l->interned);
		l->interned = table;
		l->interned_size = size;
	}
	size_t at = fnv(text, n) & (l->interned_size - 1);
	for (; l->interned[at] != NULL; at = (at + 1) & (l->interned_size - 1))
		if (l->interned[at]->length == n && memcmp(l->interned[at]->text, text, n) == 0) return l->interned[at]->text;
	interned_text *e = malloc(sizeof *e + n + 1);
	if (e == NULL) abort();
	e->id = (uint32_t)l->interned_count;
	e->length = (uint32_t)n;
	memcpy(e->text, text, n);
	e->text[n] = 0;
	l->interned[at] = e;
	if (l->interned_count == l->interned_list_capacity) {
		l->interned_list_capacity = l->interned_list_capacity == 0 ? 256 : l->interned_list_capacity * 2;
		l->interned_list = realloc(l->interned_list, l->interned_list_capacity * sizeof *l->interned_list);
		if (l->interned_list == NULL) abort();
	}
	l->interned_list[l->interned_count++] = e;
	return e->text;
}

size_t lane_interned_count(lane *l) {
	return l->interned_count;
}

const char *lane_interned(lane *l, size_t id, size_t *length) {
	*length = l->interned_list[id]->length;
	return l->interned_list[id]->text;
}

void lane_set_type_name(lane *l, int code, const char *name, size_t n) {
	if (code >= 0 && code < 65536) l->type_names[code] = lane_intern(l, name, n);
}
void lane_set_class_name(lane *l, int code, const char *name, size_t n) {
	if (code >= 0 && code < 65536) l->class_names[code] = lane_intern(l, name, n);
}
void lane_set_rcode_name(lane *l, int code, const char *name, size_t n) {
	if (code >= 0 && code < 16) l->rcode_names[code] = lane_intern(l, name, n);
}

/** rr-types.ts: a presented mnemonic, else TYPEn / CLASSn. */
static const char *generic_name(lane *l, const char **table, int code, const char *prefix) {
	if (table[code] != NULL) return table[code];
	lane_text t = {0};
	text_cstr(&t, prefix);
	text_uint(&t, (uint64_t)code);
	table[code] = lane_intern(l, t.data, t.length);
	free(t.data);
	return table[code];
}
const char *lane_type_name(lane *l, int code) {
	return generic_name(l, l->type_names, code & 0xffff, "TYPE");
}
const char *lane_class_name(lane *l, int code) {
	return generic_name(l, l->class_names, code & 0xffff, "CLASS");
}
const char *lane_rcode_name(lane *l, int code) {
	const char *name = l->rcode_names[code & 0xf];
	return name != NULL ? name : lane_intern(l, "UNKNOWN", 7);
}

lane_text *lane_output(lane *l) {
	return &l->output;
}

void lane_count_frame(lane *l) {
	l->packets++;
	l->messages++;
}

void lane_counts(lane *l, double *packets, double *messages) {
	*packets = l->packets;
	*messages = l->messages;
}

int lane_sweep_due(lane *l, double time) {
	if (time - l->last_sweep < 1000) return 0;
	l->last_sweep = time;
	return 1;
}

lane *lane_create(const lane_options *options) {
	// Decision: the lane's memory grows by tens of megabytes (names, replies, lines); glibc's defaults gave
	// the top of the heap back and faulted it in again: 4–7% of `capture -r`'s time on the bench's file
	// (6 interleaved runs, before and after the pools). The process is a one-shot command: it keeps what it took.
	mallopt(M_TOP_PAD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	lane *l = zalloc(sizeof *l);
	l->options = *options;
	l->last_name = -1;
	l->query_pool.size = sizeof(lane_query);
	l->pair_pool.size = sizeof(lane_pair);
	l->head_pool.size = sizeof(name_head);
	if (l->options.max_pending < 1) l->options.max_pending = 1;
	l->now = -INFINITY;
	l->last_sweep = -INFINITY;
	l->type_names = zalloc(65536 * sizeof *l->type_names);
	l->class_names = zalloc(65536 * sizeof *l->class_names);
	l->text_a = lane_intern(l, "A", 1);
	l->text_aaaa = lane_intern(l, "AAAA", 4);
	l->text_in = lane_intern(l, "IN", 2);
	l->pending_mask = (1u << 16) - 1;
	l->pending = zalloc((l->pending_mask + 1) * sizeof *l->pending);
	l->ring_capacity = 1024;
	l->ring = zalloc(l->ring_capacity * sizeof *l->ring);
	l->ring_heads_mask = 2 * l->ring_capacity - 1;
	l->ring_heads = malloc((l->ring_heads_mask + 1) * sizeof *l->ring_heads);
	if (l->ring_heads == NULL) abort();
	memset(l->ring_heads, 0xff, (l->ring_heads_mask + 1) * sizeof *l->ring_heads);
	l->tracked_mask = (1u << 12) - 1;
	l->tracked = zalloc((l->tracked_mask + 1) * sizeof *l->tracked);
	l->order_capacity = 1024;
	l->order = zalloc(l->order_capacity * sizeof *l->order);
	l->name_heads_mask = (1u << 12) - 1;
	l->name_heads = malloc((l->name_heads_mask + 1) * sizeof *l->name_heads);
	if (l->name_heads == NULL) abort();
	memset(l->name_heads, 0xff, (l->name_heads_mask + 1) * sizeof *l->name_heads);
	return l;
}

/* ---------- identities ---------- */

static int same_endpoint(const lane_endpoint *a, const lane_endpoint *b) {
	return a->port == b->port && a->family == b->family && memcmp(a->address, b->address, a->family == 4 ? 4 : 16) == 0;
}

static int same_text(const char *a, size_t an, const char *b, size_t bn) {
	return an == bn && memcmp(a, b, an) == 0;
}

/** exchange-table.ts bucketHash. */
static uint32_t bucket_hash(int id, int client_port, int server_port, int tcp) {
	return (((uint32_t)id << 14) ^ ((uint32_t)client_port << 1) ^ ((uint32_t)server_port << 9) ^ (uint32_t)(tcp ? 1 : 0)) & 0x3fffffffu;
}

/**
 * The bucket of a bucket_hash in a table of mask + 1 (a power of two) buckets: Fibonacci hashing, the top
 * bits of the hash times 2^32/φ (the low bits of that product are the hash's own low bits: the ports).
 */
static size_t mix(uint32_t hash, size_t mask) {
	int bits = __builtin_popcountl((unsigned long)mask);
	return bits == 0 ? 0 : (size_t)((hash * 0x9e3779b1u) >> (32 - bits));
}

/* ---------- pools and the arena ---------- */

static void *arena_take(lane *l, size_t n);

static void *pool_take(lane *l, lane_pool *p) {
	pool_block *b = p->free;
	// New blocks come from the arena (huge pages, freed with the lane): given back, they stay in the list.
	if (b == NULL) return arena_take(l, p->size);
	p->free = b->next;
	memset(b, 0, p->size);
	return b;
}

static void pool_give(lane_pool *p, void *block) {
	pool_block *b = block;
	b->next = p->free;
	p->free = b;
}

/** n zeroed bytes (8-aligned) that live as long as the lane. */
static void *arena_take(lane *l, size_t n) {
	n = (n + 7) & ~(size_t)7;
	arena_chunk *c = l->arena;
	if (c == NULL || c->size - c->used < n) {
		size_t mapped = sizeof *c + (n > ((size_t)8 << 20) ? n : ((size_t)8 << 20));
		c = lane_huge_alloc(&mapped);
		c->next = l->arena;
		c->used = 0;
		c->size = mapped - sizeof *c;
		l->arena = c;
	}
	void *p = c->data + c->used;
	c->used += n;
	return p;
}

/* ---------- queries and pairs ---------- */

static void release_query(lane *l, lane_query *q) {
	if (--q->holders > 0) return;
	if (q->pair != NULL && --q->pair->holders == 0) pool_give(&l->pair_pool, q->pair);
	if (q->qname_json != q->inline_texts) free(q->qname_json); // the folded key and the text are in the same allocation
	pool_give(&l->query_pool, q);
}

/* ---------- the pending table and the deadline list ---------- */

static void pending_add(lane *l, lane_query *q) {
	if (l->pending_count >= l->pending_mask + 1) {
		size_t size = (l->pending_mask + 1) * 2;
		lane_query **table = zalloc(size * sizeof *table);
		for (size_t i = 0; i <= l->pending_mask; i++) {
			for (lane_query *e = l->pending[i]; e != NULL;) {
				lane_query *next = e->bucket_next;
				size_t at = mix(e->hash, size - 1);
				e->bucket_next = table[at];
				table[at] = e;
				e = next;
			}
		}
		free(l->pending);
		l->pending = table;
		l->pending_mask = size - 1;
	}
	size_t at = mix(q->hash, l->pending_mask);
	q->bucket_next = l->pending[at];
	l->pending[at] = q;
	l->pending_count++;
	q->holders++;
}

static void link_newest(lane *l, lane_query *q) {
	q->older = l->newest;
	q->newer = NULL;
	if (l->newest == NULL) l->oldest = q;
	else l->newest->newer = q;
	l->newest = q;
}

static void unlink_deadline(lane *l, lane_query *q) {
	if (q->older == NULL) l->oldest = q->newer;
	else q->older->newer = q->newer;
	if (q->newer == NULL) l->newest = q->older;
	else q->newer->older = q->older;
	q->older = q->newer = NULL;
}

/** #remove: out of the table and the deadline list (the table's hold is released by the caller). */
static void pending_remove(lane *l, lane_query *q) {
	lane_query **at = &l->pending[mix(q->hash, l->pending_mask)];
	for (; *at != NULL; at = &(*at)->bucket_next) {
		if (*at != q) continue;
		*at = q->bucket_next;
		q->bucket_next = NULL;
		l->pending_count--;
		break;
	}
	unlink_deadline(l, q);
}

static lane_query *pending_first(lane *l, uint32_t hash) {
	return l->pending[mix(hash, l->pending_mask)];
}

/* ---------- the recent ring ---------- */

static void ring_grow(lane *l) {
	size_t old = l->ring_capacity, capacity = old * 2;
	recent_slot *ring = zalloc(capacity * sizeof *ring);
	for (size_t k = 0; k < l->ring_queued; k++) ring[k] = l->ring[(l->ring_head + k) % old];
	free(l->ring);
	l->ring = ring;
	l->ring_capacity = capacity;
	l->ring_head = 0;
	free(l->ring_heads);
	l->ring_heads_mask = 2 * capacity - 1;
	l->ring_heads = malloc((l->ring_heads_mask + 1) * sizeof *l->ring_heads);
	if (l->ring_heads == NULL) abort();
	memset(l->ring_heads, 0xff, (l->ring_heads_mask + 1) * sizeof *l->ring_heads);
	for (size_t slot = 0; slot < l->ring_queued; slot++) {
		if (ring[slot].state == 0) continue;
		size_t bucket = mix(ring[slot].query->hash, l->ring_heads_mask);
		ring[slot].next = l->ring_heads[bucket];
		l->ring_heads[bucket] = (int32_t)slot;
	}
}

static int32_t ring_find(lane *l, uint32_t hash, int tcp, const lane_endpoint *client, const lane_endpoint *server, int id, const char *folded, size_t folded_length, const char *qtype, const char *qclass) {
	for (int32_t slot = l->ring_heads[mix(hash, l->ring_heads_mask)]; slot >= 0; slot = l->ring[slot].next) {
		if (l->ring[slot].hash != hash) continue;
		const lane_query *q = l->ring[slot].query;
		if (q->id == id && q->tcp == tcp && same_endpoint(&q->client, client) && same_endpoint(&q->server, server) && q->qtype == qtype && q->qclass == qclass &&
			same_text(q->folded, q->folded_length, folded, folded_length))
			return slot;
	}
	return -1;
}

static void ring_forget(lane *l, int32_t slot) {
	int32_t *at = &l->ring_heads[mix(l->ring[slot].query->hash, l->ring_heads_mask)];
	for (; *at >= 0; at = &l->ring[*at].next) {
		if (*at != slot) continue;
		*at = l->ring[slot].next;
		break;
	}
	l->ring[slot].state = 0;
	l->ring_size--;
}

/** #pop: the head slot leaves the ring (its query is released). */
static void ring_pop(lane *l) {
	recent_slot *s = &l->ring[l->ring_head];
	release_query(l, s->query);
	s->query = NULL;
	l->ring_head = (l->ring_head + 1) % l->ring_capacity;
	l->ring_queued--;
}

static void ring_forget_oldest(lane *l) {
	while (l->ring_queued > 0) {
		size_t slot = l->ring_head;
		int live = l->ring[slot].state != 0;
		if (live) ring_forget(l, (int32_t)slot);
		ring_pop(l);
		if (live) return;
	}
}

static void ring_expire(lane *l, double time) {
	while (l->ring_queued > 0) {
		size_t slot = l->ring_head;
		if (l->ring[slot].state != 0) {
			if (l->ring[slot].until >= time) return;
			ring_forget(l, (int32_t)slot);
		}
		ring_pop(l);
	}
}

static void ring_clear(lane *l) {
	while (l->ring_queued > 0) ring_pop(l);
	memset(l->ring_heads, 0xff, (l->ring_heads_mask + 1) * sizeof *l->ring_heads);
	for (size_t i = 0; i < l->ring_capacity; i++) l->ring[i].state = 0;
	l->ring_head = 0;
	l->ring_size = 0;
}

/** #remember: the exchange kept until `until`; an earlier one of the same identity leaves; the oldest goes at the bound. */
static void remember(lane *l, lane_query *q, double until, int answered) {
	int32_t same = ring_find(l, q->hash, q->tcp, &q->client, &q->server, q->id, q->folded, q->folded_length, q->qtype, q->qclass);
	if (same >= 0) ring_forget(l, same);
	if (l->ring_size >= (size_t)l->options.max_pending) ring_forget_oldest(l);
	if (l->ring_queued == l->ring_capacity) ring_grow(l);
	size_t slot = (l->ring_head + l->ring_queued) % l->ring_capacity;
	l->ring_queued++;
	recent_slot *s = &l->ring[slot];
	s->query = q;
	s->hash = q->hash;
	q->holders++;
	s->until = until;
	s->state = answered ? 1 : 2;
	size_t bucket = mix(q->hash, l->ring_heads_mask);
	s->next = l->ring_heads[bucket];
	l->ring_heads[bucket] = (int32_t)slot;
	l->ring_size++;
}

/* ---------- the pair tracker ---------- */

#define MAX_SOCKETS_PER_NAME 64

static name_head **tracked_slot(lane *l, const char *folded, size_t n, uint32_t hash) {
	name_head **at = &l->tracked[hash & l->tracked_mask];
	for (; *at != NULL; at = &(*at)->next)
		if ((*at)->hash == hash && same_text((*at)->folded, (*at)->folded_length, folded, n)) return at;
	return at;
}

static void forget_chain(lane_query *chain) {
	for (lane_query *q = chain; q != NULL;) {
		lane_query *next = q->socket_next;
		q->socket_next = NULL;
		q->last_on_socket = 0;
		q = next;
	}
}

static int same_socket(const lane_query *a, const lane_query *b) {
	return a->tcp == b->tcp && same_endpoint(&a->client, &b->client) && same_endpoint(&a->server, &b->server);
}

/** #remove: a held query out of its name's chain (the name leaves when its chain is empty). */
static void tracker_remove(lane *l, lane_query *query) {
	uint32_t hash = fnv(query->folded, query->folded_length);
	name_head **slot = tracked_slot(l, query->folded, query->folded_length, hash);
	name_head *head = *slot;
	if (head != NULL) {
		lane_query *previous = NULL;
		for (lane_query *q = head->head; q != NULL; previous = q, q = q->socket_next) {
			if (q != query) continue;
			if (previous != NULL) previous->socket_next = query->socket_next;
			else if (query->socket_next == NULL) {
				*slot = head->next;
				pool_give(&l->head_pool, head);
				l->tracked_count--;
			} else {
				head->head = query->socket_next;
				head->folded = head->head->folded;
			}
			break;
		}
	}
	query->socket_next = NULL;
	query->last_on_socket = 0;
}

static void order_push(lane *l, lane_query *q) {
	if (l->order_count == l->order_capacity) {
		size_t capacity = l->order_capacity * 2;
		lane_query **order = zalloc(capacity * sizeof *order);
		for (size_t k = 0; k < l->order_count; k++) order[k] = l->order[(l->order_head + k) % l->order_capacity];
		free(l->order);
		l->order = order;
		l->order_capacity = capacity;
		l->order_head = 0;
	}
	l->order[(l->order_head + l->order_count) % l->order_capacity] = q;
	l->order_count++;
	q->holders++;
}

static void order_shift(lane *l) {
	lane_query *q = l->order[l->order_head];
	l->order_head = (l->order_head + 1) % l->order_capacity;
	l->order_count--;
	release_query(l, q);
}

static void track(lane *l, lane_query *query) {
	const char *wanted = query->qtype == l->text_a ? l->text_aaaa : query->qtype == l->text_aaaa ? l->text_a : NULL;
	if (wanted == NULL) return;
	uint32_t hash = fnv(query->folded, query->folded_length);
	name_head **slot = tracked_slot(l, query->folded, query->folded_length, hash);
	lane_query *previous = *slot == NULL ? NULL : (*slot)->head;
	int walked = 0;
	while (previous != NULL && !same_socket(previous, query)) {
		if (++walked == MAX_SOCKETS_PER_NAME) {
			forget_chain(previous->socket_next);
			previous->socket_next = NULL;
		}
		previous = previous->socket_next;
	}
	if (previous != NULL && previous->pair == NULL && previous->qtype == wanted && query->first - previous->first <= l->options.pair_window_ms) {
		lane_pair *pair = pool_take(l, &l->pair_pool);
		pair->id[0] = previous->id;
		pair->qtype[0] = previous->qtype;
		pair->id[1] = query->id;
		pair->qtype[1] = query->qtype;
		pair->answered[0] = previous->answered_state;
		pair->answered[1] = -1;
		pair->holders = 2;
		previous->pair = pair;
		previous->half = 0;
		query->pair = pair;
		query->half = 1;
		l->pairs++;
	}
	if (previous != NULL) tracker_remove(l, previous);
	slot = tracked_slot(l, query->folded, query->folded_length, hash);
	if (*slot == NULL) {
		name_head *head = pool_take(l, &l->head_pool);
		head->folded = query->folded;
		head->folded_length = query->folded_length;
		head->hash = hash;
		*slot = head;
		l->tracked_count++;
	}
	query->socket_next = (*slot)->head;
	(*slot)->head = query;
	(*slot)->folded = query->folded;
	query->last_on_socket = 1;
	order_push(l, query);
}

static void tracker_sweep(lane *l, double now) {
	while (l->order_count > 0) {
		lane_query *q = l->order[l->order_head];
		if (q->last_on_socket) {
			if (now - q->first <= l->options.pair_window_ms) break;
			tracker_remove(l, q);
		}
		order_shift(l);
	}
}

static void tracker_clear(lane *l) {
	for (size_t i = 0; i <= l->tracked_mask; i++) {
		for (name_head *h = l->tracked[i]; h != NULL;) {
			name_head *next = h->next;
			forget_chain(h->head);
			pool_give(&l->head_pool, h);
			h = next;
		}
		l->tracked[i] = NULL;
	}
	l->tracked_count = 0;
	while (l->order_count > 0) order_shift(l);
}

/** PairTracker.settle: the half's outcome; the lost half's type once both ended differently, else NULL. */
static const char *settle(lane *l, lane_query *q, int answered) {
	q->answered_state = answered;
	lane_pair *pair = q->pair;
	if (pair == NULL) return NULL;
	pair->answered[q->half] = answered;
	if (pair->answered[0] < 0 || pair->answered[1] < 0 || pair->answered[0] == pair->answered[1]) return NULL;
	l->lost_halves++;
	return pair->answered[0] ? pair->qtype[1] : pair->qtype[0];
}

/* ---------- the inventory (Inventory.add) ---------- */

static void family_keep(lane *l, family_state *f, const char *rcode, int tc, const char *soa, const char *qname, size_t qname_length, const uint8_t *records, size_t records_length, uint32_t record_count) {
	f->rcode = rcode;
	f->tc = tc;
	f->soa = soa;
	size_t size = qname_length + records_length + 1;
	if (size > f->block_capacity) {
		// A larger reply than the one kept: new room (the old stays in the arena, unused; rare).
		f->block = arena_take(l, size);
		f->block_capacity = (uint32_t)size;
	}
	memcpy(f->block, qname, qname_length);
	if (records_length > 0) memcpy(f->block + qname_length, records, records_length);
	f->qname_length = (uint32_t)qname_length;
	f->records_length = (uint32_t)records_length;
	f->record_count = record_count;
}

/** The index of the name with this key, or -1. */
int64_t lane_find_name(lane *l, const char *folded, size_t n) {
	uint32_t hash = fnv(folded, n);
	for (int32_t i = l->name_heads[hash & l->name_heads_mask]; i >= 0; i = l->names[i].next)
		if (l->names[i].hash == hash && same_text(l->names[i].folded, l->names[i].folded_length, folded, n)) return i;
	return -1;
}

static name_state *name_of(lane *l, const char *folded, size_t n, double time) {
	// A name's A and AAAA exchanges mostly come one after the other (Inventory.add's #last).
	if (l->last_name >= 0 && same_text(l->names[l->last_name].folded, l->names[l->last_name].folded_length, folded, n)) return &l->names[l->last_name];
	int64_t found = lane_find_name(l, folded, n);
	if (found >= 0) {
		l->last_name = found;
		return &l->names[found];
	}
	l->last_name = (int64_t)l->names_count;
	uint32_t hash = fnv(folded, n);
	if (l->names_count == l->names_capacity) {
		size_t bytes = (l->names_capacity == 0 ? 1024 : l->names_capacity * 2) * sizeof *l->names;
		l->names = lane_huge_grow(l->names, l->names_bytes, &bytes);
		l->names_bytes = bytes;
		l->names_capacity = bytes / sizeof *l->names;
	}
	if (l->names_count * 2 >= l->name_heads_mask + 1) {
		size_t size = (l->name_heads_mask + 1) * 4;
		free(l->name_heads);
		l->name_heads = malloc(size * sizeof *l->name_heads);
		if (l->name_heads == NULL) abort();
		memset(l->name_heads, 0xff, size * sizeof *l->name_heads);
		l->name_heads_mask = size - 1;
		for (size_t i = 0; i < l->names_count; i++) {
			size_t bucket = l->names[i].hash & l->name_heads_mask;
			l->names[i].next = l->name_heads[bucket];
			l->name_heads[bucket] = (int32_t)i;
		}
	}
	name_state *s = &l->names[l->names_count];
	memset(s, 0, sizeof *s);
	s->folded = arena_take(l, n + 1);
	memcpy(s->folded, folded, n);
	s->folded[n] = 0;
	s->folded_length = n;
	s->hash = hash;
	s->last_seen = time;
	size_t bucket = hash & l->name_heads_mask;
	s->next = l->name_heads[bucket];
	l->name_heads[bucket] = (int32_t)l->names_count;
	l->names_count++;
	return s;
}

/** One exchange as Inventory.add takes it: status 0 answered, 1 unanswered, 2 unsolicited. */
typedef struct {
	const char *qtype;
	const char *folded;
	size_t folded_length;
	/** The exchange's qname as presented; NULL: none (an unsolicited reply without a question). */
	const char *qname;
	size_t qname_length;
	double time;
	int status;
	/** The reply (its RCODE, TC bit, answers and SOA); NULL when unanswered. */
	const lane_message *reply;
} inventory_exchange;

static void inventory_add(lane *l, const inventory_exchange *e) {
	int is_a = e->qtype == l->text_a;
	if ((!is_a && e->qtype != l->text_aaaa) || e->qname == NULL) return;
	name_state *s = name_of(l, e->folded, e->folded_length, e->time);
	s->count++;
	if (e->time > s->last_seen) s->last_seen = e->time;
	family_state *f = is_a ? &s->a : &s->aaaa;
	if (e->status != 2) f->asked++;
	if (e->status == 1) {
		f->unanswered++;
		return;
	}
	f->answered++;
	const lane_message *m = e->reply;
	if (m->tc && f->rcode != NULL && !f->tc) return;
	const char *soa = m->soa_json == NULL ? NULL : lane_intern(l, m->soa_json, m->soa_json_length);
	family_keep(l, f, m->rcode, m->tc, soa, e->qname, e->qname_length, m->records, m->records_length, m->record_count);
}

/* ---------- exchange lines ---------- */

static void write_endpoint(lane_text *t, const lane_endpoint *e) {
	text_char(t, '"');
	if (e->family == 6) {
		text_char(t, '[');
		text_ipv6(t, e->address);
		text_char(t, ']');
	} else text_ipv4(t, e->address);
	text_char(t, ':');
	text_uint(t, e->port);
	text_char(t, '"');
}

static void write_nullable_text(lane_text *t, const char *s) {
	if (s == NULL) text_literal(t, "null");
	else {
		text_char(t, '"');
		text_cstr(t, s);
		text_char(t, '"');
	}
}

/** An exchange event's line, in report/capture-json.ts's key order; status 0 answered, 1 unanswered, 2 unsolicited. */
typedef struct {
	const lane_endpoint *client, *server;
	int tcp, id;
	const char *qname_json;
	size_t qname_json_length;
	const char *qtype, *rcode;
	const char *answers;
	size_t answers_length;
	double rtt; // NAN: null
	int status;
	double time;
	int retransmissions;
	const char *ended_by;
	int flags; // -1: null; else aa·4 + tc·2 + ad
	const char *soa;
	size_t soa_length;
	const lane_pair *pair;
	int half;
	const char *pair_flag;
} exchange_line;

static void write_exchange(lane *l, const exchange_line *e) {
	lane_text *t = &l->output;
	text_literal(t, "{\"kind\":\"exchange\",\"client\":");
	write_endpoint(t, e->client);
	text_literal(t, ",\"server\":");
	write_endpoint(t, e->server);
	text_cstr(t, e->tcp ? ",\"transport\":\"tcp\",\"id\":" : ",\"transport\":\"udp\",\"id\":");
	text_uint(t, (uint64_t)e->id);
	text_literal(t, ",\"qname\":");
	if (e->qname_json == NULL) text_literal(t, "null");
	else text_bytes(t, e->qname_json, e->qname_json_length);
	text_literal(t, ",\"qtype\":");
	write_nullable_text(t, e->qtype);
	text_literal(t, ",\"rcode\":");
	write_nullable_text(t, e->rcode);
	text_literal(t, ",\"answers\":[");
	text_bytes(t, e->answers, e->answers_length);
	text_literal(t, "],\"rttMs\":");
	if (isnan(e->rtt)) text_literal(t, "null");
	else text_number(t, e->rtt);
	static const char *const statuses[3] = {",\"status\":\"answered\",\"time\":", ",\"status\":\"unanswered\",\"time\":", ",\"status\":\"unsolicited\",\"time\":"};
	text_cstr(t, statuses[e->status]);
	text_number(t, e->time);
	text_literal(t, ",\"retransmissions\":");
	text_uint(t, (uint64_t)e->retransmissions);
	text_literal(t, ",\"endedBy\":");
	write_nullable_text(t, e->ended_by);
	text_literal(t, ",\"flags\":");
	if (e->flags < 0) text_literal(t, "null");
	else {
		text_cstr(t, (e->flags & 4) ? "{\"aa\":true" : "{\"aa\":false");
		text_cstr(t, (e->flags & 2) ? ",\"tc\":true" : ",\"tc\":false");
		text_cstr(t, (e->flags & 1) ? ",\"ad\":true}" : ",\"ad\":false}");
	}
	text_literal(t, ",\"soa\":");
	if (e->soa == NULL) text_literal(t, "null");
	else text_bytes(t, e->soa, e->soa_length);
	text_literal(t, ",\"pairedWith\":");
	if (e->pair == NULL) text_literal(t, "null");
	else {
		int other = 1 - e->half;
		text_literal(t, "{\"id\":");
		text_uint(t, (uint64_t)e->pair->id[other]);
		text_literal(t, ",\"qtype\":");
		write_nullable_text(t, e->pair->qtype[other]);
		text_char(t, '}');
	}
	text_literal(t, ",\"pairFlag\":");
	if (e->pair_flag == NULL) text_literal(t, "null");
	else {
		text_char(t, '"');
		text_cstr(t, e->pair_flag);
		text_literal(t, " lost\"");
	}
	text_literal(t, ",\"pid\":null,\"comm\":null}\n");
	l->stats[STAT_EXCHANGES]++;
}

/** An answered or unanswered exchange of a pending query (#event), its inventory add with it. */
static void finish_query(lane *l, lane_query *q, int status, const lane_message *reply, double rtt, const char *ended_by, const char *pair_flag) {
	exchange_line e = {
		.client = &q->client, .server = &q->server, .tcp = q->tcp, .id = q->id,
		.qname_json = q->qname_json, .qname_json_length = q->qname_json_length, .qtype = q->qtype,
		.rcode = reply == NULL ? NULL : reply->rcode,
		.answers = reply == NULL ? "" : reply->answers_json, .answers_length = reply == NULL ? 0 : reply->answers_json_length,
		.rtt = rtt, .status = status, .time = q->first, .retransmissions = q->retransmissions, .ended_by = ended_by,
		.flags = reply == NULL ? -1 : reply->aa * 4 + reply->tc * 2 + reply->ad,
		.soa = reply == NULL ? NULL : reply->soa_json, .soa_length = reply == NULL ? 0 : reply->soa_json_length,
		.pair = q->pair, .half = q->half, .pair_flag = pair_flag,
	};
	write_exchange(l, &e);
	inventory_exchange i = {
		.qtype = q->qtype, .folded = q->folded, .folded_length = q->folded_length, .qname = q->qname_text, .qname_length = q->qname_text_length,
		.time = q->first, .status = status, .reply = reply,
	};
	inventory_add(l, &i);
}

static void unsolicited(lane *l, const lane_message *m) {
	l->stats[STAT_UNSOLICITED]++;
	exchange_line e = {
		.client = &m->destination, .server = &m->source, .tcp = m->tcp, .id = m->id,
		.qname_json = m->has_question ? m->qname_json : NULL, .qname_json_length = m->qname_json_length,
		.qtype = m->has_question ? m->qtype : NULL, .rcode = m->rcode,
		.answers = m->answers_json, .answers_length = m->answers_json_length,
		.rtt = NAN, .status = 2, .time = m->time, .retransmissions = 0, .ended_by = NULL,
		.flags = m->aa * 4 + m->tc * 2 + m->ad, .soa = m->soa_json, .soa_length = m->soa_json_length,
		.pair = NULL, .half = 0, .pair_flag = NULL,
	};
	write_exchange(l, &e);
	inventory_exchange i = {
		.qtype = e.qtype, .folded = m->folded, .folded_length = m->folded_length, .qname = m->has_question ? m->qname_text : NULL, .qname_length = m->qname_text_length,
		.time = m->time, .status = 2, .reply = m,
	};
	inventory_add(l, &i);
}

static void finish_unanswered(lane *l, lane_query *q, const char *ended_by) {
	pending_remove(l, q);
	remember(l, q, l->now + l->options.timeout_ms, 0);
	l->stats[STAT_UNANSWERED]++;
	const char *flag = settle(l, q, 0);
	finish_query(l, q, 1, NULL, NAN, ended_by, flag);
	release_query(l, q);
}

void lane_advance(lane *l, double time) {
	if (!(time > l->now)) return;
	l->now = time;
	for (lane_query *q = l->oldest; q != NULL; q = l->oldest) {
		if (time - q->last <= l->options.timeout_ms) break;
		finish_unanswered(l, q, "timeout");
	}
	ring_expire(l, time);
	tracker_sweep(l, time);
}

static int same_sockets(const lane_query *p, int tcp, const lane_endpoint *client, const lane_endpoint *server, int id) {
	return p->id == id && p->tcp == tcp && same_endpoint(&p->client, client) && same_endpoint(&p->server, server);
}

static int same_exchange(const lane_query *p, int tcp, const lane_endpoint *client, const lane_endpoint *server, int id, const lane_message *m) {
	return same_sockets(p, tcp, client, server, id) && p->qtype == m->qtype && p->qclass == m->qclass && same_text(p->folded, p->folded_length, m->folded, m->folded_length);
}

static void query(lane *l, const lane_message *m) {
	l->stats[STAT_QUERIES]++;
	if (!m->has_question) return;
	const lane_endpoint *client = &m->source, *server = &m->destination;
	uint32_t hash = bucket_hash(m->id, client->port, server->port, m->tcp);
	lane_query *existing = pending_first(l, hash);
	while (existing != NULL && !(existing->hash == hash && same_exchange(existing, m->tcp, client, server, m->id, m))) existing = existing->bucket_next;
	if (existing != NULL) {
		existing->retransmissions++;
		existing->last = m->time;
		l->stats[STAT_RETRANSMISSIONS]++;
		unlink_deadline(l, existing);
		link_newest(l, existing);
		return;
	}
	if (l->pending_count >= (size_t)l->options.max_pending && l->oldest != NULL) {
		lane_query *oldest = l->oldest;
		pending_remove(l, oldest);
		l->stats[STAT_EVICTED]++;
		release_query(l, oldest);
	}
	lane_query *q = pool_take(l, &l->query_pool);
	q->hash = hash;
	q->tcp = m->tcp;
	q->client = *client;
	q->server = *server;
	q->id = m->id;

	q->qtype = m->qtype;
	q->qclass = m->qclass;
	// One allocation: the qname's JSON, its text and the folded key, each NUL-ended.
	size_t size = m->qname_json_length + m->qname_text_length + m->folded_length + 3;
	char *texts = size <= QUERY_INLINE ? q->inline_texts : malloc(size);
	if (texts == NULL) abort();
	memcpy(texts, m->qname_json, m->qname_json_length);
	texts[m->qname_json_length] = 0;
	char *text = texts + m->qname_json_length + 1;
	memcpy(text, m->qname_text, m->qname_text_length);
	text[m->qname_text_length] = 0;
	char *folded = text + m->qname_text_length + 1;
	memcpy(folded, m->folded, m->folded_length);
	folded[m->folded_length] = 0;
	q->qname_json = texts;
	q->qname_json_length = m->qname_json_length;
	q->qname_text = text;
	q->qname_text_length = m->qname_text_length;
	q->folded = folded;
	q->folded_length = m->folded_length;
	q->first = q->last = m->time;
	q->answered_state = -1;
	pending_add(l, q);
	link_newest(l, q);
	if ((double)l->pending_count > l->stats[STAT_PENDING_PEAK]) l->stats[STAT_PENDING_PEAK] = (double)l->pending_count;
	track(l, q);
}

static void response(lane *l, const lane_message *m) {
	l->stats[STAT_RESPONSES]++;
	const lane_endpoint *client = &m->destination, *server = &m->source;
	uint32_t hash = bucket_hash(m->id, client->port, server->port, m->tcp);
	lane_query *pending = NULL;
	if (!m->has_question) {
		int matches = 0;
		for (lane_query *p = pending_first(l, hash); p != NULL; p = p->bucket_next) {
			if (p->hash != hash || !same_sockets(p, m->tcp, client, server, m->id)) continue;
			matches++;
			pending = p;
		}
		if (matches != 1) return unsolicited(l, m);
	} else {
		pending = pending_first(l, hash);
		while (pending != NULL && !(pending->hash == hash && same_exchange(pending, m->tcp, client, server, m->id, m))) pending = pending->bucket_next;
		if (pending == NULL) {
			int32_t recent = ring_find(l, hash, m->tcp, client, server, m->id, m->folded, m->folded_length, m->qtype, m->qclass);
			if (recent < 0) return unsolicited(l, m);
			if (l->ring[recent].state == 1) l->stats[STAT_DUPLICATES]++;
			else l->stats[STAT_LATE]++;
			return;
		}
	}
	pending_remove(l, pending);
	remember(l, pending, m->time + l->options.timeout_ms, 1);
	l->stats[STAT_ANSWERED]++;
	// Math.round((reply - first) * 1000) / 1000, with Math.round's ties towards +∞.
	double x = (m->time - pending->first) * 1000, rounded = ceil(x);
	if (rounded - 0.5 > x) rounded -= 1;
	const char *flag = settle(l, pending, 1);
	finish_query(l, pending, 0, m, rounded / 1000, NULL, flag);
	release_query(l, pending);
}

void lane_correlate(lane *l, const lane_message *m) {
	lane_advance(l, m->time);
	if (m->response) response(l, m);
	else query(l, m);
}

void lane_flush(lane *l) {
	for (lane_query *q = l->oldest; q != NULL; q = l->oldest) finish_unanswered(l, q, "end-of-capture");
	ring_clear(l);
	tracker_clear(l);
}

void lane_stats(lane *l, double *out) {
	memcpy(out, l->stats, sizeof l->stats);
	out[STAT_PAIRS] = l->pairs;
	out[STAT_LOST_HALVES] = l->lost_halves;
	out[STAT_PENDING] = (double)l->pending_count;
}

/* ---------- the inventory's hand-over ---------- */

size_t lane_names(lane *l) {
	return l->names_count;
}

const name_state *lane_name_at(lane *l, size_t index) {
	return &l->names[index];
}

lane_judge **lane_judge_slot(lane *l) {
	return &l->judge;
}

/** A text for the hand-over's string list: its bytes, then a NUL (presentation texts hold none: those are \000). */
static void string_put(lane_text *strings, const char *s, size_t n) {
	text_bytes(strings, s, n);
	text_char(strings, 0);
}

/** A family for the hand-over: counts, then whether a reply is kept and, if so, what of it the judgement reads. */
static void family_put(lane_text *t, lane_text *strings, const family_state *f, const char *name, size_t name_length) {
	text_u32(t, (uint32_t)f->asked);
	text_u32(t, (uint32_t)f->answered);
	text_u32(t, (uint32_t)f->unanswered);
	if (f->rcode == NULL) {
		text_char(t, 0);
		return;
	}
	text_char(t, 1);
	text_u32(t, lane_intern_id(f->rcode));
	text_char(t, (char)f->tc);
	text_u32(t, f->soa == NULL ? UINT32_MAX : lane_intern_id(f->soa));
	// The name's own text stands for the usual qname, and the qname for the usual owner (the reader then keeps one string).
	const char *qname = f->block;
	size_t qname_length = f->qname_length;
	int same = same_text(qname, qname_length, name, name_length);
	text_char(t, (char)same);
	if (!same) string_put(strings, qname, qname_length);
	text_u32(t, f->record_count);
	const uint8_t *r = (const uint8_t *)f->block + qname_length;
	for (uint32_t i = 0; i < f->record_count; i++) {
		uint32_t fields[5];
		memcpy(&fields[0], r, 4);
		const char *owner = (const char *)r + 4;
		memcpy(&fields[1], r + 4 + fields[0], 12); // type id, ttl, data length
		const char *data = (const char *)r + 16 + fields[0];
		int owner_same = same_text(owner, fields[0], qname, qname_length);
		text_char(t, (char)owner_same);
		if (!owner_same) string_put(strings, owner, fields[0]);
		text_u32(t, fields[1]);
		text_u32(t, fields[2]);
		string_put(strings, data, fields[3]);
		r += 16 + fields[0] + fields[3];
	}
}

/**
 * One name for native-lane.ts's reader: in `t`, count and lastSeen (f64), then the A and AAAA families
 * (family_put); in `strings`, its texts in the order they are read (the name first). Integers and
 * doubles in host order; types, RCODEs and SOAs (JSON) by interned id.
 */
void lane_name_put(lane *l, size_t index, lane_text *t, lane_text *strings) {
	const name_state *s = &l->names[index];
	string_put(strings, s->folded, s->folded_length);
	text_f64(t, s->count);
	text_f64(t, s->last_seen);
	family_put(t, strings, &s->a, s->folded, s->folded_length);
	family_put(t, strings, &s->aaaa, s->folded, s->folded_length);
}

void lane_destroy(lane *l) {
	if (l == NULL) return;
	while (l->oldest != NULL) {
		lane_query *q = l->oldest;
		pending_remove(l, q);
		release_query(l, q);
	}
	lane_judge_destroy(l->judge);
	ring_clear(l);
	tracker_clear(l);
	for (arena_chunk *c = l->arena; c != NULL;) {
		arena_chunk *next = c->next;
		lane_huge_free(c, sizeof *c + c->size);
		c = next;
	}
	lane_huge_free(l->names, l->names_bytes);
	free(l->name_heads);
	free(l->ring);
	free(l->ring_heads);
	free(l->tracked);
	free(l->order);
	free(l->pending);
	for (size_t i = 0; i < l->interned_count; i++) free(l->interned_list[i]);
	free(l->interned_list);
	free(l->interned);
	free((void *)l->type_names);
	free((void *)l->class_names);
	free(l->output.data);
	free(l);
}

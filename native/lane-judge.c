// The inventory's final judgement of a name in C, for the shapes it knows; every other name is left to JS.
//
// Decision (issue 6, capture): judging 100k names in JS (a NameState, two outcomes, a selection and a
// record each, then their JSON) was half of `capture -r`'s time. This file is core/capture-inventory.ts
// #judgeFamily (resolve/chain.ts walkChain inside one reply), core/verdict.ts judge and
// report/capture-json.ts writeNameJson, rule for rule, for these shapes:
// - each family never asked, timed out, or with a kept reply whose chain ends in this reply (addresses,
//   NODATA, NXDOMAIN, SERVFAIL, REFUSED, another RCODE, a loop, too long);
// - at most one distinct A and one distinct AAAA address when there is an AAAA (else no selection is
//   read but a lone A's), the AAAA usable, not synthesized;
// - every text plain (printable ASCII without `"` or `\`: JSON as it stands, case-folded in ASCII).
// What depends on the host, the stack and gai.conf is asked of JS (capture-live/native-judge.ts), never
// restated here: Source(D) for a batch of destinations; an address region's facts, once a region (the
// regions are the union of every prefix those facts read, so one address speaks for its region); and
// the order of an A and an AAAA, once per pair of (region, Source(D)) classes (RFC 6724 Rule 9, the only
// rule reading more of an address, does not compare the two families in the glibc, Go and RFC stacks;
// musl is left to JS). test/integration/capture-lanes.test.ts holds the lines to the JS judgement's.
#include "lane.h"
#include "source-route.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

/** resolve/chain.ts maxChainHops. */
#define MAX_HOPS 16
/** Records of a reply read here; a longer answer section is left to JS. */
#define MAX_RECORDS 64
/** Names judged between two sources calls (their judgements are held in between). */
#define JUDGE_BATCH 256

typedef struct {
	uint8_t bytes[16];
	uint8_t bits;
} region_prefix;

/** A destination address seen: its region and Source(D). */
typedef struct {
	uint8_t family;
	uint8_t address[16];
	int32_t region;
	int32_t source;
} destination;

typedef struct {
	char *address, *interface;
	size_t address_length, interface_length;
	int plain;
} source_texts;

/** A decision of an A and AAAA class pair. */
typedef struct {
	uint8_t used;
	int32_t key[4];
	int result;
} decision;

struct lane_judge {
	region_prefix *prefixes;
	size_t prefix_count;
	/** REGION_* bits per region and family (index region * 2 + (family == 6)); 0 until asked. */
	int *facts;
	char *rules[11];
	size_t rule_lengths[11];
	/** Destinations in the order seen (indices stay), and an open-addressing table of their indices (-1: empty). */
	destination *destinations;
	size_t destination_count, destination_capacity;
	int32_t *table;
	size_t table_mask;
	source_texts *sources;
	size_t source_capacity;
	decision *decisions;
	size_t decision_mask, decision_count;
	/** The destinations of a sources call: their texts and their slots. */
	lane_text batch;
	size_t *batch_slots;
	size_t batch_count, batch_capacity;
	uint32_t type_a, type_aaaa, type_cname;
	/** The kernel's source addresses seen (family, 16 bytes) and their ids. */
	struct {
		uint8_t family;
		uint8_t bytes[16];
		int32_t id;
	} *kernel;
	size_t kernel_count, kernel_capacity;
	/** A canonical address text (parse_address). */
	lane_text scratch;
	/** A batch's judgements, held from its classification to its lines (JUDGE_BATCH of them). */
	struct judged_name *held;
};

static void *judge_alloc(size_t n) {
	void *p = calloc(1, n);
	if (p == NULL) abort();
	return p;
}

lane_judge *lane_judge_setup(lane *l, const uint8_t *prefixes, size_t prefix_count, char *const *rules) {
	lane_judge **slot = lane_judge_slot(l);
	lane_judge_destroy(*slot);
	lane_judge *j = judge_alloc(sizeof *j);
	// Longest first, so the first prefix that holds an address is its region.
	j->prefixes = judge_alloc((prefix_count + 1) * sizeof *j->prefixes);
	for (size_t i = 0; i < prefix_count; i++) {
		memcpy(j->prefixes[i].bytes, prefixes + i * 17, 16);
		j->prefixes[i].bits = prefixes[i * 17 + 16] > 128 ? 128 : prefixes[i * 17 + 16];
	}
	for (size_t i = 1; i < prefix_count; i++) {
		region_prefix p = j->prefixes[i];
		size_t k = i;
		for (; k > 0 && j->prefixes[k - 1].bits < p.bits; k--) j->prefixes[k] = j->prefixes[k - 1];
		j->prefixes[k] = p;
	}
	j->prefix_count = prefix_count;
	j->facts = judge_alloc((prefix_count + 1) * 2 * sizeof *j->facts);
	for (int r = 1; r <= 10; r++) {
		j->rule_lengths[r] = strlen(rules[r]);
		j->rules[r] = lane_strndup(rules[r], j->rule_lengths[r]);
	}
	j->table_mask = 1023;
	j->table = malloc((j->table_mask + 1) * sizeof *j->table);
	if (j->table == NULL) abort();
	memset(j->table, 0xff, (j->table_mask + 1) * sizeof *j->table);
	j->decision_mask = 63;
	j->decisions = judge_alloc((j->decision_mask + 1) * sizeof *j->decisions);
	j->type_a = lane_intern_id(lane_intern(l, "A", 1));
	j->type_aaaa = lane_intern_id(lane_intern(l, "AAAA", 4));
	j->type_cname = lane_intern_id(lane_intern(l, "CNAME", 5));
	*slot = j;
	return j;
}

void lane_judge_destroy(lane_judge *j) {
	if (j == NULL) return;
	free(j->prefixes);
	free(j->facts);
	for (int r = 1; r <= 10; r++) free(j->rules[r]);
	free(j->destinations);
	free(j->table);
	for (size_t i = 0; i < j->source_capacity; i++) {
		free(j->sources[i].address);
		free(j->sources[i].interface);
	}
	free(j->sources);
	free(j->decisions);
	free(j->batch.data);
	free(j->batch_slots);
	free(j->kernel);
	free(j->scratch.data);
	free(j->held);
	free(j);
}

/** Printable ASCII without `"` and `\`: written into JSON as it is, and nameKey folds it in ASCII. */
static int plain(const char *s, size_t n) {
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return 0;
	}
	return 1;
}

void lane_judge_add_source(lane_judge *j, int32_t id, const char *address, size_t address_length, const char *interface, size_t interface_length) {
	if (id < 0) return;
	if ((size_t)id >= j->source_capacity) {
		size_t capacity = j->source_capacity == 0 ? 8 : j->source_capacity;
		while (capacity <= (size_t)id) capacity *= 2;
		j->sources = realloc(j->sources, capacity * sizeof *j->sources);
		if (j->sources == NULL) abort();
		memset(j->sources + j->source_capacity, 0, (capacity - j->source_capacity) * sizeof *j->sources);
		j->source_capacity = capacity;
	}
	source_texts *s = &j->sources[id];
	free(s->address);
	free(s->interface);
	s->address = lane_strndup(address, address_length);
	s->address_length = address_length;
	s->interface = interface == NULL ? NULL : lane_strndup(interface, interface_length);
	s->interface_length = interface_length;
	s->plain = plain(address, address_length) && (interface == NULL || plain(interface, interface_length));
}

/* ---------- names ---------- */

/** nameKey(a) === nameKey(b) for plain texts: ASCII case folded, one trailing dot dropped. */
static int same_key(const char *a, size_t an, const char *b, size_t bn) {
	if (an > 0 && a[an - 1] == '.') an--;
	if (bn > 0 && b[bn - 1] == '.') bn--;
	if (an != bn) return 0;
	for (size_t i = 0; i < an; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
		if (x >= 'A' && x <= 'Z') x += 32;
		if (y >= 'A' && y <= 'Z') y += 32;
		if (x != y) return 0;
	}
	return 1;
}

typedef struct {
	const char *owner, *data;
	uint32_t owner_length, data_length, type, ttl;
} record_ref;

typedef struct {
	const char *text;
	uint32_t length;
} text_ref;

typedef struct {
	const char *owner, *target;
	uint32_t owner_length, target_length, ttl;
} chain_link;

/** A family's outcome (FamilyOutcome's fields the line and the verdict read); status NULL: never asked. */
typedef struct {
	const char *status;
	chain_link chain[MAX_HOPS];
	size_t chain_count;
	text_ref addresses[MAX_RECORDS];
	size_t address_count;
	const char *soa;
} family_outcome;

/** #judgeFamily for a family of `s`: 1 when judged here (*out set), 0 when JS must judge the name. */
static int judge_family(const lane_judge *j, const family_state *f, uint32_t family_type, family_outcome *out) {
	out->chain_count = out->address_count = 0;
	out->soa = NULL;
	if (f->rcode == NULL) {
		out->status = f->unanswered > 0 ? "TIMEOUT" : NULL;
		return 1;
	}
	record_ref records[MAX_RECORDS];
	if (f->record_count > MAX_RECORDS) return 0;
	const char *qname = f->block;
	if (!plain(qname, f->qname_length)) return 0;
	const uint8_t *r = (const uint8_t *)f->block + f->qname_length;
	for (uint32_t i = 0; i < f->record_count; i++) {
		record_ref *rr = &records[i];
		uint32_t fields[3];
		memcpy(&rr->owner_length, r, 4);
		rr->owner = (const char *)r + 4;
		memcpy(fields, r + 4 + rr->owner_length, 12);
		rr->type = fields[0];
		rr->ttl = fields[1];
		rr->data_length = fields[2];
		rr->data = (const char *)r + 16 + rr->owner_length;
		if (!plain(rr->owner, rr->owner_length) || !plain(rr->data, rr->data_length)) return 0;
		r += 16 + rr->owner_length + rr->data_length;
	}
	// walkChain, from the qname through this reply's records.
	const char *tail = qname;
	size_t tail_length = f->qname_length;
	enum { ADDRESSES, STOPPED, LOOP, TOO_LONG } end;
	for (;;) {
		const record_ref *cname = NULL;
		for (uint32_t i = 0; i < f->record_count; i++) {
			const record_ref *rr = &records[i];
			if (rr->type == family_type) {
				if (same_key(rr->owner, rr->owner_length, tail, tail_length)) out->addresses[out->address_count++] = (text_ref){rr->data, rr->data_length};
			} else if (cname == NULL && rr->type == j->type_cname && same_key(rr->owner, rr->owner_length, tail, tail_length)) cname = rr;
		}
		if (out->address_count > 0) {
			end = ADDRESSES;
			break;
		}
		if (cname == NULL) {
			end = STOPPED;
			break;
		}
		if (out->chain_count >= MAX_HOPS) {
			end = TOO_LONG;
			break;
		}
		out->chain[out->chain_count++] = (chain_link){cname->owner, cname->data, cname->owner_length, cname->data_length, cname->ttl};
		// The names on the chain: the qname and every target so far.
		int loop = same_key(cname->data, cname->data_length, qname, f->qname_length);
		for (size_t k = 0; !loop && k + 1 < out->chain_count; k++) loop = same_key(cname->data, cname->data_length, out->chain[k].target, out->chain[k].target_length);
		if (loop) {
			end = LOOP;
			break;
		}
		tail = cname->data;
		tail_length = cname->data_length;
	}
	const char *rcode = f->rcode;
	if (end == LOOP || end == TOO_LONG) out->status = "ERROR";
	else if (strcmp(rcode, "NXDOMAIN") == 0) {
		out->status = "NXDOMAIN";
		out->soa = f->soa;
	} else if (strcmp(rcode, "SERVFAIL") == 0 || strcmp(rcode, "REFUSED") == 0) out->status = rcode;
	else if (strcmp(rcode, "NOERROR") != 0) out->status = "ERROR";
	else if (end == ADDRESSES) out->status = "NOERROR";
	else if (f->soa != NULL || out->chain_count == 0) {
		out->status = "NODATA";
		out->soa = f->soa;
	} else return 0; // the chain stops here without an SOA: its tail is another name's reply (JS)
	// Only a NOERROR outcome carries its addresses (#judgeFamily's other outcomes have none).
	if (strcmp(out->status, "NOERROR") != 0) out->address_count = 0;
	return 1;
}

/** An address text as the lines write it: 4 or 6 and its bytes (IPv4 mapped), or 0 when not in canonical form. */
static int parse_address(lane_judge *j, const text_ref *t, int family, uint8_t mapped[16]) {
	char text[64];
	if (t->length >= sizeof text) return 0;
	memcpy(text, t->text, t->length);
	text[t->length] = 0;
	lane_text *canonical = &j->scratch;
	canonical->length = 0;
	int ok = 0;
	if (family == 4) {
		memset(mapped, 0, 10);
		mapped[10] = mapped[11] = 0xff;
		ok = inet_pton(AF_INET, text, mapped + 12) == 1;
		if (ok) text_ipv4(canonical, mapped + 12);
	} else {
		ok = inet_pton(AF_INET6, text, mapped) == 1;
		if (ok) text_ipv6(canonical, mapped);
	}
	// Only the text a reply's bytes print as: the JS sort then parses the same address.
	ok = ok && canonical->length == t->length && memcmp(canonical->data, t->text, t->length) == 0;
	return ok ? family : 0;
}

static uint32_t hash_bytes(const uint8_t *b, size_t n, uint32_t h) {
	for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x01000193u;
	return h;
}

/** The index of this address in the destination list (added, region found, when new); SIZE_MAX when a region call threw. */
static size_t destination_slot(lane_judge *j, const text_ref *t, int family, const uint8_t mapped[16], const lane_judge_calls *calls) {
	if (j->destination_count * 2 >= j->table_mask + 1) {
		// The table of indices grows; the list's indices (held by batches and judged names) stay.
		size_t size = (j->table_mask + 1) * 4;
		free(j->table);
		j->table = malloc(size * sizeof *j->table);
		if (j->table == NULL) abort();
		memset(j->table, 0xff, size * sizeof *j->table);
		j->table_mask = size - 1;
		for (size_t i = 0; i < j->destination_count; i++) {
			const destination *d = &j->destinations[i];
			size_t at = hash_bytes(d->address, 16, 0x811c9dc5u ^ d->family) & j->table_mask;
			while (j->table[at] >= 0) at = (at + 1) & j->table_mask;
			j->table[at] = (int32_t)i;
		}
	}
	size_t at = hash_bytes(mapped, 16, 0x811c9dc5u ^ (uint32_t)family) & j->table_mask;
	for (; j->table[at] >= 0; at = (at + 1) & j->table_mask) {
		const destination *d = &j->destinations[j->table[at]];
		if (d->family == family && memcmp(d->address, mapped, 16) == 0) return (size_t)j->table[at];
	}
	int32_t region = (int32_t)j->prefix_count;
	for (size_t i = 0; i < j->prefix_count; i++) {
		const region_prefix *p = &j->prefixes[i];
		size_t whole = p->bits >> 3;
		if (memcmp(p->bytes, mapped, whole) != 0) continue;
		if (p->bits & 7) {
			uint8_t mask = (uint8_t)(0xff << (8 - (p->bits & 7)));
			if (((p->bytes[whole] ^ mapped[whole]) & mask) != 0) continue;
		}
		region = (int32_t)i;
		break;
	}
	int *facts = &j->facts[region * 2 + (family == 6)];
	if (*facts == 0) {
		int got = calls->region(calls->context, t->text, t->length, family);
		if (got < 0) return SIZE_MAX;
		*facts = got | REGION_KNOWN;
	}
	if (j->destination_count == j->destination_capacity) {
		j->destination_capacity = j->destination_capacity == 0 ? 1024 : j->destination_capacity * 2;
		j->destinations = realloc(j->destinations, j->destination_capacity * sizeof *j->destinations);
		if (j->destinations == NULL) abort();
	}
	size_t index = j->destination_count++;
	destination *d = &j->destinations[index];
	d->family = (uint8_t)family;
	memcpy(d->address, mapped, 16);
	d->region = region;
	d->source = SOURCE_UNASKED;
	j->table[at] = (int32_t)index;
	return index;
}

/** A name's judgement before its line: both families and, for a selection, its two destinations. */
typedef struct judged_name {
	family_outcome a, aaaa;
	/** The A and AAAA of the selection (SIZE_MAX: none), and whether a selection is read at all. */
	size_t a_slot, aaaa_slot;
	int selects;
} judged_name;

/** All texts in `list` the same as its first. */
static int all_same(const text_ref *list, size_t n) {
	for (size_t i = 1; i < n; i++)
		if (list[i].length != list[0].length || memcmp(list[i].text, list[0].text, list[0].length) != 0) return 0;
	return 1;
}

/** 1 when this name is judged here (*out set, destinations in the table), 0 when left to JS, -1 when a call threw. */
static int classify(lane_judge *j, const name_state *s, judged_name *out, const lane_judge_calls *calls) {
	if (!plain(s->folded, s->folded_length)) return 0;
	if (!judge_family(j, &s->a, j->type_a, &out->a) || !judge_family(j, &s->aaaa, j->type_aaaa, &out->aaaa)) return 0;
	out->a_slot = out->aaaa_slot = SIZE_MAX;
	out->selects = 0;
	if (out->a.status == NULL || out->aaaa.status == NULL) return 1;
	if (out->aaaa.address_count == 0) {
		// A lone A (or the same A again) sorts to itself: no Source(D) is read (#judgeName's `single`).
		return all_same(out->a.addresses, out->a.address_count);
	}
	if (!all_same(out->aaaa.addresses, out->aaaa.address_count) || !all_same(out->a.addresses, out->a.address_count)) return 0;
	uint8_t mapped[16];
	if (parse_address(j, &out->aaaa.addresses[0], 6, mapped) != 6) return 0;
	size_t slot = destination_slot(j, &out->aaaa.addresses[0], 6, mapped, calls);
	if (slot == SIZE_MAX) return -1;
	if (j->facts[j->destinations[slot].region * 2 + 1] & REGION_FOREIGN) return 0;
	out->aaaa_slot = slot;
	out->selects = 1;
	if (out->a.address_count > 0) {
		if (parse_address(j, &out->a.addresses[0], 4, mapped) != 4) return 0;
		slot = destination_slot(j, &out->a.addresses[0], 4, mapped, calls);
		if (slot == SIZE_MAX) return -1;
		out->a_slot = slot;
	}
	return 1;
}

/* ---------- lines ---------- */

static void write_chain(lane_text *t, const chain_link *chain, size_t n) {
	text_char(t, '[');
	for (size_t i = 0; i < n; i++) {
		text_cstr(t, i == 0 ? "{\"name\":\"" : ",{\"name\":\"");
		text_bytes(t, chain[i].owner, chain[i].owner_length);
		text_literal(t, "\",\"target\":\"");
		text_bytes(t, chain[i].target, chain[i].target_length);
		text_literal(t, "\",\"ttl\":");
		text_uint(t, chain[i].ttl);
		text_char(t, '}');
	}
	text_char(t, ']');
}

static void write_family(lane_text *t, const family_state *f, const family_outcome *o) {
	text_literal(t, "{\"asked\":");
	text_uint(t, (uint64_t)f->asked);
	text_literal(t, ",\"answered\":");
	text_uint(t, (uint64_t)f->answered);
	text_literal(t, ",\"unanswered\":");
	text_uint(t, (uint64_t)f->unanswered);
	text_literal(t, ",\"status\":");
	if (o->status == NULL) text_literal(t, "null");
	else {
		text_char(t, '"');
		text_cstr(t, o->status);
		text_char(t, '"');
	}
	text_literal(t, ",\"addresses\":[");
	for (size_t i = 0; i < o->address_count; i++) {
		text_cstr(t, i == 0 ? "\"" : ",\"");
		text_bytes(t, o->addresses[i].text, o->addresses[i].length);
		text_char(t, '"');
	}
	text_literal(t, "],\"chain\":");
	write_chain(t, o->chain, o->status == NULL ? 0 : o->chain_count);
	text_char(t, '}');
}

static int failed(const family_outcome *o) {
	return strcmp(o->status, "TIMEOUT") == 0 || strcmp(o->status, "ERROR") == 0;
}

/** The name of an SOA kept as JSON (`{"name":"…",…}`), when plain. */
static int soa_name(const char *soa, const char **name, size_t *length) {
	static const char start[] = "{\"name\":\"";
	if (strncmp(soa, start, sizeof start - 1) != 0) return 0;
	const char *at = soa + sizeof start - 1;
	const char *close = strchr(at, '"');
	if (close == NULL || memchr(at, '\\', (size_t)(close - at)) != NULL) return 0;
	*name = at;
	*length = (size_t)(close - at);
	return 1;
}

static uint32_t decision_hash(const int32_t key[4]) {
	return hash_bytes((const uint8_t *)key, 4 * sizeof *key, 0x811c9dc5u);
}

/** The decision (DECIDE_* bits) for A `a` at `v4` and AAAA `b` at `v6`: remembered per class pair, else asked of JS once; -1 when it threw. */
static int decision_of(lane_judge *j, const text_ref *a, const destination *v4, const text_ref *b, const destination *v6, const lane_judge_calls *calls) {
	int32_t key[4] = {v4->region, v4->source, v6->region, v6->source};
	size_t at = decision_hash(key) & j->decision_mask;
	for (; j->decisions[at].used; at = (at + 1) & j->decision_mask)
		if (memcmp(j->decisions[at].key, key, sizeof key) == 0) return j->decisions[at].result;
	int result = calls->decide(calls->context, a->text, a->length, v4->source, b->text, b->length, v6->source);
	if (result < 0) return -1;
	if (j->decision_count * 2 >= j->decision_mask) {
		size_t size = (j->decision_mask + 1) * 4;
		decision *table = judge_alloc(size * sizeof *table);
		for (size_t i = 0; i <= j->decision_mask; i++) {
			if (!j->decisions[i].used) continue;
			size_t k = decision_hash(j->decisions[i].key) & (size - 1);
			while (table[k].used) k = (k + 1) & (size - 1);
			table[k] = j->decisions[i];
		}
		free(j->decisions);
		j->decisions = table;
		j->decision_mask = size - 1;
		for (at = decision_hash(key) & j->decision_mask; j->decisions[at].used; at = (at + 1) & j->decision_mask) {}
	}
	decision *d = &j->decisions[at];
	d->used = 1;
	memcpy(d->key, key, sizeof key);
	d->result = result;
	j->decision_count++;
	return result;
}

/**
 * verdict.ts judge and #record's `chosen`, written as `,"verdict":…,"reason":…,"chosen":…`: 1 when
 * written, 0 when JS must judge the name (an SOA or interface not plain, Source(D) not known at once).
 */
static int write_verdict(lane_judge *j, lane_text *t, const judged_name *n, const lane_judge_calls *calls, int *threw) {
	const family_outcome *a = &n->a, *aaaa = &n->aaaa;
	if (a->status == NULL || aaaa->status == NULL) {
		text_cstr(t, a->status == NULL ? ",\"verdict\":null,\"reason\":\"not judged: A: never asked\",\"chosen\":null" : ",\"verdict\":null,\"reason\":\"not judged: AAAA: never asked\",\"chosen\":null");
		return 1;
	}
	if (!n->selects) {
		int has_a = a->address_count > 0;
		if (has_a && strcmp(aaaa->status, "NODATA") == 0) {
			const char *name = NULL;
			size_t length = 0;
			if (aaaa->soa != NULL && !soa_name(aaaa->soa, &name, &length)) return 0;
			text_literal(t, ",\"verdict\":\"not-migrated\",\"reason\":\"IPv4 only: AAAA is NODATA");
			if (name != NULL) {
				text_literal(t, " (SOA ");
				text_bytes(t, name, length);
				text_char(t, ')');
			}
		} else if (has_a && strcmp(aaaa->status, "NOERROR") != 0) {
			text_literal(t, ",\"verdict\":\"broken-aaaa\",\"reason\":\"A answers but AAAA is ");
			text_cstr(t, aaaa->status);
			text_literal(t, " (RFC 4074: the resolver or server mishandles AAAA)");
		} else if (has_a) text_literal(t, ",\"verdict\":\"not-migrated\",\"reason\":\"IPv4 only: no AAAA");
		else {
			text_cstr(t, failed(a) && failed(aaaa) ? ",\"verdict\":\"error\",\"reason\":\"no answer: A " : ",\"verdict\":\"unresolved\",\"reason\":\"no address in either family: A ");
			text_cstr(t, a->status);
			text_literal(t, ", AAAA ");
			text_cstr(t, aaaa->status);
		}
		text_literal(t, "\",\"chosen\":");
		if (!has_a) text_literal(t, "null");
		else {
			text_char(t, '"');
			text_bytes(t, a->addresses[0].text, a->addresses[0].length);
			text_char(t, '"');
		}
		return 1;
	}
	const destination *v6 = &j->destinations[n->aaaa_slot];
	const destination *v4 = n->a_slot == SIZE_MAX ? NULL : &j->destinations[n->a_slot];
	if (v6->source == SOURCE_UNKNOWN || (v4 != NULL && v4->source == SOURCE_UNKNOWN)) return 0;
	int aaaa_first = 1, rule = 0;
	if (v4 != NULL) {
		int result = decision_of(j, &a->addresses[0], v4, &aaaa->addresses[0], v6, calls);
		if (result < 0) {
			*threw = 1;
			return 0;
		}
		aaaa_first = result & DECIDE_AAAA_FIRST;
		rule = result >> DECIDE_RULE_SHIFT;
		if (rule < 0 || rule > 10) rule = 0;
	}
	const source_texts *source = v6->source >= 0 && (size_t)v6->source < j->source_capacity ? &j->sources[v6->source] : NULL;
	if (v6->source >= 0 && (source == NULL || source->address == NULL || !source->plain)) return 0;
	const text_ref *chosen = aaaa_first ? &aaaa->addresses[0] : &a->addresses[0];
	if (aaaa_first) {
		text_literal(t, ",\"verdict\":\"migrated\",\"reason\":\"would connect to ");
		text_bytes(t, chosen->text, chosen->length);
		text_literal(t, " from ");
		if (source == NULL) text_char(t, '?');
		else text_bytes(t, source->address, source->address_length);
		if (source != NULL && source->interface != NULL) {
			text_literal(t, " via ");
			text_bytes(t, source->interface, source->interface_length);
		}
		if (rule > 0) text_bytes(t, j->rules[rule], j->rule_lengths[rule]);
		if (j->facts[v6->region * 2 + 1] & REGION_ULA) text_literal(t, " [ULA: reachable inside the site only]");
	} else {
		text_literal(t, ",\"verdict\":\"v6-not-preferred\",\"reason\":\"has AAAA, but this host would try ");
		text_bytes(t, chosen->text, chosen->length);
		text_literal(t, " first");
		if (rule > 0) text_bytes(t, j->rules[rule], j->rule_lengths[rule]);
		if (v6->source == SOURCE_NONE && rule == 1) text_literal(t, " \xe2\x80\x94 no IPv6 source address or route for the AAAA");
	}
	text_literal(t, "\",\"chosen\":\"");
	text_bytes(t, chosen->text, chosen->length);
	text_char(t, '"');
	return 1;
}

/** writeNameJson's line for a name judged here; 0 (nothing written) when JS must judge it. */
static int write_name(lane_judge *j, lane_text *t, const name_state *s, const judged_name *n, const lane_judge_calls *calls, int *threw) {
	size_t mark = t->length;
	text_literal(t, "{\"kind\":\"name\",\"name\":\"");
	text_bytes(t, s->folded, s->folded_length);
	text_literal(t, "\",\"count\":");
	text_number(t, s->count);
	text_literal(t, ",\"lastSeen\":");
	text_number(t, s->last_seen);
	text_literal(t, ",\"chain\":");
	// The AAAA chain when it has one, else the A's (#record).
	if (n->aaaa.status != NULL && n->aaaa.chain_count > 0) write_chain(t, n->aaaa.chain, n->aaaa.chain_count);
	else write_chain(t, n->a.chain, n->a.status == NULL ? 0 : n->a.chain_count);
	text_literal(t, ",\"processes\":[],\"a\":");
	write_family(t, &s->a, &n->a);
	text_literal(t, ",\"aaaa\":");
	write_family(t, &s->aaaa, &n->aaaa);
	if (!write_verdict(j, t, n, calls, threw)) {
		t->length = mark;
		return 0;
	}
	text_literal(t, "}\n");
	return 1;
}

/* ---------- the calls ---------- */

/** The id of a source address the kernel gave (asked of JS once each); -1 when JS threw. */
static int32_t kernel_id(lane_judge *j, int family, const uint8_t *address, const lane_judge_calls *calls) {
	size_t size = family == 4 ? 4 : 16;
	for (size_t i = 0; i < j->kernel_count; i++)
		if (j->kernel[i].family == family && memcmp(j->kernel[i].bytes, address, size) == 0) return j->kernel[i].id;
	int32_t id = calls->kernel_source(calls->context, j, family, address);
	if (id < 0) return -1;
	if (j->kernel_count == j->kernel_capacity) {
		j->kernel_capacity = j->kernel_capacity == 0 ? 8 : j->kernel_capacity * 2;
		j->kernel = realloc(j->kernel, j->kernel_capacity * sizeof *j->kernel);
		if (j->kernel == NULL) abort();
	}
	j->kernel[j->kernel_count].family = (uint8_t)family;
	memcpy(j->kernel[j->kernel_count].bytes, address, size);
	j->kernel[j->kernel_count].id = id;
	j->kernel_count++;
	return id;
}

/** Source(D) of the batch's destinations from the kernel, as probeManyNow asks it (no socket: not known, JS judges). */
static int ask_kernel(lane_judge *j, const lane_judge_calls *calls) {
	uint8_t *asked = malloc(j->batch_count * 16), *sources = malloc(j->batch_count * 16), *found = malloc(j->batch_count);
	size_t *slots = malloc(j->batch_count * sizeof *slots);
	if (asked == NULL || sources == NULL || found == NULL || slots == NULL) abort();
	int ok = 1;
	for (int family = 4; ok && family <= 6; family += 2) {
		size_t size = family == 4 ? 4 : 16, n = 0;
		for (size_t i = 0; i < j->batch_count; i++) {
			const destination *d = &j->destinations[j->batch_slots[i]];
			if (d->family != family) continue;
			memcpy(asked + n * size, family == 4 ? d->address + 12 : d->address, size);
			slots[n++] = j->batch_slots[i];
		}
		if (n == 0) continue;
		int32_t routed = source_probe_many(family, asked, (int32_t)n, sources, found);
		for (size_t i = 0; i < n; i++) {
			int32_t id = routed < 0 ? SOURCE_UNKNOWN : !found[i] ? SOURCE_NONE : kernel_id(j, family, sources + i * 16, calls);
			if (id == -1 && routed >= 0 && found[i]) {
				ok = 0;
				break;
			}
			j->destinations[slots[i]].source = id;
		}
	}
	free(asked);
	free(sources);
	free(found);
	free(slots);
	return ok;
}

/** Asks for Source(D) of every destination of the batch not yet asked. */
static int ask_sources(lane_judge *j, const lane_judge_calls *calls) {
	if (j->batch_count == 0) return 1;
	int ok;
	if (calls->kernel_source != NULL) ok = ask_kernel(j, calls);
	else {
		int32_t *ids = malloc(j->batch_count * sizeof *ids);
		if (ids == NULL) abort();
		ok = calls->sources(calls->context, j, j->batch.data, j->batch.length, j->batch_count, ids);
		for (size_t i = 0; ok && i < j->batch_count; i++) j->destinations[j->batch_slots[i]].source = ids[i] < SOURCE_UNKNOWN ? SOURCE_UNKNOWN : ids[i];
		free(ids);
	}
	j->batch.length = 0;
	j->batch_count = 0;
	return ok;
}

static void batch_add(lane_judge *j, size_t slot, const text_ref *t) {
	destination *d = &j->destinations[slot];
	if (d->source != SOURCE_UNASKED) return;
	d->source = SOURCE_UNKNOWN; // until the call answers: asked once
	if (j->batch_count == j->batch_capacity) {
		j->batch_capacity = j->batch_capacity == 0 ? 1024 : j->batch_capacity * 2;
		j->batch_slots = realloc(j->batch_slots, j->batch_capacity * sizeof *j->batch_slots);
		if (j->batch_slots == NULL) abort();
	}
	j->batch_slots[j->batch_count++] = slot;
	text_bytes(&j->batch, t->text, t->length);
	text_char(&j->batch, 0);
}

/** The judge's room for a batch's judgements, allocated once. */
static judged_name *held_of(lane_judge *j) {
	if (j->held == NULL && (j->held = malloc(JUDGE_BATCH * sizeof *j->held)) == NULL) abort();
	return j->held;
}

int64_t lane_judge_names(lane *l, size_t start, size_t count, size_t output_limit, const lane_judge_calls *calls) {
	lane_judge *j = *lane_judge_slot(l);
	size_t total = lane_names(l);
	if (j == NULL || start >= total) return 0;
	if (count > total - start) count = total - start;
	lane_text *out = lane_output(l);
	judged_name *held = held_of(j);
	size_t done = 0;
	int threw = 0;
	while (done < count && out->length < output_limit) {
		// A batch: classify (regions asked on the way), ask Source(D) of its new destinations at once, write.
		size_t batch_end = done + JUDGE_BATCH < count ? done + JUDGE_BATCH : count;
		size_t judged = done;
		for (; judged < batch_end; judged++) {
			judged_name *n = &held[judged - done];
			int c = classify(j, lane_name_at(l, start + judged), n, calls);
			if (c < 0) threw = 1;
			if (c <= 0) break;
			if (n->aaaa_slot != SIZE_MAX) batch_add(j, n->aaaa_slot, &n->aaaa.addresses[0]);
			if (n->a_slot != SIZE_MAX) batch_add(j, n->a_slot, &n->a.addresses[0]);
		}
		if (threw || !ask_sources(j, calls)) {
			threw = 1;
			break;
		}
		size_t written = done;
		for (; written < judged && out->length < output_limit; written++)
			if (!write_name(j, out, lane_name_at(l, start + written), &held[written - done], calls, &threw)) break;
		done = written;
		if (threw || written < batch_end) break;
	}
	return threw ? -1 : (int64_t)done;
}

size_t lane_judge_foreign(lane *l, size_t start, size_t count, const lane_judge_calls *calls) {
	lane_judge *j = *lane_judge_slot(l);
	size_t total = lane_names(l);
	if (start >= total) return 0;
	if (count > total - start) count = total - start;
	// The first name is JS's (the caller found so); then every name that classify leaves to JS.
	size_t k = 1;
	while (j != NULL && k < count && classify(j, lane_name_at(l, start + k), held_of(j), calls) == 0) k++;
	return k;
}

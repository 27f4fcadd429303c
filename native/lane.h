// The native capture lane (issue 6): classic pcap records to exchange NDJSON, as src/core/capture-pipeline.ts does in JS.
//
// Decision: `capture -r FILE --json` spent ~9 µs a packet in JS (objects, strings, the GC), against the
// ~2 µs tcpdump's own decode leaves room for. This lane reads the common frames itself: records,
// link, IPv4/IPv6, UDP and DNS messages within wire/lean-decode.ts's subset (plain labels only), pairs
// them with the correlator's exact rules (capture/correlate.ts, gai-pairs.ts, recent-ring.ts) and
// writes the exchange lines as report/capture-json.ts does. Every frame it is not sure of (another
// protocol, TCP, a fragment, an odd name, a record type it does not present, damage) it hands back to
// the JS pipeline's own decoders, which count it or describe its message to lane_push: one correlator,
// one inventory, whichever side decoded. test/integration/capture-lanes.test.ts holds both lanes to
// byte-identical output.
#ifndef HE6_LANE_H
#define HE6_LANE_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/** A growable byte buffer (the lane's output, scratch texts). */
typedef struct {
	char *data;
	size_t length, capacity;
} lane_text;

/** Room for `more` bytes: text_grow when there is none (out of line: the lines' every piece calls these). */
void text_grow(lane_text *t, size_t more);
static inline void text_reserve(lane_text *t, size_t more) {
	if (t->length + more > t->capacity) text_grow(t, more);
}
static inline void text_bytes(lane_text *t, const void *bytes, size_t n) {
	if (n == 0) return; // memcpy is not defined for a null pointer, even for no bytes
	text_reserve(t, n);
	memcpy(t->data + t->length, bytes, n);
	t->length += n;
}
static inline void text_cstr(lane_text *t, const char *s) {
	text_bytes(t, s, strlen(s));
}
static inline void text_char(lane_text *t, char c) {
	text_reserve(t, 1);
	t->data[t->length++] = c;
}
/** A string literal's bytes (its length known at compile time). */
#define text_literal(t, literal) text_bytes((t), "" literal, sizeof(literal) - 1)
void text_uint(lane_text *t, uint64_t n);
/** A number as JSON.stringify writes it (ECMAScript Number::toString; NaN and infinities as null). */
void text_number(lane_text *t, double v);
/** RFC 5952 text as wire/address-text.ts formatIpv6 writes it (no dotted tail). */
void text_ipv6(lane_text *t, const uint8_t *b);
void text_ipv4(lane_text *t, const uint8_t *b);
char *lane_strndup(const char *s, size_t n);
/**
 * n bytes (rounded up to 2 MiB) of zeroed memory on transparent huge pages where the kernel allows
 * them (madvise); lane_huge_free gives them back. lane_huge_grow copies them into a larger mapping.
 */
void *lane_huge_alloc(size_t *n);
void *lane_huge_grow(void *p, size_t old_size, size_t *n);
void lane_huge_free(void *p, size_t n);
/** Host-order integers and doubles (the hand-over is read on the same host, by Buffer's *LE readers: Linux on x86-64/arm64). */
void text_u32(lane_text *t, uint32_t v);
void text_f64(lane_text *t, double v);

/** One end of a captured exchange: the scope is always null in a capture. */
typedef struct {
	uint8_t family; // 4 or 6
	uint8_t address[16];
	uint16_t port;
} lane_endpoint;

/** A DNS message as the correlator reads it, decoded here or described by the JS pipeline (lane_push). */
typedef struct {
	double time;
	int tcp;
	lane_endpoint source, destination;
	int id;
	int response;
	int has_question;
	/** The question's name as a JSON string literal (quotes included), and case-folded (nameKey). */
	const char *qname_json;
	size_t qname_json_length;
	const char *folded;
	size_t folded_length;
	/** Interned type and class texts (lane_intern). */
	const char *qtype;
	const char *qclass;
	const char *rcode;
	int aa, tc, ad;
	/** The answer section as the exchange line writes it between `[` and `]`; empty when none. */
	const char *answers_json;
	size_t answers_json_length;
	/** The authority section's first SOA as JSON, or NULL (null). */
	const char *soa_json;
	size_t soa_json_length;
	/** The question's name as presented (no JSON quoting), for the inventory. */
	const char *qname_text;
	size_t qname_text_length;
	/** The answer section for the inventory: record_count records as lane_record_put writes them. */
	const uint8_t *records;
	size_t records_length;
	uint32_t record_count;
} lane_message;

typedef struct lane lane;

/** Options as capture/correlate.ts takes them. */
typedef struct {
	double timeout_ms;
	double pair_window_ms;
	int32_t max_pending;
} lane_options;

lane *lane_create(const lane_options *options);
void lane_destroy(lane *l);
/** The same string for equal texts (types, classes, RCODEs): compared by pointer afterwards. */
const char *lane_intern(lane *l, const char *text, size_t n);
/** An interned text's id, and the texts by id (the hand-over names types, RCODEs and SOAs by id). */
uint32_t lane_intern_id(const char *text);
size_t lane_interned_count(lane *l);
const char *lane_interned(lane *l, size_t id, size_t *length);
/** One answer record for the inventory: name, type (interned), TTL, data (presentation). */
void lane_record_put(lane_text *t, const char *name, size_t name_length, const char *type, uint32_t ttl, const char *data, size_t data_length);
/** The type and class names (rr-types.ts), RCODE names 0–15 (dns-packet), as JS gives them. */
void lane_set_type_name(lane *l, int code, const char *name, size_t n);
void lane_set_class_name(lane *l, int code, const char *name, size_t n);
void lane_set_rcode_name(lane *l, int code, const char *name, size_t n);
const char *lane_type_name(lane *l, int code);
const char *lane_class_name(lane *l, int code);
const char *lane_rcode_name(lane *l, int code);

/** The exchange lines written so far (taken by lane_take_output). */
lane_text *lane_output(lane *l);
/** Correlator.advance(time): queries past their deadline become unanswered (lines written). */
void lane_advance(lane *l, double time);
/** Correlator.push of one message (advance first, as push does). */
void lane_correlate(lane *l, const lane_message *m);
/** Correlator.flush: every query still pending ends as unanswered (end-of-capture). */
void lane_flush(lane *l);

/** Counters of the correlator, in CorrelateStats' order, then pending, and the exchanges written. */
enum {
	STAT_QUERIES, STAT_RESPONSES, STAT_ANSWERED, STAT_UNANSWERED, STAT_UNSOLICITED, STAT_RETRANSMISSIONS,
	STAT_DUPLICATES, STAT_LATE, STAT_EVICTED, STAT_PENDING_PEAK, STAT_PAIRS, STAT_LOST_HALVES,
	STAT_PENDING, STAT_EXCHANGES, STAT_COUNT
};
void lane_stats(lane *l, double *out);

/** One family of a name (Inventory's FamilyState): counts and the reply it is judged by. */
typedef struct {
	int asked, answered, unanswered;
	/** The kept reply: its RCODE (interned; NULL: none kept), TC bit, SOA (interned JSON, or NULL). */
	const char *rcode;
	int tc;
	const char *soa;
	/** The qname as presented, then the answer records (lane_record_put's), in the lane's arena. */
	char *block;
	uint32_t qname_length, records_length, record_count, block_capacity;
} family_state;

/** A name of the inventory (Inventory.add's NameState): its key, counts and both families. */
typedef struct {
	char *folded;
	size_t folded_length;
	uint32_t hash;
	int32_t next;
	double count;
	double last_seen;
	family_state a, aaaa;
} name_state;

/** The inventory: names in first-seen order, written for native-lane.ts's reader (the format is lane_name_put's). */
size_t lane_names(lane *l);
/** The index of the name with this (case-folded) key, or -1. */
int64_t lane_find_name(lane *l, const char *folded, size_t n);
void lane_name_put(lane *l, size_t index, lane_text *out, lane_text *strings);
const name_state *lane_name_at(lane *l, size_t index);

/**
 * The name judge (lane-judge.c): Inventory.judgeAll's final judgement of the names whose shape it knows
 * (core/capture-inventory.ts #judgeFamily, core/verdict.ts judge), their lines written as
 * report/capture-json.ts writeNameJson writes them. What depends on the host and the stack stays in JS
 * (capture-live/native-judge.ts), asked through these calls, each rarely: Source(D) a batch of destinations at
 * a time, the facts of an address region once, and the order of an A and an AAAA once per pair of
 * (region, source) classes. Any other name is left to JS (lane_judge_names stops before it).
 */
typedef struct lane_judge lane_judge;

typedef struct {
	void *context;
	/**
	 * Source(D) of `count` destination texts, each followed by a NUL, into ids[] (SOURCE_* or an id
	 * that lane_judge_add_source has named before this returns); 0 when JS threw.
	 */
	int (*sources)(void *context, lane_judge *j, const char *texts, size_t length, size_t count, int32_t *ids);
	/** The facts (REGION_* bits) of the region of the address `text` (of `family`, 4 or 6); -1 when JS threw. */
	int (*region)(void *context, const char *text, size_t length, int family);
	/** The order of A `a` and AAAA `b` (DECIDE_* bits, the rule above them); -1 when JS threw. */
	int (*decide)(void *context, const char *a, size_t a_length, int32_t a_source, const char *b, size_t b_length, int32_t b_source);
	/**
	 * NULL, or: Source(D) is the kernel's, asked here (source-route.c source_probe_many, as the JS
	 * provider asks it), and this names the id of a source address the kernel gave (4 or 16 bytes),
	 * lane_judge_add_source called for a new one; -1 when JS threw.
	 */
	int32_t (*kernel_source)(void *context, lane_judge *j, int family, const uint8_t *address);
} lane_judge_calls;

/** Source(D) as the sources call gives it: not yet asked, not known at once (JS judges), none (unusable). */
enum { SOURCE_UNASKED = -3, SOURCE_UNKNOWN = -2, SOURCE_NONE = -1 };
/** An address region's facts: the AAAA side leaves its names to JS (unusable, synthesized), a ULA. */
enum { REGION_KNOWN = 1, REGION_FOREIGN = 2, REGION_ULA = 4 };
/** A decision: the AAAA goes first; the rule (1–10, 0: none) is the rest shifted by DECIDE_RULE_SHIFT. */
enum { DECIDE_AAAA_FIRST = 1, DECIDE_RULE_SHIFT = 1 };

lane_judge **lane_judge_slot(lane *l);
/**
 * The judge of lane `l`: `prefixes` (17 bytes each: 16 address bytes, IPv4 as ::ffff:a.b.c.d, then the
 * length) partition the addresses so that every fact JS gives holds for a whole region; `rules[1..10]`
 * the rule texts " (Rule n: …)".
 */
lane_judge *lane_judge_setup(lane *l, const uint8_t *prefixes, size_t prefix_count, char *const *rules);
void lane_judge_destroy(lane_judge *j);
/** A source id's texts: its address and interface (NULL: none). */
void lane_judge_add_source(lane_judge *j, int32_t id, const char *address, size_t address_length, const char *interface, size_t interface_length);
/**
 * Judges names from `start` (at most `count`), writing their lines to the lane's output, until one it
 * leaves to JS or the output holds `output_limit` bytes; returns the names judged, or -1 when a call threw.
 */
int64_t lane_judge_names(lane *l, size_t start, size_t count, size_t output_limit, const lane_judge_calls *calls);
/** The names from `start` (at most `count`) that lane_judge_names leaves to JS, one after the other. */
size_t lane_judge_foreign(lane *l, size_t start, size_t count, const lane_judge_calls *calls);

/** Frames: the scan of a chunk of pcap records (lane-wire.c). */
enum {
	/** Every complete record was read; `next` is the first byte not consumed. */
	SCAN_DONE = 0,
	/** The record at `next` is for the JS pipeline (not in this lane's subset). */
	SCAN_JS = 1,
	/** The record at `next` is due a TCP idle sweep first (lastSweep already moved to its time). */
	SCAN_SWEEP = 2,
	/** The record header at `next` is damaged or cut off: the JS scanner reports it in its words. */
	SCAN_DAMAGED = 3,
	/** The output holds a chunk's worth: take it, then scan on from `next`. */
	SCAN_OUTPUT = 4
};

typedef struct {
	int little, nanos;
	uint32_t snaplen;
	int linktype;
} lane_file;

/**
 * Reads records from `at` to `length`; returns a SCAN_ reason and sets *next. `tcp_active`: the JS
 * pipeline holds TCP streams (an idle sweep is due every 1000 ms of packet time, as capture-pipeline.ts
 * sweeps; without streams a sweep does nothing and only the time moves).
 */
int lane_scan(lane *l, const lane_file *file, const uint8_t *bytes, size_t at, size_t length, int final, int tcp_active, size_t *next, double *frame_time);
/** The pipeline's per-frame sweep check for a frame the JS side reads: 1 when an idle sweep is due now. */
int lane_sweep_due(lane *l, double time);
/** Frames and messages this lane read itself (the JS side counts the ones it reads). */
void lane_counts(lane *l, double *packets, double *messages);
/** One frame and its message read by this lane. */
void lane_count_frame(lane *l);

#endif

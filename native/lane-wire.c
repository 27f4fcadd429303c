// The lane's frames: pcap records, link, IPv4/IPv6, UDP and the DNS messages of wire/lean-decode.ts's subset.
//
// Decision: this file only ever accepts; it never counts a reason or reports an error. A frame that
// any of the JS decoders (capture/link.ts, capture/ip.ts, wire/lean-decode.ts) would reject, or that
// this reader is not sure it reads the same way, is returned as SCAN_JS, and the JS pipeline decodes
// it, counts it or describes its message. So the reasons, the decode errors and the skips keep one
// source (and the summary's order of reasons), and this reader may be stricter than the JS one, never laxer:
// - link types: all of link.ts's; anything but IPv4/IPv6 inside goes to JS;
// - IPv4 without fragments, IPv6 whose next header is UDP (any extension header goes to JS), UDP only;
// - DNS: exactly one question; names of plain labels (bytes that print as themselves, as lean-decode.ts's
//   `plain`) with pointers strictly backwards; records of the types lean-decode.ts reads (A, AAAA, CNAME,
//   NS, PTR, SOA; an empty OPT in the additional section), each ending exactly at its RDLENGTH.
#include "lane.h"

#include <string.h>

/** Bytes that print as themselves in a label (wire/lean-decode.ts `plain`): no escaping, no JSON escape either. */
static uint8_t plain[256];
static void init_plain(void) {
	static int done = 0;
	if (done) return;
	for (int c = 0x21; c < 0x7f; c++) plain[c] = 1;
	const uint8_t special[] = {0x2e, 0x3b, 0x5c, 0x28, 0x29, 0x22, 0x40, 0x24};
	for (size_t i = 0; i < sizeof special; i++) plain[special[i]] = 0;
	done = 1;
}

enum { TYPE_A = 1, TYPE_NS = 2, TYPE_CNAME = 5, TYPE_SOA = 6, TYPE_PTR = 12, TYPE_AAAA = 28, TYPE_OPT = 41 };
#define MAX_WIRE 255
#define MAX_POINTER_DEPTH 32

static inline unsigned u16(const uint8_t *b, size_t at) {
	return ((unsigned)b[at] << 8) | b[at + 1];
}
static inline uint32_t u32(const uint8_t *b, size_t at) {
	return ((uint32_t)b[at] << 24) | ((uint32_t)b[at + 1] << 16) | ((uint32_t)b[at + 2] << 8) | b[at + 3];
}

/** A name's presentation text (at most 253 characters of plain labels, or "."). */
typedef struct {
	char text[260];
	size_t length;
	int wire;
} name_text;

/**
 * Reader.#read: the name at `offset`, its end in place (*end) and its uncompressed wire length; 0 where
 * lean-decode.ts would give up or escape (then JS reads it).
 */
static int read_name(const uint8_t *b, size_t length, size_t offset, int depth, name_text *out, size_t *end) {
	size_t limit = offset, position = offset;
	int wire = 1;
	out->length = 0;
	for (;;) {
		if (position >= length) return 0;
		unsigned size = b[position];
		if (size == 0) {
			*end = position + 1;
			if (out->length == 0) out->text[out->length++] = '.';
			out->wire = wire;
			return 1;
		}
		unsigned kind = size & 0xc0;
		if (kind == 0xc0) {
			if (position + 1 >= length) return 0;
			size_t target = ((size & 0x3f) << 8) | b[position + 1];
			if (target >= limit || depth >= MAX_POINTER_DEPTH) return 0;
			name_text rest;
			size_t rest_end;
			if (!read_name(b, length, target, depth + 1, &rest, &rest_end)) return 0;
			*end = position + 2;
			int total = wire - 1 + rest.wire;
			if (total > MAX_WIRE) return 0;
			if (out->length == 0) memcpy(out->text, rest.text, rest.length), out->length = rest.length;
			else if (!(rest.length == 1 && rest.text[0] == '.')) {
				out->text[out->length++] = '.';
				memcpy(out->text + out->length, rest.text, rest.length);
				out->length += rest.length;
			}
			out->wire = total;
			return 1;
		}
		if (kind != 0) return 0;
		if (position + 1 + size > length) return 0;
		wire += (int)size + 1;
		if (wire > MAX_WIRE) return 0;
		if (out->length > 0) out->text[out->length++] = '.';
		for (unsigned i = 1; i <= size; i++) {
			uint8_t c = b[position + i];
			if (!plain[c]) return 0;
			out->text[out->length++] = (char)c;
		}
		position += size + 1;
	}
}

/** The texts a decoded message's lane_message points into (one message at a time). */
typedef struct {
	lane_text qname_json, folded, answers, soa, records;
} message_texts;

static void json_name(lane_text *t, const name_text *n) {
	text_char(t, '"');
	text_bytes(t, n->text, n->length);
	text_char(t, '"');
}

/**
 * lean-decode.ts `record` for one RR at *offset (which moves past it): 0 where it would give up. For the
 * answer section the record's JSON is added to texts->answers; for the authority section the first SOA
 * becomes texts->soa (findSoa).
 */
static int read_record(lane *l, const uint8_t *b, size_t length, size_t *offset, int section, int *answers, message_texts *texts) {
	name_text name;
	size_t at;
	if (!read_name(b, length, *offset, 0, &name, &at)) return 0;
	if (at + 10 > length) return 0;
	unsigned type = u16(b, at);
	uint32_t ttl = u32(b, at + 4);
	size_t rdlength = u16(b, at + 8);
	size_t data = at + 10, end = data + rdlength;
	if (end > length) return 0;
	*offset = end;
	if (type == TYPE_OPT) return section == 2 && rdlength == 0;
	lane_text *out = section == 0 ? &texts->answers : NULL;
	const char *type_name = lane_type_name(l, (int)type);
	size_t data_start = out == NULL ? 0 : out->length;
	if (out != NULL) {
		text_cstr(out, (*answers)++ == 0 ? "{\"name\":" : ",{\"name\":");
		json_name(out, &name);
		text_literal(out, ",\"type\":\"");
		text_cstr(out, type_name);
		text_literal(out, "\",\"ttl\":");
		text_uint(out, ttl);
		text_literal(out, ",\"data\":\"");
		data_start = out->length;
	}
	switch (type) {
		case TYPE_A:
			if (rdlength != 4) return 0;
			if (out != NULL) text_ipv4(out, b + data);
			break;
		case TYPE_AAAA:
			if (rdlength != 16) return 0;
			if (out != NULL) text_ipv6(out, b + data);
			break;
		case TYPE_CNAME:
		case TYPE_NS:
		case TYPE_PTR: {
			name_text target;
			size_t target_end;
			if (!read_name(b, length, data, 0, &target, &target_end) || target_end != end) return 0;
			if (out != NULL) text_bytes(out, target.text, target.length);
			break;
		}
		case TYPE_SOA: {
			name_text mname, rname;
			size_t mname_end, fixed;
			if (!read_name(b, length, data, 0, &mname, &mname_end) || !read_name(b, length, mname_end, 0, &rname, &fixed) || fixed + 20 != end) return 0;
			uint32_t values[5];
			for (int i = 0; i < 5; i++) values[i] = u32(b, fixed + 4 * (size_t)i);
			if (out != NULL) {
				text_bytes(out, mname.text, mname.length);
				text_char(out, ' ');
				text_bytes(out, rname.text, rname.length);
				for (int i = 0; i < 5; i++) {
					text_char(out, ' ');
					text_uint(out, values[i]);
				}
			}
			if (section == 1 && texts->soa.length == 0) {
				lane_text *s = &texts->soa;
				text_literal(s, "{\"name\":");
				json_name(s, &name);
				text_literal(s, ",\"ttl\":");
				text_uint(s, ttl);
				text_literal(s, ",\"mname\":");
				json_name(s, &mname);
				text_literal(s, ",\"rname\":");
				json_name(s, &rname);
				static const char *const keys[5] = {",\"serial\":", ",\"refresh\":", ",\"retry\":", ",\"expire\":", ",\"minimum\":"};
				for (int i = 0; i < 5; i++) {
					text_cstr(s, keys[i]);
					text_uint(s, values[i]);
				}
				text_char(s, '}');
			}
			break;
		}
		default:
			return 0;
	}
	if (out != NULL) {
		// The data is plain text (no JSON escaping in this subset): the inventory's copy is the same bytes.
		lane_record_put(&texts->records, name.text, name.length, type_name, ttl, out->data + data_start, out->length - data_start);
		text_literal(out, "\"}");
	}
	return 1;
}

/** readLean for the subset: fills *m (pointing into texts); 0 where the JS pipeline reads the message. */
static int read_message(lane *l, const uint8_t *b, size_t length, lane_message *m, message_texts *texts) {
	if (length < 12) return 0;
	unsigned qd = u16(b, 4), an = u16(b, 6), ns = u16(b, 8), ar = u16(b, 10);
	if ((size_t)qd * 5 + ((size_t)an + ns + ar) * 11 > length - 12) return 0;
	if (qd != 1) return 0;
	unsigned flags = u16(b, 2);
	texts->qname_json.length = texts->folded.length = texts->answers.length = texts->soa.length = texts->records.length = 0;
	name_text qname;
	size_t offset;
	if (!read_name(b, length, 12, 0, &qname, &offset) || offset + 4 > length) return 0;
	json_name(&texts->qname_json, &qname);
	// name.ts nameKey: ASCII letters lowercased, the trailing (root) dot folded away; a name of plain
	// labels ends with a dot only when it is the root itself, whose key is then empty.
	size_t key_length = qname.length == 1 && qname.text[0] == '.' ? 0 : qname.length;
	text_reserve(&texts->folded, key_length + 1);
	for (size_t i = 0; i < key_length; i++) {
		char c = qname.text[i];
		texts->folded.data[i] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
	}
	texts->folded.length = key_length;
	m->qtype = lane_type_name(l, (int)u16(b, offset));
	m->qclass = lane_class_name(l, (int)u16(b, offset + 2));
	offset += 4;
	int answers = 0;
	for (unsigned i = 0; i < an; i++)
		if (!read_record(l, b, length, &offset, 0, &answers, texts)) return 0;
	for (unsigned i = 0; i < ns; i++)
		if (!read_record(l, b, length, &offset, 1, &answers, texts)) return 0;
	for (unsigned i = 0; i < ar; i++)
		if (!read_record(l, b, length, &offset, 2, &answers, texts)) return 0;
	m->id = (int)u16(b, 0);
	m->response = (flags & 0x8000) != 0;
	m->rcode = lane_rcode_name(l, (int)(flags & 0xf));
	m->aa = (flags >> 10) & 1;
	m->tc = (flags >> 9) & 1;
	m->ad = (flags >> 5) & 1;
	m->has_question = 1;
	m->qname_json = texts->qname_json.data;
	m->qname_json_length = texts->qname_json.length;
	m->folded = texts->folded.data;
	m->folded_length = texts->folded.length;
	m->qname_text = texts->qname_json.data + 1;
	m->qname_text_length = texts->qname_json.length - 2;
	m->records = (const uint8_t *)texts->records.data;
	m->records_length = texts->records.length;
	m->record_count = (uint32_t)answers;
	m->answers_json = texts->answers.data;
	m->answers_json_length = texts->answers.length;
	m->soa_json = texts->soa.length == 0 ? NULL : texts->soa.data;
	m->soa_json_length = texts->soa.length;
	return 1;
}

/** link.ts decodeLink, accepting only: where the IP packet starts (*ip) and its version by the link (0: by the first nibble). */
static int read_link(int linktype, const uint8_t *f, size_t length, size_t *ip, int *version) {
	size_t at;
	unsigned type;
	switch (linktype) {
		case 1: // Ethernet, with any 802.1Q/802.1ad tags
			at = 12;
			if (length < at + 2) return 0;
			type = u16(f, at);
			while (type == 0x8100 || type == 0x88a8 || type == 0x9100) {
				at += 4;
				if (length < at + 2) return 0;
				type = u16(f, at);
			}
			at += 2;
			break;
		case 113: // Linux cooked v1
			if (length < 16) return 0;
			type = u16(f, 14);
			at = 16;
			break;
		case 276: // Linux cooked v2
			if (length < 20) return 0;
			type = u16(f, 0);
			at = 20;
			break;
		case 101:
		case 12:
		case 14:
			if (length < 1) return 0;
			if (f[0] >> 4 != 4 && f[0] >> 4 != 6) return 0;
			*ip = 0;
			*version = f[0] >> 4;
			return 1;
		case 228:
		case 229:
			if (length < 1) return 0;
			*ip = 0;
			*version = linktype == 228 ? 4 : 6;
			return 1;
		case 0:
		case 108: {
			if (length < 4) return 0;
			uint32_t big = u32(f, 0);
			uint32_t little = (uint32_t)f[0] | ((uint32_t)f[1] << 8) | ((uint32_t)f[2] << 16) | ((uint32_t)f[3] << 24);
			uint32_t family = linktype == 108 || big < 0x10000 ? big : little;
			*ip = 4;
			if (family == 2) *version = 4;
			else if (family == 24 || family == 28 || family == 30) *version = 6;
			else return 0;
			return 1;
		}
		default:
			return 0;
	}
	if (type == 0x0800) *version = 4;
	else if (type == 0x86dd) *version = 6;
	else return 0;
	*ip = at;
	return 1;
}

/** ip.ts for a UDP datagram without fragments or extension headers: the endpoints and the payload. */
static int read_udp(const uint8_t *b, size_t length, int version, lane_endpoint *source, lane_endpoint *destination, size_t *payload, size_t *payload_length) {
	size_t start, end;
	if (version == 4) {
		if (length < 20 || b[0] >> 4 != 4) return 0;
		size_t header = (size_t)(b[0] & 0x0f) * 4;
		if (header < 20) return 0;
		size_t total = u16(b, 2);
		if (total == 0) total = length;
		if (total < header || length < total) return 0;
		unsigned fragment = u16(b, 6);
		if ((fragment & 0x2000) != 0 || (fragment & 0x1fff) != 0) return 0;
		if (b[9] != 17) return 0;
		source->family = destination->family = 4;
		memset(source->address, 0, 16);
		memset(destination->address, 0, 16);
		memcpy(source->address, b + 12, 4);
		memcpy(destination->address, b + 16, 4);
		start = header;
		end = total;
	} else {
		if (length < 40 || b[0] >> 4 != 6) return 0;
		size_t payload_size = u16(b, 4);
		if (payload_size == 0 && b[6] == 0) return 0; // a jumbogram: JS
		if (length < 40 + payload_size) return 0;
		if (b[6] != 17) return 0;
		source->family = destination->family = 6;
		memcpy(source->address, b + 8, 16);
		memcpy(destination->address, b + 24, 16);
		start = 40;
		end = 40 + payload_size;
	}
	if (end - start < 8) return 0;
	size_t udp_length = u16(b, start + 4);
	if (udp_length < 8 || udp_length > end - start) return 0;
	source->port = (uint16_t)u16(b, start);
	destination->port = (uint16_t)u16(b, start + 2);
	*payload = start + 8;
	*payload_length = udp_length - 8;
	return 1;
}

int lane_scan(lane *l, const lane_file *file, const uint8_t *bytes, size_t at, size_t length, int final, int tcp_active, size_t *next, double *frame_time) {
	static message_texts texts;
	init_plain();
	const uint32_t max_caplen = file->snaplen > 262144 ? file->snaplen : 262144;
	const uint32_t fraction_limit = file->nanos ? 1000000000u : 1000000u;
	const double fraction_scale = file->nanos ? 1 : 1000;
	while (at < length) {
		*next = at;
		if (at + 16 > length) return final ? SCAN_DAMAGED : SCAN_DONE;
		const uint8_t *h = bytes + at;
		uint32_t seconds, fraction, caplen;
		if (file->little) {
			seconds = (uint32_t)h[0] | ((uint32_t)h[1] << 8) | ((uint32_t)h[2] << 16) | ((uint32_t)h[3] << 24);
			fraction = (uint32_t)h[4] | ((uint32_t)h[5] << 8) | ((uint32_t)h[6] << 16) | ((uint32_t)h[7] << 24);
			caplen = (uint32_t)h[8] | ((uint32_t)h[9] << 8) | ((uint32_t)h[10] << 16) | ((uint32_t)h[11] << 24);
		} else {
			seconds = u32(h, 0);
			fraction = u32(h, 4);
			caplen = u32(h, 8);
		}
		if (caplen > max_caplen || fraction >= fraction_limit) return SCAN_DAMAGED;
		if (at + 16 + caplen > length) return final ? SCAN_DAMAGED : SCAN_DONE;
		// frameTime: seconds * 1000 + nanos / 1e6, the same operations in the same order.
		double time = (double)seconds * 1000 + ((double)fraction * fraction_scale) / 1e6;
		*frame_time = time;
		if (lane_sweep_due(l, time) && tcp_active) return SCAN_SWEEP;
		const uint8_t *frame = h + 16;
		size_t ip_at, payload, payload_length;
		int version = 0;
		lane_message m;
		if (!read_link(file->linktype, frame, caplen, &ip_at, &version) ||
			!read_udp(frame + ip_at, caplen - ip_at, version, &m.source, &m.destination, &payload, &payload_length) ||
			!read_message(l, frame + ip_at + payload, payload_length, &m, &texts))
			return SCAN_JS;
		m.time = time;
		m.tcp = 0;
		lane_count_frame(l);
		lane_correlate(l, &m);
		at += 16 + caplen;
		if (lane_output(l)->length >= (1u << 20)) {
			*next = at;
			return SCAN_OUTPUT;
		}
	}
	*next = at;
	return SCAN_DONE;
}

// The capture lane's N-API face (src/capture-live/native-lane.ts drives it): open, scan, advance, push, take, flush, stats, names.
#include "lane-napi.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lane.h"

/** A lane's holder, freed with its JS object (and the lane with it, unless laneClose freed it first). */
static void finalize(napi_env env, void *data, void *hint) {
	lane **slot = data;
	lane_destroy(*slot);
	free(slot);
}

/** The holder of the lane a laneOpen object carries, or NULL when `value` is not one. */
static lane **slot_of(napi_env env, napi_value value) {
	void *data = NULL;
	napi_value holder;
	if (napi_get_named_property(env, value, "handle", &holder) != napi_ok || napi_get_value_external(env, holder, &data) != napi_ok) return NULL;
	return data;
}

/** The lane of argv[0]; NULL (an error thrown) when it is not one, or was closed. */
static lane *lane_of(napi_env env, napi_value value) {
	lane **slot = slot_of(env, value);
	if (slot == NULL) {
		napi_throw_error(env, "EINVAL", "capture lane: an open lane was expected");
		return NULL;
	}
	if (*slot == NULL) napi_throw_error(env, "EINVAL", "capture lane: the lane is closed");
	return *slot;
}

/** A JS string argument as a malloc'd copy (its length in *n); NULL for null/undefined. */
char *lane_string_arg(napi_env env, napi_value value, size_t *n) {
	napi_valuetype type;
	napi_typeof(env, value, &type);
	*n = 0;
	if (type != napi_string) return NULL;
	size_t length = 0;
	napi_get_value_string_utf8(env, value, NULL, 0, &length);
	char *s = malloc(length + 1);
	if (s == NULL) abort();
	napi_get_value_string_utf8(env, value, s, length + 1, n);
	return s;
}

double lane_number_arg(napi_env env, napi_value value) {
	double d = 0;
	napi_get_value_double(env, value, &d);
	return d;
}

/** The call's arguments (at least `want`, else an error naming `what` is thrown) and the lane of argv[0] (NULL, thrown, when not an open one). */
lane *lane_call(napi_env env, napi_callback_info info, size_t want, napi_value *argv, const char *what) {
	size_t argc = want;
	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want) {
		char message[120];
		snprintf(message, sizeof message, "%s: %zu arguments were expected", what, want);
		napi_throw_error(env, "EINVAL", message);
		return NULL;
	}
	return lane_of(env, argv[0]);
}

/** A typed array argument's data and its length in elements, or NULL (an error naming `what` thrown) when it is not one of `want` with at least `least` elements. */
void *lane_typed_arg(napi_env env, napi_value value, napi_typedarray_type want, size_t least, size_t *length, const char *what) {
	napi_typedarray_type type;
	void *data = NULL;
	size_t n = 0;
	if (napi_get_typedarray_info(env, value, &type, &n, &data, NULL, NULL) != napi_ok || type != want || n < least) {
		char message[120];
		snprintf(message, sizeof message, "%s: a %s of %zu or more was expected", what, want == napi_uint8_array ? "Uint8Array" : "Float64Array", least);
		napi_throw_error(env, "EINVAL", message);
		return NULL;
	}
	if (length != NULL) *length = n;
	return data == NULL ? (void *)"" : data;
}

/**
 * laneOpen(timeoutMs, pairWindowMs, maxPending, typeNames, classNames, rcodeNames): a lane. The name
 * lists are [code, name, code, name, …] (rr-types.ts's presented types and classes, dns-packet's RCODEs).
 */
static napi_value Open(napi_env env, napi_callback_info info) {
	size_t argc = 6;
	napi_value argv[6];
	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 6) {
		napi_throw_error(env, "EINVAL", "laneOpen: (timeoutMs, pairWindowMs, maxPending, typeNames, classNames, rcodeNames) was expected");
		return NULL;
	}
	lane_options options = {.timeout_ms = lane_number_arg(env, argv[0]), .pair_window_ms = lane_number_arg(env, argv[1]), .max_pending = (int32_t)lane_number_arg(env, argv[2])};
	lane *l = lane_create(&options);
	void (*setters[3])(lane *, int, const char *, size_t) = {lane_set_type_name, lane_set_class_name, lane_set_rcode_name};
	for (int k = 0; k < 3; k++) {
		uint32_t length = 0;
		napi_get_array_length(env, argv[3 + k], &length);
		for (uint32_t i = 0; i + 1 < length; i += 2) {
			napi_value code_value, name_value;
			napi_get_element(env, argv[3 + k], i, &code_value);
			napi_get_element(env, argv[3 + k], i + 1, &name_value);
			size_t n = 0;
			char *name = lane_string_arg(env, name_value, &n);
			if (name != NULL) setters[k](l, (int)lane_number_arg(env, code_value), name, n);
			free(name);
		}
	}
	lane **slot = malloc(sizeof *slot);
	if (slot == NULL) abort();
	*slot = l;
	napi_value handle, object;
	napi_create_external(env, slot, NULL, NULL, &handle);
	napi_create_object(env, &object);
	napi_set_named_property(env, object, "handle", handle);
	// The lane is freed by laneClose; a lane dropped without it is freed with its handle.
	napi_add_finalizer(env, object, slot, finalize, NULL, NULL);
	return object;
}

/** laneClose(lane): frees it (idempotent). */
static napi_value Close(napi_env env, napi_callback_info info) {
	size_t argc = 1;
	napi_value argv[1];
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	lane **slot = argc < 1 ? NULL : slot_of(env, argv[0]);
	if (slot == NULL) return NULL;
	lane_destroy(*slot);
	*slot = NULL;
	return NULL;
}

/**
 * laneScan(lane, bytes, at, length, final, tcpActive, little, nanos, snaplen, linktype, result): reads
 * records; returns the SCAN_ reason, with result[0] the next offset and result[1] the last frame's time.
 */
static napi_value Scan(napi_env env, napi_callback_info info) {
	napi_value argv[11];
	lane *l = lane_call(env, info, 11, argv, "laneScan");
	if (l == NULL) return NULL;
	size_t bytes_length = 0;
	const uint8_t *bytes = lane_typed_arg(env, argv[1], napi_uint8_array, 0, &bytes_length, "laneScan");
	double *out = bytes == NULL ? NULL : lane_typed_arg(env, argv[10], napi_float64_array, 2, NULL, "laneScan");
	if (out == NULL) return NULL;
	size_t at = (size_t)lane_number_arg(env, argv[2]), length = (size_t)lane_number_arg(env, argv[3]);
	if (length > bytes_length || at > length) {
		napi_throw_error(env, "EINVAL", "laneScan: the range is outside the bytes");
		return NULL;
	}
	bool final = false, tcp_active = false, little = false, nanos = false;
	napi_get_value_bool(env, argv[4], &final);
	napi_get_value_bool(env, argv[5], &tcp_active);
	napi_get_value_bool(env, argv[6], &little);
	napi_get_value_bool(env, argv[7], &nanos);
	lane_file file = {.little = little, .nanos = nanos, .snaplen = (uint32_t)lane_number_arg(env, argv[8]), .linktype = (int)lane_number_arg(env, argv[9])};
	size_t next = at;
	double frame_time = out[1];
	int reason = lane_scan(l, &file, bytes, at, length, final, tcp_active, &next, &frame_time);
	out[0] = (double)next;
	out[1] = frame_time;
	napi_value value;
	napi_create_int32(env, reason, &value);
	return value;
}

/** laneAdvance(lane, time). */
static napi_value Advance(napi_env env, napi_callback_info info) {
	napi_value argv[2];
	lane *l = lane_call(env, info, 2, argv, "laneAdvance");
	if (l != NULL) lane_advance(l, lane_number_arg(env, argv[1]));
	return NULL;
}

/** laneSweepDue(lane, time): whether the pipeline's TCP idle sweep is due at this frame's time (and marks it done). */
static napi_value SweepDue(napi_env env, napi_callback_info info) {
	napi_value argv[2];
	lane *l = lane_call(env, info, 2, argv, "laneSweepDue");
	if (l == NULL) return NULL;
	napi_value value;
	napi_get_boolean(env, lane_sweep_due(l, lane_number_arg(env, argv[1])), &value);
	return value;
}

static int endpoint_arg(napi_env env, napi_value address, napi_value port, lane_endpoint *e) {
	size_t n = 0;
	char *text = lane_string_arg(env, address, &n);
	if (text == NULL) return 0;
	memset(e, 0, sizeof *e);
	int ok = 1;
	if (inet_pton(AF_INET, text, e->address) == 1) e->family = 4;
	else if (inet_pton(AF_INET6, text, e->address) == 1) e->family = 6;
	else ok = 0;
	free(text);
	e->port = (uint16_t)lane_number_arg(env, port);
	return ok;
}

/**
 * lanePush(lane, numbers, source, sourcePort, destination, destinationPort, qname, qnameJson, folded,
 * qtype, qclass, rcode, answersJson, soaJson, answers): a message the JS pipeline decoded. numbers:
 * Float64Array of [time, tcp, id, response, hasQuestion, aa, tc, ad]; the JSON texts as
 * report/capture-json.ts writes them; answers: [name, type, ttl, data, …] for the inventory.
 */
static napi_value Push(napi_env env, napi_callback_info info) {
	napi_value argv[15];
	lane *l = lane_call(env, info, 15, argv, "lanePush");
	const double *numbers = l == NULL ? NULL : lane_typed_arg(env, argv[1], napi_float64_array, 8, NULL, "lanePush");
	if (numbers == NULL) return NULL;
	lane_message m;
	memset(&m, 0, sizeof m);
	if (!endpoint_arg(env, argv[2], argv[3], &m.source) || !endpoint_arg(env, argv[4], argv[5], &m.destination)) {
		napi_throw_error(env, "EINVAL", "lanePush: endpoints must be IP addresses");
		return NULL;
	}
	m.time = numbers[0];
	m.tcp = numbers[1] != 0;
	m.id = (int)numbers[2];
	m.response = numbers[3] != 0;
	m.has_question = numbers[4] != 0;
	m.aa = numbers[5] != 0;
	m.tc = numbers[6] != 0;
	m.ad = numbers[7] != 0;
	size_t n = 0;
	char *qname_text = lane_string_arg(env, argv[6], &m.qname_text_length);
	char *qname_json = lane_string_arg(env, argv[7], &m.qname_json_length);
	char *folded = lane_string_arg(env, argv[8], &m.folded_length);
	char *qtype = lane_string_arg(env, argv[9], &n);
	m.qtype = qtype == NULL ? NULL : lane_intern(l, qtype, n);
	char *qclass = lane_string_arg(env, argv[10], &n);
	m.qclass = qclass == NULL ? NULL : lane_intern(l, qclass, n);
	char *rcode = lane_string_arg(env, argv[11], &n);
	m.rcode = rcode == NULL ? NULL : lane_intern(l, rcode, n);
	char *answers = lane_string_arg(env, argv[12], &m.answers_json_length);
	char *soa = lane_string_arg(env, argv[13], &m.soa_json_length);
	lane_text records = {0};
	uint32_t length = 0;
	napi_get_array_length(env, argv[14], &length);
	for (uint32_t i = 0; i + 3 < length; i += 4) {
		napi_value v[4];
		for (uint32_t k = 0; k < 4; k++) napi_get_element(env, argv[14], i + k, &v[k]);
		size_t name_length = 0, type_length = 0, data_length = 0;
		char *name = lane_string_arg(env, v[0], &name_length), *type_text = lane_string_arg(env, v[1], &type_length), *rdata = lane_string_arg(env, v[3], &data_length);
		lane_record_put(&records, name == NULL ? "" : name, name_length, lane_intern(l, type_text == NULL ? "" : type_text, type_length), (uint32_t)lane_number_arg(env, v[2]), rdata == NULL ? "" : rdata, data_length);
		free(name);
		free(type_text);
		free(rdata);
		m.record_count++;
	}
	m.records = (const uint8_t *)records.data;
	m.records_length = records.length;
	m.qname_text = qname_text == NULL ? "" : qname_text;
	m.qname_json = qname_json == NULL ? "" : qname_json;
	m.folded = folded == NULL ? "" : folded;
	m.answers_json = answers == NULL ? "" : answers;
	m.soa_json = soa;
	if (m.has_question && (qname_json == NULL || qname_text == NULL || folded == NULL || m.qtype == NULL || m.qclass == NULL)) m.has_question = 0;
	lane_correlate(l, &m);
	free(records.data);
	free(qname_text);
	free(qname_json);
	free(folded);
	free(qtype);
	free(qclass);
	free(rcode);
	free(answers);
	free(soa);
	return NULL;
}

/**
 * laneTake(lane, target): copies the exchange lines written since the last take into `target` (a
 * Uint8Array the caller reuses while its writes complete at once); returns the bytes copied. When it
 * returns target.length, more may wait: take again.
 */
static napi_value Take(napi_env env, napi_callback_info info) {
	napi_value argv[2];
	lane *l = lane_call(env, info, 2, argv, "laneTake");
	size_t room = 0;
	uint8_t *data = l == NULL ? NULL : lane_typed_arg(env, argv[1], napi_uint8_array, 0, &room, "laneTake");
	if (data == NULL) return NULL;
	lane_text *out = lane_output(l);
	size_t n = out->length < room ? out->length : room;
	memcpy(data, out->data, n);
	memmove(out->data, out->data + n, out->length - n);
	out->length -= n;
	napi_value value;
	napi_create_double(env, (double)n, &value);
	return value;
}

/** laneFlush(lane): the capture ended; every pending query ends unanswered. */
static napi_value Flush(napi_env env, napi_callback_info info) {
	napi_value argv[1];
	lane *l = lane_call(env, info, 1, argv, "laneFlush");
	if (l != NULL) lane_flush(l);
	return NULL;
}

/** laneStats(lane, out): out (Float64Array(STAT_COUNT + 2)) gets the correlator's counters, then packets and messages. */
static napi_value Stats(napi_env env, napi_callback_info info) {
	napi_value argv[2];
	lane *l = lane_call(env, info, 2, argv, "laneStats");
	double *out = l == NULL ? NULL : lane_typed_arg(env, argv[1], napi_float64_array, STAT_COUNT + 2, NULL, "laneStats");
	if (out == NULL) return NULL;
	lane_stats(l, out);
	lane_counts(l, &out[STAT_COUNT], &out[STAT_COUNT + 1]);
	return NULL;
}

/**
 * laneNames(lane, start, count): names start… as lane_name_put writes them: [a Buffer of the numbers,
 * a string of the texts each ended by NUL]; laneNames(lane) alone: how many.
 */
static napi_value Names(napi_env env, napi_callback_info info) {
	size_t argc = 3;
	napi_value argv[3];
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	lane *l = argc < 1 ? NULL : lane_of(env, argv[0]);
	if (l == NULL) return NULL;
	napi_value value;
	size_t total = lane_names(l);
	if (argc < 3) {
		napi_create_double(env, (double)total, &value);
		return value;
	}
	size_t start = (size_t)lane_number_arg(env, argv[1]), count = (size_t)lane_number_arg(env, argv[2]);
	lane_text t = {0}, strings = {0};
	for (size_t i = start; i < total && i < start + count; i++) lane_name_put(l, i, &t, &strings);
	void *copy = NULL;
	napi_value numbers, texts;
	napi_create_buffer_copy(env, t.length, t.length == 0 ? "" : t.data, &copy, &numbers);
	napi_create_string_utf8(env, strings.length == 0 ? "" : strings.data, strings.length, &texts);
	free(t.data);
	free(strings.data);
	napi_create_array_with_length(env, 2, &value);
	napi_set_element(env, value, 0, numbers);
	napi_set_element(env, value, 1, texts);
	return value;
}

/** laneFind(lane, key): the index of the name with this case-folded key, or -1. */
static napi_value Find(napi_env env, napi_callback_info info) {
	napi_value argv[2];
	lane *l = lane_call(env, info, 2, argv, "laneFind");
	if (l == NULL) return NULL;
	size_t n = 0;
	char *key = lane_string_arg(env, argv[1], &n);
	int64_t index = key == NULL ? -1 : lane_find_name(l, key, n);
	free(key);
	napi_value value;
	napi_create_double(env, (double)index, &value);
	return value;
}

/** laneInterned(lane, from): the interned texts (types, classes, RCODEs, SOA JSON) from id `from` on, by id. */
static napi_value Interned(napi_env env, napi_callback_info info) {
	napi_value argv[2];
	lane *l = lane_call(env, info, 2, argv, "laneInterned");
	if (l == NULL) return NULL;
	size_t from = (size_t)lane_number_arg(env, argv[1]), total = lane_interned_count(l);
	napi_value list;
	napi_create_array_with_length(env, total > from ? total - from : 0, &list);
	for (size_t id = from; id < total; id++) {
		size_t length = 0;
		const char *text = lane_interned(l, id, &length);
		napi_value value;
		napi_create_string_utf8(env, text, length, &value);
		napi_set_element(env, list, (uint32_t)(id - from), value);
	}
	return list;
}

void lane_define(napi_env env, napi_value exports) {
	napi_property_descriptor properties[] = {
		{"laneOpen", NULL, Open, NULL, NULL, NULL, napi_enumerable, NULL},
		{"laneClose", NULL, Close, NULL, NULL, NULL, napi_enumerable, NULL},
		{"laneScan", NULL, Scan, NULL, NULL, NULL, napi_enumerable, NULL},
		{"laneAdvance", NULL, Advance, NULL, NULL, NULL, napi_enumerable, NULL},
		{"laneSweepDue", NULL, SweepDue, NULL, NULL, NULL, napi_enumerable, NULL},
		{"lanePush", NULL, Push, NULL, NULL, NULL, napi_enumerable, NULL},
		{"laneTake", NULL, Take, NULL, NULL, NULL, napi_enumerable, NULL},
		{"laneFlush", NULL, Flush, NULL, NULL, NULL, napi_enumerable, NULL},
		{"laneStats", NULL, Stats, NULL, NULL, NULL, napi_enumerable, NULL},
		{"laneNames", NULL, Names, NULL, NULL, NULL, napi_enumerable, NULL},
		{"laneInterned", NULL, Interned, NULL, NULL, NULL, napi_enumerable, NULL},
		{"laneFind", NULL, Find, NULL, NULL, NULL, napi_enumerable, NULL},
	};
	napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
	lane_judge_define(env, exports);
}

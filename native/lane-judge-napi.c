// The name judge's N-API face (capture-live/native-judge.ts drives it): laneJudgeSetup, laneJudge, laneJudgeForeign.
#include "lane-napi.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lane.h"

/** The calls' JS side: an object with sources, region and decide, valid for one N-API call. */
typedef struct {
	napi_env env;
	napi_value object;
} js_calls;

/** Calls method `name` of the calls object with `argc` arguments; NULL when it threw. */
static napi_value call(js_calls *c, const char *name, size_t argc, napi_value *argv) {
	napi_value method, result;
	if (napi_get_named_property(c->env, c->object, name, &method) != napi_ok) return NULL;
	if (napi_call_function(c->env, c->object, method, argc, argv, &result) != napi_ok) return NULL;
	return result;
}

static int js_number(napi_env env, napi_value value, int fallback) {
	int32_t n = 0;
	if (value == NULL || napi_get_value_int32(env, value, &n) != napi_ok) return fallback;
	return n;
}

/** sources(texts: NUL-separated) → [Int32Array ids, [id, address, interface|null, …] of the sources new to the judge]. */
static int sources_call(void *context, lane_judge *j, const char *texts, size_t length, size_t count, int32_t *ids) {
	js_calls *c = context;
	napi_value argv[1], result, list, news;
	napi_create_string_utf8(c->env, texts, length, &argv[0]);
	if ((result = call(c, "sources", 1, argv)) == NULL) return 0;
	if (napi_get_element(c->env, result, 0, &list) != napi_ok || napi_get_element(c->env, result, 1, &news) != napi_ok) return 0;
	napi_typedarray_type type;
	size_t n = 0;
	void *data = NULL;
	if (napi_get_typedarray_info(c->env, list, &type, &n, &data, NULL, NULL) != napi_ok || type != napi_int32_array || n != count) {
		napi_throw_error(c->env, "EINVAL", "laneJudge: sources must answer an Int32Array of one id a destination");
		return 0;
	}
	memcpy(ids, data, count * sizeof *ids);
	uint32_t news_length = 0;
	napi_get_array_length(c->env, news, &news_length);
	for (uint32_t i = 0; i + 2 < news_length; i += 3) {
		napi_value id, address, interface;
		napi_get_element(c->env, news, i, &id);
		napi_get_element(c->env, news, i + 1, &address);
		napi_get_element(c->env, news, i + 2, &interface);
		size_t address_length = 0, interface_length = 0;
		char *a = lane_string_arg(c->env, address, &address_length);
		char *f = lane_string_arg(c->env, interface, &interface_length);
		if (a != NULL) lane_judge_add_source(j, js_number(c->env, id, -1), a, address_length, f, interface_length);
		free(a);
		free(f);
	}
	return 1;
}

static int region_call(void *context, const char *text, size_t length, int family) {
	js_calls *c = context;
	napi_value argv[2], result;
	napi_create_string_utf8(c->env, text, length, &argv[0]);
	napi_create_int32(c->env, family, &argv[1]);
	if ((result = call(c, "region", 2, argv)) == NULL) return -1;
	return js_number(c->env, result, 0) & ~REGION_KNOWN;
}

static int decide_call(void *context, const char *a, size_t a_length, int32_t a_source, const char *b, size_t b_length, int32_t b_source) {
	js_calls *c = context;
	napi_value argv[4], result;
	napi_create_string_utf8(c->env, a, a_length, &argv[0]);
	napi_create_int32(c->env, a_source, &argv[1]);
	napi_create_string_utf8(c->env, b, b_length, &argv[2]);
	napi_create_int32(c->env, b_source, &argv[3]);
	if ((result = call(c, "decide", 4, argv)) == NULL) return -1;
	return js_number(c->env, result, 0) & 0x7fffffff;
}

/** kernelSource(family, bytes) → [id, address, interface|null] of a source address the kernel gave. */
static int32_t kernel_call(void *context, lane_judge *j, int family, const uint8_t *address) {
	js_calls *c = context;
	napi_value argv[2], result, buffer, id, text, interface;
	size_t size = family == 4 ? 4 : 16;
	void *data = NULL;
	napi_create_int32(c->env, family, &argv[0]);
	if (napi_create_arraybuffer(c->env, size, &data, &buffer) != napi_ok) return -1;
	memcpy(data, address, size);
	napi_create_typedarray(c->env, napi_uint8_array, size, buffer, 0, &argv[1]);
	if ((result = call(c, "kernelSource", 2, argv)) == NULL) return -1;
	napi_get_element(c->env, result, 0, &id);
	napi_get_element(c->env, result, 1, &text);
	napi_get_element(c->env, result, 2, &interface);
	int32_t n = js_number(c->env, id, -1);
	size_t address_length = 0, interface_length = 0;
	char *a = lane_string_arg(c->env, text, &address_length);
	char *f = lane_string_arg(c->env, interface, &interface_length);
	if (n < 0 || a == NULL) {
		free(a);
		free(f);
		napi_throw_error(c->env, "EINVAL", "laneJudge: kernelSource must answer [id, address, interface]");
		return -1;
	}
	lane_judge_add_source(j, n, a, address_length, f, interface_length);
	free(a);
	free(f);
	return n;
}

/** The lane_judge_calls of a calls object (kernel_source only where it has kernelSource). */
static lane_judge_calls calls_of(js_calls *c) {
	bool has = false;
	napi_has_named_property(c->env, c->object, "kernelSource", &has);
	return (lane_judge_calls){c, sources_call, region_call, decide_call, has ? kernel_call : NULL};
}

/** A count or index argument: negative and non-numbers as 0. */
static size_t size_arg(napi_env env, napi_value value) {
	double d = lane_number_arg(env, value);
	return d > 0 ? (size_t)d : 0;
}

/** laneJudgeSetup(lane, prefixes: Uint8Array of 17-byte prefixes, rules: string[11] (index 1–10)). */
static napi_value Setup(napi_env env, napi_callback_info info) {
	napi_value argv[3];
	lane *l = lane_call(env, info, 3, argv, "laneJudgeSetup");
	if (l == NULL) return NULL;
	size_t n = 0;
	const uint8_t *data = lane_typed_arg(env, argv[1], napi_uint8_array, 0, &n, "laneJudgeSetup");
	if (data == NULL) return NULL;
	if (n % 17 != 0) {
		napi_throw_error(env, "EINVAL", "laneJudgeSetup: prefixes must be a Uint8Array of 17-byte rows");
		return NULL;
	}
	char *rules[11] = {0};
	for (uint32_t r = 1; r <= 10; r++) {
		napi_value value;
		size_t length = 0;
		napi_get_element(env, argv[2], r, &value);
		rules[r] = lane_string_arg(env, value, &length);
		if (rules[r] == NULL) rules[r] = calloc(1, 1);
	}
	lane_judge_setup(l, data, n / 17, rules);
	for (int r = 1; r <= 10; r++) free(rules[r]);
	return NULL;
}

/** laneJudge(lane, start, count, outputLimit, calls): the names judged and written from `start`. */
static napi_value Judge(napi_env env, napi_callback_info info) {
	napi_value argv[5];
	lane *l = lane_call(env, info, 5, argv, "laneJudge");
	if (l == NULL) return NULL;
	js_calls c = {env, argv[4]};
	lane_judge_calls calls = calls_of(&c);
	int64_t done = lane_judge_names(l, size_arg(env, argv[1]), size_arg(env, argv[2]), size_arg(env, argv[3]), &calls);
	if (done < 0) return NULL; // the calls' exception is pending
	napi_value result;
	napi_create_double(env, (double)done, &result);
	return result;
}

/** laneJudgeForeign(lane, start, count, calls): how many names from `start` (which is) JS judges. */
static napi_value Foreign(napi_env env, napi_callback_info info) {
	napi_value argv[4];
	lane *l = lane_call(env, info, 4, argv, "laneJudgeForeign");
	if (l == NULL) return NULL;
	js_calls c = {env, argv[3]};
	lane_judge_calls calls = calls_of(&c);
	size_t k = lane_judge_foreign(l, size_arg(env, argv[1]), size_arg(env, argv[2]), &calls);
	napi_value result;
	napi_create_double(env, (double)k, &result);
	return result;
}

void lane_judge_define(napi_env env, napi_value exports) {
	napi_property_descriptor properties[] = {
		{"laneJudgeSetup", NULL, Setup, NULL, NULL, NULL, napi_enumerable, NULL},
		{"laneJudge", NULL, Judge, NULL, NULL, NULL, napi_enumerable, NULL},
		{"laneJudgeForeign", NULL, Foreign, NULL, NULL, NULL, napi_enumerable, NULL},
	};
	napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
}

// The addon's Source(D) probe for JS (source-route.c does the asking): probe(family, destinations, count, sources, found).
#include "source-probe.h"
#include "source-route.h"
#include "throw-errno.h"

#include <errno.h>
#include <stdint.h>

/**
 * probe(family, destinations, count, sources, found): Source(D) for `count` destinations. `destinations`
 * holds 4 (family 4) or 16 bytes each; each source goes to `sources` at i × 16 (4 or 16 bytes) and
 * found[i] is 1, or 0 where there is none (no route: unusable). Returns how many the route lookups
 * answered (the tests hold both paths to a fresh socket's answers); HE6_DNS_PROBE=connect skips them.
 */
napi_value Probe(napi_env env, napi_callback_info info) {
	size_t argc = 5;
	napi_value argv[5];
	int32_t family = 0, count = 0;
	void *destinations = NULL, *sources = NULL, *found = NULL;
	size_t destinations_length = 0, sources_length = 0, found_length = 0;
	napi_typedarray_type type;
	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 5 || napi_get_value_int32(env, argv[0], &family) != napi_ok ||
		napi_get_value_int32(env, argv[2], &count) != napi_ok ||
		napi_get_typedarray_info(env, argv[1], &type, &destinations_length, &destinations, NULL, NULL) != napi_ok || type != napi_uint8_array ||
		napi_get_typedarray_info(env, argv[3], &type, &sources_length, &sources, NULL, NULL) != napi_ok || type != napi_uint8_array ||
		napi_get_typedarray_info(env, argv[4], &type, &found_length, &found, NULL, NULL) != napi_ok || type != napi_uint8_array) {
		napi_throw_error(env, "EINVAL", "udp_batch.probe: (family, Uint8Array, count, Uint8Array, Uint8Array) was expected");
		return NULL;
	}
	size_t size = family == 4 ? 4 : family == 6 ? 16 : 0;
	if (size == 0 || count < 0 || destinations_length < (size_t)count * size || sources_length < (size_t)count * 16 || found_length < (size_t)count) {
		napi_throw_error(env, "EINVAL", "udp_batch.probe: family 4 or 6, and arrays that hold count entries, were expected");
		return NULL;
	}
	int32_t routed = source_probe_many(family, destinations, count, sources, found);
	if (routed < 0) return throw_errno(env, "socket", errno);
	napi_value result;
	if (napi_create_int32(env, routed, &result) != napi_ok) return NULL;
	return result;
}

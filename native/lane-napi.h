// The capture lane's exports (lane-napi.c, lane-judge-napi.c), registered by udp-batch.c's Init.
#ifndef HE6_LANE_NAPI_H
#define HE6_LANE_NAPI_H
#include <node_api.h>

void lane_define(napi_env env, napi_value exports);
/** The name judge's exports (lane-judge-napi.c). */
void lane_judge_define(napi_env env, napi_value exports);
typedef struct lane lane;
/** The call's arguments (at least `want`, else an error naming `what` is thrown) and the lane of argv[0] (NULL, thrown, when not an open one). */
lane *lane_call(napi_env env, napi_callback_info info, size_t want, napi_value *argv, const char *what);
/** A JS string as a malloc'd copy (its length in *n); NULL for anything else. */
char *lane_string_arg(napi_env env, napi_value value, size_t *n);
/** A JS number (0 for anything else). */
double lane_number_arg(napi_env env, napi_value value);
/** A typed array argument's data and its length in elements, or NULL (an error naming `what` thrown) when it is not one of `want` with at least `least` elements. */
void *lane_typed_arg(napi_env env, napi_value value, napi_typedarray_type want, size_t least, size_t *length, const char *what);

#endif

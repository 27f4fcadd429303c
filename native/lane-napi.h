// The capture lane's exports (lane-napi.c, lane-judge-napi.c), registered by udp-batch.c's Init.
#ifndef HE6_LANE_NAPI_H
#define HE6_LANE_NAPI_H
#include <node_api.h>

void lane_define(napi_env env, napi_value exports);
/** The name judge's exports (lane-judge-napi.c). */
void lane_judge_define(napi_env env, napi_value exports);
typedef struct lane lane;
/** The lane a laneOpen object holds; NULL (an error thrown) when `value` is not an open one. */
lane *lane_from_value(napi_env env, napi_value value);

#endif

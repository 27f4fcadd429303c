// The capture lane's exports (lane-napi.c), registered by udp-batch.c's Init.
#ifndef HE6_LANE_NAPI_H
#define HE6_LANE_NAPI_H
#include <node_api.h>

void lane_define(napi_env env, napi_value exports);

#endif

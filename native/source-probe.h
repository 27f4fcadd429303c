// The addon's Source(D) probe (source-probe.c), registered by udp-batch.c's Init.
#ifndef HE6_SOURCE_PROBE_H
#define HE6_SOURCE_PROBE_H
#include <node_api.h>

napi_value Probe(napi_env env, napi_callback_info info);

#endif

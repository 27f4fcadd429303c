// throw_errno for the addon's files: an Error whose code is the errno's name (ECONNREFUSED …), as node:dgram's are.
#ifndef HE6_THROW_ERRNO_H
#define HE6_THROW_ERRNO_H
#include <node_api.h>
#include <stdio.h>
#include <uv.h>

static inline napi_value throw_errno(napi_env env, const char *syscall, int err) {
	char message[160];
	snprintf(message, sizeof message, "%s %s", syscall, uv_err_name(-err));
	napi_throw_error(env, uv_err_name(-err), message);
	return NULL;
}

#endif

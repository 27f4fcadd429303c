// Source(D) for many destinations at once (source-route.c): the kernel's route lookups, connect() where they cannot say.
#ifndef HE6_SOURCE_ROUTE_H
#define HE6_SOURCE_ROUTE_H
#include <stdint.h>

/**
 * Source(D) of `count` destinations of `family` (4 or 16 bytes each at d): each source at out + i × 16
 * and ok[i] = 1, or ok[i] = 0 for none (no route). The routes' count, or -1 (errno set) when no socket
 * could be had. The engine of source-probe.c's Probe and of the native lane's name judge (lane-judge.c).
 */
int32_t source_probe_many(int family, const uint8_t *d, int32_t count, uint8_t *out, uint8_t *ok);

#endif

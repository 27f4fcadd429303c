// The monotonic clock for timeouts, pacing and round-trip times, in milliseconds.

// Decision (issue 6, start-up): the `performance` global is a lazy getter that loads Node's whole
// perf_hooks implementation (~2 ms at start-up) for a clock; process.hrtime is already loaded.
// Only differences of these values mean anything: the origin is arbitrary (not performance.now()'s).
export const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;

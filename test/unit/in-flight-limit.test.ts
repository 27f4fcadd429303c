// The batch's in-flight cap (batch/in-flight-limit.ts): slow start while the loop idles, Little's law twice while it is saturated.
import type {EventLoopUtilization} from 'node:perf_hooks';
import {describe, expect, test} from 'vitest';
import {InFlightLimit} from '../../src/batch/in-flight-limit.js';

const elu = (utilization: number): EventLoopUtilization => ({idle: 0, active: 0, utilization});

/** A limit after `completions` names in its first 250 ms, with these RTTs in turn, and one update at `utilization`. */
function after(ceiling: number, timeoutMs: number, utilization: number, completions: number, rtts: readonly (number | null)[]): InFlightLimit {
	let t = 0;
	const limit = new InFlightLimit(ceiling, timeoutMs, () => t);
	for (let i = 0; i < completions; i++) limit.completed(rtts[i % rtts.length] ?? null);
	t = 250;
	limit.update(t, elu(utilization));
	return limit;
}

describe('InFlightLimit', () => {
	test('starts at min(ceiling, 128) and doubles toward the ceiling while the loop has idle time', () => {
		let t = 0;
		const limit = new InFlightLimit(2000, 5000, () => t);
		expect(limit.value).toBe(128);
		for (const expected of [256, 512, 1024, 2000, 2000]) {
			t += 250;
			limit.update(t, elu(0.5));
			expect(limit.value).toBe(expected);
		}
		expect(new InFlightLimit(20, 5000, () => 0).value).toBe(20);
	});

	test.each([
		// ceiling, timeout, names done in 250 ms, their RTTs (ms), the cap: rate = names × 4 a second
		['loopback: 2 × rate × fastest RTT', 2000, 5000, 7500, [0.5, 3, 9], 32 /* 30,000/s × 0.5 ms × 2 = 30 → the floor */],
		['a far resolver: the fastest reply is slow, the timeout budget rules', 2000, 5000, 7500, [40, 60], 2000],
		['a mid-distance resolver', 2000, 5000, 2500, [5, 8], 100 /* 10,000/s × 5 ms × 2 */],
		['no RTT at all (every name timed out): the timeout budget alone', 2000, 2000, 25, [null], 50 /* 100/s × timeout/4 (500 ms) */],
		['no completions: the floor', 256, 5000, 0, [1], 32],
		['the ceiling is never passed', 64, 5000, 7500, [50], 64],
	] as const)('saturated, %s', (_what, ceiling, timeoutMs, completions, rtts, expected) => {
		expect(after(ceiling, timeoutMs, 0.95, completions, rtts).value).toBe(expected);
	});

	test('the fastest RTT is per period: a slow period after a fast one is judged on its own replies', () => {
		let t = 0;
		const limit = new InFlightLimit(2000, 5000, () => t);
		for (let i = 0; i < 2500; i++) limit.completed(5);
		t = 250;
		limit.update(t, elu(0.95));
		expect(limit.value).toBe(100); // 10,000/s × 5 ms × 2
		for (let i = 0; i < 2500; i++) limit.completed(50);
		t = 500;
		limit.update(t, elu(0.95));
		expect(limit.value).toBe(1000);
	});
});

// Batch politeness: the --qps token bucket (rate, burst bound, FIFO) and the AWS VPC resolver default.
import {describe, expect, it, vi} from 'vitest';
import {awsDefaultQps, choosePoliteness, isAwsResolver} from '../../src/batch/politeness.js';
import {tokenBucket} from '../../src/batch/token-bucket.js';

const server = (address: string) => ({address, port: 53, scope: null});

/** The most grants inside any window of `ms` milliseconds. */
function maxInWindow(times: readonly number[], ms: number): number {
	let best = 0;
	let start = 0;
	for (let end = 0; end < times.length; end++) {
		while ((times[end] ?? 0) - (times[start] ?? 0) >= ms) start++;
		best = Math.max(best, end - start + 1);
	}
	return best;
}

describe('tokenBucket', () => {
	it('grants at the rate, never more than rate in any one-second window, in request order', async () => {
		// A manual clock moved with fake timers: grant times are exact, whatever the machine's load.
		vi.useFakeTimers();
		try {
			let clock = 0;
			const rate = 400;
			const bucket = tokenBucket(rate, () => clock);
			const times: number[] = [];
			const order: number[] = [];
			const all = Promise.all(
				Array.from({length: 1000}, async (_, i) => {
					await bucket.pace();
					times.push(clock);
					order.push(i);
				}),
			);
			while (times.length < 1000 && clock < 10_000) {
				clock += 1;
				await vi.advanceTimersByTimeAsync(1);
			}
			await all;
			expect(order).toEqual([...order].sort((a, b) => a - b));
			expect(bucket.granted()).toBe(1000);
			// 1000 packets at 400/s with a burst of 8 refilled at 388/s (less the burst and a 1% jitter
			// reserve): (1000 - 8) / 388 s, give or take a tick.
			const fill = rate - 8 - 4;
			const last = times[times.length - 1] ?? 0;
			expect(last).toBeGreaterThanOrEqual(((1000 - 8) / fill) * 1000 - 2);
			expect(last).toBeLessThanOrEqual((1000 / fill) * 1000 + 20);
			expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(rate);
		} finally {
			vi.useRealTimers();
		}
	});

	it('grants the burst, 2% of the rate, with no time passing', async () => {
		// Not a timing: with the clock stopped nothing refills, so exactly the burst is granted.
		vi.useFakeTimers();
		try {
			const bucket = tokenBucket(1000, () => 0);
			for (let i = 0; i < 20; i++) await bucket.pace();
			let more = false;
			void bucket.pace().then(() => (more = true));
			await vi.advanceTimersByTimeAsync(50);
			expect(more).toBe(false);
			expect(bucket.granted()).toBe(20);
		} finally {
			vi.clearAllTimers();
			vi.useRealTimers();
		}
	});

	it('refuses a rate that is not positive', () => {
		expect(() => tokenBucket(0)).toThrow();
	});
});

describe('politeness', () => {
	const notEc2 = (): boolean => false;
	const ec2 = (): boolean => true;

	it('knows the AWS VPC resolver by its link-local addresses anywhere', () => {
		expect(isAwsResolver(server('169.254.169.253'), notEc2)).toBe(true);
		expect(isAwsResolver(server('fd00:ec2::253'), notEc2)).toBe(true);
		expect(isAwsResolver(server('fd00:ec2:0::0253'), notEc2)).toBe(true);
		expect(isAwsResolver(server('127.0.0.53'), ec2)).toBe(false);
	});

	it('takes a VPC base+2 address for the resolver only on EC2', () => {
		expect(isAwsResolver(server('10.0.0.2'), ec2)).toBe(true);
		expect(isAwsResolver(server('172.31.0.2'), ec2)).toBe(true);
		expect(isAwsResolver(server('10.0.0.2'), notEc2)).toBe(false);
		expect(isAwsResolver(server('10.0.0.3'), ec2)).toBe(false);
		expect(isAwsResolver(server('8.8.8.2'), ec2)).toBe(false);
	});

	it('defaults to 900 packets/s for the AWS resolver, and says why; no cap elsewhere; --qps wins', () => {
		const aws = choosePoliteness(undefined, [server('169.254.169.253')], notEc2);
		expect(aws.qps).toBe(awsDefaultQps);
		expect(aws.note).toMatch(/169\.254\.169\.253:53 is the AWS VPC resolver.*1024/);
		expect(choosePoliteness(undefined, [server('127.0.0.1')], notEc2)).toEqual({qps: null, note: null});
		expect(choosePoliteness(200, [server('169.254.169.253')], notEc2)).toEqual({qps: 200, note: null});
		expect(choosePoliteness(0, [server('169.254.169.253')], notEc2)).toEqual({qps: null, note: null});
	});
});

// The single-timer deadline heap: order, cancellation, and no lingering handle.
import {describe, expect, it} from 'vitest';
import {DeadlineQueue} from '../../src/transport/deadlines.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('DeadlineQueue', () => {
	it('fires deadlines in time order whatever the order they were scheduled in', async () => {
		const queue = new DeadlineQueue();
		const fired: number[] = [];
		for (const ms of [60, 10, 40, 20, 30]) queue.schedule(ms, () => fired.push(ms));
		await sleep(120);
		expect(fired).toEqual([10, 20, 30, 40, 60]);
	});

	it('does not fire a cancelled deadline', async () => {
		const queue = new DeadlineQueue();
		const fired: string[] = [];
		const a = queue.schedule(10, () => fired.push('a'));
		queue.schedule(20, () => fired.push('b'));
		a.cancel();
		await sleep(60);
		expect(fired).toEqual(['b']);
	});

	it('handles a deadline scheduled earlier than the armed one', async () => {
		const queue = new DeadlineQueue();
		const fired: string[] = [];
		queue.schedule(80, () => fired.push('late'));
		queue.schedule(5, () => fired.push('early'));
		await sleep(30);
		expect(fired).toEqual(['early']);
		await sleep(80);
		expect(fired).toEqual(['early', 'late']);
	});

	it('keeps many deadlines in one heap (10k in flight)', async () => {
		const queue = new DeadlineQueue();
		let count = 0;
		for (let i = 0; i < 10_000; i++) queue.schedule(i % 50, () => count++);
		await sleep(120);
		expect(count).toBe(10_000);
		expect(queue.size).toBe(0);
	});
});

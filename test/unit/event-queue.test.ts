// The push-to-pull event bridge used between the core and the views.
import {describe, expect, it} from 'vitest';
import {EventQueue} from '../../src/core/event-queue.js';

async function collect<T>(queue: AsyncIterable<T>): Promise<T[]> {
	const out: T[] = [];
	for await (const item of queue) out.push(item);
	return out;
}

describe('EventQueue', () => {
	it('delivers items pushed before and after the consumer started, then ends', async () => {
		const queue = new EventQueue<number>();
		queue.push(1);
		const done = collect(queue);
		queue.push(2);
		setTimeout(() => {
			queue.push(3);
			queue.end();
		}, 5);
		expect(await done).toEqual([1, 2, 3]);
	});

	it('throws the failure after the queued items', async () => {
		const queue = new EventQueue<number>();
		queue.push(1);
		queue.end(new Error('boom'));
		const seen: number[] = [];
		await expect(
			(async () => {
				for await (const item of queue) seen.push(item);
			})(),
		).rejects.toThrow('boom');
		expect(seen).toEqual([1]);
	});

	it('ignores pushes after the end', async () => {
		const queue = new EventQueue<string>();
		queue.end();
		queue.push('late');
		expect(await collect(queue)).toEqual([]);
	});
});

// One timer for many deadlines: a binary min-heap of expiry times served by a single setTimeout.
//
// Decision: a timer per query costs a libuv timer each and dominates at thousands in flight; one heap
// and one timer re-armed for the earliest deadline keeps the cost O(log n) per query.
import {monotonicMs} from './clock.js';

/** A handle to cancel a scheduled deadline. */
export interface Deadline {
	cancel(): void;
}

const noop = (): void => undefined;

interface Entry {
	at: number;
	fire: () => void;
	cancelled: boolean;
}

export class DeadlineQueue {
	readonly #heap: Entry[] = [];
	#timer: NodeJS.Timeout | null = null;
	#armedAt = Infinity;
	readonly #now: () => number;

	constructor(now: () => number = monotonicMs) {
		this.#now = now;
	}

	/** Calls `fire` once, `ms` from now, unless cancelled first. */
	schedule(ms: number, fire: () => void): Deadline {
		const entry: Entry = {at: this.#now() + ms, fire, cancelled: false};
		this.#push(entry);
		this.#arm();
		return {
			cancel: () => {
				entry.cancelled = true;
				// Drop the closure now: a cancelled entry waits in the heap until its time, and what it
				// captured (a query, its buffers) must not wait with it.
				entry.fire = noop;
			},
		};
	}

	/** Number of scheduled, not yet fired entries (cancelled ones included until they surface). */
	get size(): number {
		return this.#heap.length;
	}

	#arm(): void {
		const head = this.#heap[0];
		if (head === undefined) {
			if (this.#timer !== null) clearTimeout(this.#timer);
			this.#timer = null;
			this.#armedAt = Infinity;
			return;
		}
		if (head.at >= this.#armedAt && this.#timer !== null) return;
		if (this.#timer !== null) clearTimeout(this.#timer);
		this.#armedAt = head.at;
		this.#timer = setTimeout(() => this.#expire(), Math.max(0, head.at - this.#now()));
		// Unref'd: the sockets a deadline guards keep the process alive; a cancelled entry must not.
		this.#timer.unref();
	}

	#expire(): void {
		this.#timer = null;
		this.#armedAt = Infinity;
		const now = this.#now();
		for (;;) {
			const head = this.#heap[0];
			if (head === undefined) break;
			if (!head.cancelled && head.at > now + 1) break;
			this.#pop();
			if (!head.cancelled) head.fire();
		}
		// Drop cancelled entries at the top so an idle queue lets the process exit.
		while (this.#heap[0]?.cancelled) this.#pop();
		this.#arm();
	}

	#push(entry: Entry): void {
		const heap = this.#heap;
		heap.push(entry);
		let i = heap.length - 1;
		while (i > 0) {
			const parent = (i - 1) >> 1;
			const p = heap[parent] as Entry;
			if (p.at <= entry.at) break;
			heap[i] = p;
			i = parent;
		}
		heap[i] = entry;
	}

	#pop(): void {
		const heap = this.#heap;
		const last = heap.pop();
		if (last === undefined || heap.length === 0) return;
		let i = 0;
		for (;;) {
			const left = 2 * i + 1;
			if (left >= heap.length) break;
			const right = left + 1;
			const child = right < heap.length && (heap[right] as Entry).at < (heap[left] as Entry).at ? right : left;
			if ((heap[child] as Entry).at >= last.at) break;
			heap[i] = heap[child] as Entry;
			i = child;
		}
		heap[i] = last;
	}
}

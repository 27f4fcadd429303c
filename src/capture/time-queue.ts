// A first-in first-out queue over an array: the correlator's expiry orders without Map-iteration costs.
//
// Decision: a Map iterated from its front after deletions walks every deleted slot until V8 rehashes
// the table, so "expire the oldest" over a Map of 65k recent exchanges costs O(n) per packet. Here the
// expiry order is a queue of entries; an entry that no longer matches its table is skipped (lazily
// deleted), and the array is compacted once half of it is consumed.

export class TimeQueue<T> {
	#items: T[] = [];
	#head = 0;

	push(item: T): void {
		this.#items.push(item);
	}

	/** The oldest entry still queued, or undefined. */
	peek(): T | undefined {
		return this.#head < this.#items.length ? this.#items[this.#head] : undefined;
	}

	shift(): T | undefined {
		if (this.#head >= this.#items.length) return undefined;
		const item = this.#items[this.#head];
		this.#head++;
		if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
			this.#items = this.#items.slice(this.#head);
			this.#head = 0;
		}
		return item;
	}

	clear(): void {
		this.#items = [];
		this.#head = 0;
	}

	get length(): number {
		return this.#items.length - this.#head;
	}
}

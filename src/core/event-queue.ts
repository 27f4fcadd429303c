// A push-to-pull bridge: producers push events, one consumer reads them with `for await`.

interface Waiter<T> {
	readonly resolve: (result: IteratorResult<T>) => void;
	readonly reject: (failure: unknown) => void;
}

export class EventQueue<T> implements AsyncIterable<T> {
	#items: T[] = [];
	#head = 0;
	#waiter: Waiter<T> | null = null;
	#ended = false;
	#failure: {readonly error: unknown} | null = null;

	push(item: T): void {
		if (this.#ended) return;
		const waiter = this.#waiter;
		if (waiter !== null) {
			this.#waiter = null;
			waiter.resolve({value: item, done: false});
		} else {
			this.#items.push(item);
		}
	}

	/** Ends the stream; with an error, the consumer's `for await` throws it after the queued items. */
	end(error?: unknown): void {
		if (this.#ended) return;
		this.#ended = true;
		if (error !== undefined) this.#failure = {error};
		const waiter = this.#waiter;
		this.#waiter = null;
		if (waiter !== null) this.#settleEnd(waiter);
	}

	#settleEnd(waiter: Waiter<T>): void {
		const failure = this.#failure;
		this.#failure = null;
		if (failure !== null) waiter.reject(failure.error);
		else waiter.resolve({value: undefined, done: true});
	}

	[Symbol.asyncIterator](): AsyncIterator<T> {
		return {
			next: (): Promise<IteratorResult<T>> => {
				if (this.#head < this.#items.length) {
					const value = this.#items[this.#head++] as T;
					if (this.#head === this.#items.length) {
						this.#items = [];
						this.#head = 0;
					}
					return Promise.resolve({value, done: false});
				}
				return new Promise((resolve, reject) => {
					const waiter = {resolve, reject};
					if (this.#ended) this.#settleEnd(waiter);
					else this.#waiter = waiter;
				});
			},
		};
	}
}

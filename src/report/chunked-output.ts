// Text gathered into ~1 MiB byte chunks, one write each: many small lines without a write or a held string per line.
//
// Decision: lines are encoded into the chunk as they come, not kept as strings until a join. Held
// strings survived the young-generation GC and were copied and promoted (a capture writes 300k lines);
// a chunk is off-heap, and the JS strings die young. A chunk is written whole and never reused, so
// an asynchronous stream (a pipe) may still hold it.

/** Where chunks go: a Writable, process.stdout. */
export interface ChunkTarget {
	write(chunk: Uint8Array | string): unknown;
}

export class ChunkedOutput {
	readonly #out: ChunkTarget;
	readonly #chunkBytes: number;
	#chunk: Buffer | null = null;
	#used = 0;

	constructor(out: ChunkTarget, chunkBytes = 1 << 20) {
		this.#out = out;
		this.#chunkBytes = chunkBytes;
	}

	write(text: string): void {
		// A UTF-16 code unit is at most 3 bytes of UTF-8: the test is cheap and never too optimistic.
		if (this.#chunk !== null && text.length * 3 > this.#chunkBytes - this.#used) this.flush();
		if (text.length * 3 > this.#chunkBytes) return void this.#out.write(text);
		this.#chunk ??= Buffer.allocUnsafe(this.#chunkBytes);
		this.#used += this.#chunk.write(text, this.#used);
	}

	/** Writes what is gathered (nothing when empty). */
	flush(): void {
		if (this.#chunk === null || this.#used === 0) return;
		this.#out.write(this.#chunk.subarray(0, this.#used));
		this.#chunk = null;
		this.#used = 0;
	}
}

/**
 * A promise that settles once `out` has drained, when more than `limit` bytes wait in its queue (a
 * pipe whose reader is slower than the writer), or null when the writer may go on. It also settles
 * when the stream closes or fails (the reader went away: the write error then takes its usual course).
 * A regular file or /dev/null is written synchronously and never queues.
 */
export function outputBacklog(out: NodeJS.WritableStream, limit: number): Promise<void> | null {
	const queued = (out as unknown as {writableLength?: number}).writableLength ?? 0;
	if (queued <= limit) return null;
	return new Promise((resolve) => {
		const done = (): void => {
			out.off('drain', done);
			out.off('close', done);
			out.off('error', done);
			resolve();
		};
		out.once('drain', done);
		out.once('close', done);
		out.once('error', done);
	});
}

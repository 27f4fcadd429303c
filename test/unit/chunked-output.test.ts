// ChunkedOutput writes the same bytes as writing every string at once, whatever the chunk size and the text.
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {Writable} from 'node:stream';
import {ChunkedOutput, outputBacklog} from '../../src/report/chunked-output.js';

const runs = Number(process.env.FUZZ_RUNS ?? 1000);
const bytesOf = (chunk: Uint8Array | string): Buffer => (typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));

describe('ChunkedOutput', () => {
	it('gives the bytes of the joined text, in order, for any texts and chunk sizes', () => {
		fc.assert(
			fc.property(fc.array(fc.oneof(fc.string(), fc.string({unit: 'grapheme'}), fc.string({unit: 'binary', maxLength: 300})), {maxLength: 60}), fc.integer({min: 1, max: 700}), (texts, size) => {
				const written: Buffer[] = [];
				const out = new ChunkedOutput({write: (chunk) => written.push(bytesOf(chunk))}, size);
				for (const text of texts) out.write(text);
				out.flush();
				expect(Buffer.concat(written).equals(Buffer.from(texts.join('')))).toBe(true);
				expect(written.every((chunk) => chunk.length > 0)).toBe(true);
			}),
			{numRuns: runs},
		);
	});

	it('writes nothing until flushed, and a chunk is never reused after it is written', () => {
		const written: Uint8Array[] = [];
		const out = new ChunkedOutput({write: (chunk) => written.push(chunk as Uint8Array)}, 64);
		out.write('first line\n');
		expect(written).toHaveLength(0);
		out.flush();
		out.write('second line\n');
		out.flush();
		expect(written.map((c) => Buffer.from(c).toString())).toEqual(['first line\n', 'second line\n']);
	});
});

describe('outputBacklog', () => {
	/** A stream whose reader takes nothing until let go (a pipe to a slow reader). */
	function slowPipe(): {out: Writable; letGo: () => void} {
		const held: (() => void)[] = [];
		let open = false;
		const out = new Writable({
			highWaterMark: 1024,
			write(_chunk, _encoding, callback) {
				if (open) callback();
				else held.push(() => callback());
			},
		});
		return {out, letGo: () => ((open = true), held.splice(0).forEach((f) => f()))};
	}

	it('is null while the queue is within the limit, and a promise that settles on drain beyond it', async () => {
		const {out, letGo} = slowPipe();
		out.write(Buffer.alloc(600));
		expect(outputBacklog(out, 1000)).toBeNull();
		out.write(Buffer.alloc(600));
		const wait = outputBacklog(out, 1000);
		expect(wait).not.toBeNull();
		let settled = false;
		void wait?.then(() => (settled = true));
		await new Promise((resolve) => setImmediate(resolve));
		expect(settled).toBe(false);
		letGo();
		await wait;
		expect(settled).toBe(true);
		expect(out.listenerCount('drain') + out.listenerCount('close') + out.listenerCount('error')).toBe(0);
	});

	it('settles when the stream fails or closes instead (the reader went away), and never waits on a synchronous stream', async () => {
		const {out} = slowPipe();
		out.on('error', () => {});
		out.write(Buffer.alloc(2000));
		const wait = outputBacklog(out, 1000);
		out.destroy(new Error('EPIPE'));
		await expect(wait).resolves.toBeUndefined();
		expect(outputBacklog({write: () => true} as unknown as NodeJS.WritableStream, 0)).toBeNull();
	});
});

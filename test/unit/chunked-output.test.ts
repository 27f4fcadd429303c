// ChunkedOutput writes the same bytes as writing every string at once, whatever the chunk size and the text.
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {ChunkedOutput} from '../../src/report/chunked-output.js';

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

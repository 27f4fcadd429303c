// Property tests of the wire layer (short form of scripts/fuzz.ts): no throw, no hang, escaped names, round trips.
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {decodeMessage} from '../../src/wire/codec.js';
import {encodeName, escapeLabel, nameWireLength, parseName} from '../../src/wire/name.js';
import {seedMessages} from '../support/dns-corpus.js';

const runs = Number(process.env.FUZZ_RUNS ?? 3000);
const controlByte = /[\u0000-\u001f\u007f-\u009f]/u;

/** Every name string in a decoded message, wherever dns-packet put one. */
function names(value: unknown, out: string[] = []): string[] {
	if (typeof value === 'string') out.push(value);
	else if (Array.isArray(value)) for (const v of value) names(v, out);
	else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) for (const v of Object.values(value)) names(v, out);
	return out;
}

/** A seed message with bytes overwritten, cut short, or extended. */
const mutated = fc
	.tuple(fc.constantFrom(...seedMessages), fc.array(fc.tuple(fc.nat(), fc.integer({min: 0, max: 255})), {maxLength: 8}), fc.nat(), fc.boolean())
	.map(([seed, flips, cut, truncate]) => {
		const bytes = Buffer.from(seed);
		for (const [at, value] of flips) bytes[at % bytes.length] = value;
		return truncate ? bytes.subarray(0, cut % (bytes.length + 1)) : bytes;
	});

describe('decodeMessage under fuzzing', () => {
	// Time per input is measured by scripts/fuzz.ts (the long run), never asserted here.
	it('never throws on random bytes', () => {
		fc.assert(
			fc.property(fc.uint8Array({maxLength: 600}), (bytes) => {
				expect(() => decodeMessage(bytes)).not.toThrow();
			}),
			{numRuns: runs},
		);
	});

	it('never throws on mutated or truncated real messages; every accepted name is escaped (no control bytes)', () => {
		fc.assert(
			fc.property(mutated, (bytes) => {
				const decoded = decodeMessage(bytes);
				if (decoded.ok) {
					for (const rr of [...decoded.value.questions, ...decoded.value.answers, ...decoded.value.authorities]) {
						expect(controlByte.test(rr.name)).toBe(false);
					}
				}
			}),
			{numRuns: runs},
		);
	});

	it('decodes every seed message completely', () => {
		for (const seed of seedMessages) {
			const decoded = decodeMessage(seed);
			expect(decoded.ok).toBe(true);
			if (decoded.ok) for (const name of names(decoded.value.answers.map((a) => a.name))) expect(controlByte.test(name)).toBe(false);
		}
	});
});

describe('presentation names round-trip byte-exact', () => {
	const label = fc.uint8Array({minLength: 1, maxLength: 63});
	it('escape → parse gives the same bytes, and the wire form has the same length', () => {
		fc.assert(
			// At most 3 labels of 63: 193 octets, always under the 255-octet limit.
			fc.property(fc.array(label, {minLength: 1, maxLength: 3}), (labels) => {
				const text = labels.map((l) => escapeLabel(l)).join('.');
				const parsed = parseName(text);
				expect(parsed.map((l) => Buffer.from(l).toString('hex'))).toEqual(labels.map((l) => Buffer.from(l).toString('hex')));
				const wire = new Uint8Array(nameWireLength(text));
				expect(encodeName(text, wire, 0)).toBe(labels.reduce((n, l) => n + l.length + 1, 1));
				expect(controlByte.test(text)).toBe(false);
			}),
			{numRuns: runs},
		);
	});
});

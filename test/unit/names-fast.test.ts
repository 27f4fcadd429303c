// checkName's fast path for plain names against the full check every input can take: the same result.
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {checkName, checkNameFully} from '../../src/resolve/names.js';

const runs = Number(process.env.FUZZ_RUNS ?? 3000);

const label = fc.oneof(
	fc.stringMatching(/^[a-zA-Z0-9_-]{0,12}$/),
	fc.stringMatching(/^[a-zA-Z0-9_-]{60,66}$/),
	fc.constantFrom('xn--bcher-kva', 'XN--BCHER-KVA', 'xN--x', 'xn-', 'xn', 'x-n--a', 'ab--cd', '-', '_', '*', 'a\\.b', 'é', 'a b', ''),
);
const name = fc
	.tuple(fc.array(label, {minLength: 0, maxLength: 6}), fc.constantFrom('', '.', '..'))
	.map(([labels, end]) => labels.join('.') + end);
const long = fc.array(fc.stringMatching(/^[a-z]{1,63}$/), {minLength: 3, maxLength: 6}).map((labels) => labels.join('.'));

describe('checkName', () => {
	it('gives for every input what the full check gives', () => {
		fc.assert(
			fc.property(fc.oneof(name, long, fc.string({maxLength: 20})), (input) => {
				expect(checkName(input)).toEqual(checkNameFully(input));
			}),
			{numRuns: runs},
		);
	});

	it('at the length limits', () => {
		const at = (n: number): string => Array.from({length: Math.ceil(n / 50)}, () => 'a'.repeat(49)).join('.').slice(0, n).replace(/\.$/, 'b');
		for (const n of [252, 253, 254, 255]) {
			for (const input of [at(n), `${at(n)}.`]) expect(checkName(input), `${input.length}`).toEqual(checkNameFully(input));
		}
		for (const input of ['a'.repeat(63), 'a'.repeat(64), `${'a'.repeat(63)}.b`, `${'a'.repeat(64)}.b`]) expect(checkName(input)).toEqual(checkNameFully(input));
	});
});

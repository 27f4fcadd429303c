// With two destinations, the full sort's decision is the pairwise one selection.ts used to compute again (its shortcut).
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {sortDestinations} from '../../src/select/rfc6724.js';
import type {SourceInfo, Stack} from '../../src/select/types.js';

const v4 = fc.constantFrom('192.0.2.1', '10.0.0.1', '127.0.0.1', '169.254.1.1', '100.64.0.1', '198.51.100.7');
const v6 = fc.constantFrom('2001:db8::1', 'fd00::1', '::1', 'fe80::1', '64:ff9b::c000:201', '2002:c000:201::1', '::ffff:192.0.2.1', '2001::1', 'fec0::1', '2a0f:6:6::1');
const source = (family: 4 | 6): fc.Arbitrary<SourceInfo | null> =>
	fc.option(
		fc.record({
			address: family === 4 ? fc.constantFrom('192.0.2.10', '10.0.0.2', '127.0.0.1', '169.254.0.9') : fc.constantFrom('2001:db8::2', 'fd00::2', '::1', 'fe80::2', '2002:c000:202::2', '2a0f:6:6::100'),
			prefixLen: fc.integer({min: 0, max: family === 4 ? 32 : 128}),
			deprecated: fc.boolean(),
			home: fc.boolean(),
			native: fc.boolean(),
			interface: fc.constantFrom(null, 'eth0', 'wg0'),
		}),
		{nil: null},
	);

describe('a two-destination sort', () => {
	it('decides the pair as sorting the pair again does, for every stack', () => {
		fc.assert(
			fc.property(v4, v6, source(4), source(6), fc.boolean(), fc.constantFrom<Stack>('rfc6724', 'glibc', 'go', 'musl'), (a, aaaa, sa, s6, v4first, stack) => {
				const sources = new Map<string, SourceInfo | null>([
					[a, sa],
					[aaaa, s6],
				]);
				const full = sortDestinations(v4first ? [a, aaaa] : [aaaa, a], sources, stack);
				const [chosen, other] = full.order as [string, string];
				expect(full.decisions[0]).toEqual(sortDestinations([chosen, other], sources, stack).decisions[0]);
			}),
			{numRuns: Number(process.env.FUZZ_RUNS ?? 3000)},
		);
	});
});

// lookupPrefix (rows compiled once, longest first) against the plain definition: the longest matching row, the earlier of equal lengths.
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import {describe, expect, it} from 'vitest';
import {compilePrefix, glibcDefaultLabels, glibcDefaultPrecedence, goPolicyTable, inPrefix, lookupPrefix, muslPolicyTable, parseIp, prefixMatches, rfc6724PolicyTable} from '../../src/select/policy.js';

interface Row {
	readonly prefix: string;
	readonly bits: number;
	readonly id: number;
}

/** The definition, row by row over the table as written. */
function reference<T extends {readonly prefix: string; readonly bits: number}>(rows: readonly T[], address: string): T | undefined {
	const mapped = parseIp(address).mapped;
	let best: T | undefined;
	for (const row of rows) {
		if (best !== undefined && row.bits <= best.bits) continue;
		if (prefixMatches(mapped, parseIp(row.prefix).bytes, row.bits)) best = row;
	}
	return best;
}

const bytes16 = fc.uint8Array({minLength: 16, maxLength: 16});
const v6text = (b: Uint8Array): string => ipaddr.fromByteArray([...b]).toString();

describe('lookupPrefix', () => {
	it('finds what the definition finds, on random tables (lengths that tie, nested prefixes) and addresses near their prefixes', () => {
		fc.assert(
			fc.property(fc.array(fc.tuple(bytes16, fc.nat(128)), {minLength: 1, maxLength: 12}), bytes16, fc.nat(11), fc.nat(127), (made, random, near, flip) => {
				const rows: Row[] = made.map(([b, bits], id) => ({prefix: v6text(b), bits: bits % 3 === 0 ? 64 : bits, id}));
				// An address inside one row's prefix with one bit flipped somewhere (in or past the prefix), and a random one.
				const base = parseIp((rows[near % rows.length] as Row).prefix).bytes.slice();
				base[flip >> 3] = (base[flip >> 3] ?? 0) ^ (0x80 >> (flip & 7));
				for (const address of [v6text(Uint8Array.from(base)), v6text(random), `${random[0]}.${random[1]}.${random[2]}.${random[3]}`]) {
					expect(lookupPrefix(rows, address)?.id).toBe(reference(rows, address)?.id);
				}
			}),
			{numRuns: 2000},
		);
	});

	it('inPrefix is prefixMatches, short arrays on either side included', () => {
		const bytes = (n: number) => fc.array(fc.nat(255), {minLength: 0, maxLength: n});
		fc.assert(
			fc.property(bytes(16), bytes(16), fc.nat(128), fc.nat(16), (prefix, address, bits, shared) => {
				// Often an address that starts as the prefix does, so that matches and near misses both occur.
				const near = [...prefix.slice(0, shared), ...address.slice(shared)];
				for (const a of [address, near]) expect(inPrefix(compilePrefix(prefix, bits), a)).toBe(prefixMatches(a, prefix, bits));
			}),
			{numRuns: 3000},
		);
	});

	it('finds what the definition finds in the stacks’ own tables', () => {
		const tables = [rfc6724PolicyTable, goPolicyTable, muslPolicyTable, glibcDefaultLabels, glibcDefaultPrecedence];
		const special = ['::1', '::', '::ffff:10.0.0.1', '10.0.0.1', '127.0.0.1', '2002:c000:201::1', '2001::1', '2001:db8::1', 'fc00::1', 'fec0::1', '3ffe::1', '::10.0.0.1', '64:ff9b::1', 'fe80::1', 'ff02::1'];
		fc.assert(
			fc.property(bytes16, fc.nat(tables.length - 1), (random, t) => {
				const table = tables[t] as readonly {prefix: string; bits: number}[];
				for (const address of [v6text(random), ...special]) expect(lookupPrefix(table, address)).toBe(reference(table, address));
			}),
			{numRuns: 300},
		);
	});
});

// The native name judge's address partition (capture-live/native-judge.ts judgePrefixes): one address speaks for its region.
//
// native/lane-judge.c asks JS for the facts of the first address it sees in a region (the longest of
// judgePrefixes' prefixes that holds it), and for the order of an A and an AAAA once per pair of
// (region, source) classes. That is exact only if every fact JS reads is alike across a region: the
// stack's scope, label and precedence, unusability, ULA-ness and NAT64 synthesis. Here random addresses
// and addresses at every prefix's edges are grouped by region, as the C finds it, and each group must
// agree (an IPv6 address the verdict finds unusable or synthesized is left to JS: only that must agree).
import {describe, expect, test} from 'vitest';
import {isUniqueLocal, unusableReason} from '../../src/core/address-class.js';
import {judgePrefixes} from '../../src/capture-live/native-judge.js';
import {synthesizedBy, wellKnownPrefix, type Nat64Prefix} from '../../src/resolve/dns64.js';
import {parseGaiConf} from '../../src/select/gai-conf.js';
import {attributesOf} from '../../src/select/stacks.js';
import type {GaiConf, Stack} from '../../src/select/types.js';
import {formatIpv4, formatIpv6} from '../../src/wire/address-text.js';
import {whatIfSources} from '../../src/host/sources.js';
import {parseWhatIf} from '../../src/host/what-if.js';
import {rng} from '../support/capture-frames.js';

/** The region of a 16-byte (IPv4 mapped) address as lane-judge.c finds it: the longest prefix holding it. */
function regionOf(table: Uint8Array, mapped: Uint8Array): number {
	let best = -1;
	let bestBits = -1;
	for (let i = 0; i * 17 < table.length; i++) {
		const bits = table[i * 17 + 16] as number;
		let inside = true;
		for (let bit = 0; bit < bits && inside; bit++) {
			const byte = bit >> 3;
			const mask = 0x80 >> (bit & 7);
			inside = ((table[i * 17 + byte] as number) & mask) === ((mapped[byte] as number) & mask);
		}
		if (inside && bits > bestBits) {
			best = i;
			bestBits = bits;
		}
	}
	return best;
}

/** An address's text and 16-byte form. */
interface Address {
	readonly text: string;
	readonly family: 4 | 6;
	readonly mapped: Uint8Array;
}

function address(bytes: Uint8Array): Address {
	const v4 = bytes.subarray(0, 12).every((b, i) => b === (i < 10 ? 0 : 0xff));
	return v4 && bytes[0] === 0 ? {text: formatIpv4(bytes, 12), family: 4, mapped: bytes} : {text: formatIpv6(bytes, 0), family: 6, mapped: bytes};
}

/** Random addresses, and addresses at and around each prefix's edges (its first, its last, just past it). */
function addresses(table: Uint8Array, count: number, seed: number): Address[] {
	const random = rng(seed);
	const byte = (): number => Math.floor(random() * 256);
	const out: Address[] = [];
	for (let i = 0; i < count; i++) {
		const b = Uint8Array.from({length: 16}, byte);
		if (i % 2 === 0) b.set([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]); // IPv4, mapped
		if (i % 3 === 0) b[0] = [0x20, 0x26, 0xfd, 0xfe, 0xff, 0x00, 0x3f][i % 7] as number;
		out.push(address(b));
	}
	for (let p = 0; p * 17 < table.length; p++) {
		const prefix = table.subarray(p * 17, p * 17 + 16);
		const bits = table[p * 17 + 16] as number;
		for (let k = 0; k < 24; k++) {
			const b = Uint8Array.from(prefix);
			for (let bit = bits; bit < 128; bit++) {
				const set = k === 0 ? false : k === 1 ? true : random() < 0.5;
				if (set) b[bit >> 3] = (b[bit >> 3] as number) | (0x80 >> (bit & 7));
			}
			// Just outside: the prefix's last bit flipped.
			if (k === 2 && bits > 0) b[(bits - 1) >> 3] = (b[(bits - 1) >> 3] as number) ^ (0x80 >> ((bits - 1) & 7));
			out.push(address(b));
		}
	}
	return out;
}

/** What JS tells the C judge, or reads in its place, for one address. */
function facts(a: Address, stack: Stack, gaiConf: GaiConf | undefined, nat64: readonly Nat64Prefix[]): string {
	if (a.family === 4) return JSON.stringify(attributesOf(a.text, stack, gaiConf === undefined ? {} : {gaiConf}));
	const foreign = unusableReason(a.text) !== null || synthesizedBy(a.text, nat64) !== null;
	// Left to JS: nothing else about it is read in C.
	if (foreign) return 'foreign';
	return JSON.stringify({...attributesOf(a.text, stack, gaiConf === undefined ? {} : {gaiConf}), ula: isUniqueLocal(a.text)});
}

const gaiConf = parseGaiConf(['label 2001:470::/32 9', 'label ::ffff:10.0.0.0/104 12', 'precedence 2600::/12 45', 'precedence ::ffff:0:0/96 100', 'scopev4 ::ffff:10.1.0.0/112 5', 'scopev4 0.0.0.0/0 14'].join('\n'));
const nat64: Nat64Prefix[] = [wellKnownPrefix, {prefix: '2001:db8:64::', length: 96}, {prefix: '2a00:64::', length: 48}];
const sources = whatIfSources(parseWhatIf('{"sources": {"::/0": "fd00::2"}}'));

describe('the native name judge’s address partition', () => {
	const cases: [string, Stack, GaiConf | undefined, readonly Nat64Prefix[]][] = [
		['glibc, built-in tables', 'glibc', undefined, [wellKnownPrefix]],
		['glibc, a gai.conf with labels, precedences and scopes', 'glibc', gaiConf, nat64],
		['Go', 'go', undefined, nat64],
		['the RFC', 'rfc6724', undefined, [wellKnownPrefix]],
	];
	for (const [title, stack, conf, prefixes] of cases) {
		test(`every fact read of an address is alike across its region: ${title}`, () => {
			const table = judgePrefixes({selection: {stack, gaiConf: conf, sources, label: 'test'}, nat64: prefixes, noAaaa: false});
			expect(table).not.toBeNull();
			const seen = new Map<string, {text: string; facts: string}>();
			let checked = 0;
			for (const a of addresses(table as Uint8Array, 4000, 7)) {
				const key = `${regionOf(table as Uint8Array, a.mapped)}/${a.family}`;
				const mine = facts(a, stack, conf, prefixes);
				const first = seen.get(key);
				if (first === undefined) seen.set(key, {text: a.text, facts: mine});
				else {
					expect({region: key, address: a.text, facts: mine}).toEqual({region: key, address: a.text, facts: first.facts});
					checked++;
				}
			}
			expect(checked).toBeGreaterThan(4000);
			expect(seen.size).toBeGreaterThan(10);
		});
	}

	test('musl, no-aaaa and no selection have no partition (JS judges every name)', () => {
		expect(judgePrefixes({selection: {stack: 'musl', sources, label: 'test'}, nat64: [], noAaaa: false})).toBeNull();
		expect(judgePrefixes({selection: {stack: 'glibc', sources, label: 'test'}, nat64: [], noAaaa: true})).toBeNull();
		expect(judgePrefixes({selection: null, nat64: [], noAaaa: false})).toBeNull();
	});
});

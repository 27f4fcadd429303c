// The chain walk and the records it did not use (resolve/chain.ts, other-records.ts) against their former forms.
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {maxChainHops, walkChain, type ChainWalk} from '../../src/resolve/chain.js';
import type {ChainLink} from '../../src/resolve/types.js';
import {otherRecords} from '../../src/resolve/other-records.js';
import type {Family, OtherRecord} from '../../src/resolve/types.js';
import type {ReplyView, WireRecord} from '../../src/wire/codec.js';
import {nameKey} from '../../src/wire/name.js';
import {rdataText} from '../../src/wire/rdata.js';

const runs = Number(process.env.FUZZ_RUNS ?? 2000);

/** otherRecords as it was written before (a set of `TYPE name` keys). */
function reference(message: ReplyView, walk: ChainWalk, family: Family): OtherRecord[] {
	const used = new Set(walk.chain.map((link) => `CNAME ${nameKey(link.name)}`));
	if (walk.end === 'addresses') used.add(`${family} ${nameKey(walk.tail)}`);
	const asText = (section: OtherRecord['section'], rr: WireRecord): OtherRecord => ({section, name: rr.name, ttl: rr.ttl, class: rr.class ?? 'IN', type: rr.type, data: rdataText(rr)});
	const out: OtherRecord[] = [];
	for (const rr of message.answers) if (!used.has(`${rr.type} ${nameKey(rr.name)}`)) out.push(asText('answer', rr));
	for (const rr of message.authorities) if (rr.type !== 'SOA' && rr.type !== 'NS') out.push(asText('authority', rr));
	return out;
}

/** walkChain as it was written before (a set of names made up front, filter and find per hop). */
function referenceWalk(answers: readonly WireRecord[], start: string, family: Family, prior: readonly ChainLink[] = []): ChainWalk {
	const chain: ChainLink[] = [];
	const seen = new Set<string>([...prior.map((link) => nameKey(link.name)), nameKey(start)]);
	let tail = start;
	for (;;) {
		const key = nameKey(tail);
		const addresses = answers.filter((rr) => rr.type === family && nameKey(rr.name) === key).map((rr) => ({address: String(rr.data), ttl: rr.ttl}));
		if (addresses.length > 0) return {end: 'addresses', chain, addresses, tail};
		const cname = answers.find((rr) => rr.type === 'CNAME' && nameKey(rr.name) === key);
		if (cname === undefined) return {end: 'stopped', chain, tail};
		const target = String(cname.data);
		if (prior.length + chain.length >= maxChainHops) return {end: 'too-long', chain, tail};
		chain.push({name: cname.name, target, ttl: cname.ttl});
		if (seen.has(nameKey(target))) return {end: 'loop', chain, tail: target};
		seen.add(nameKey(target));
		tail = target;
	}
}

const name = fc.constantFrom('a.example', 'A.Example', 'b.example', 'c.example', 'B.EXAMPLE', 'a.example.x');
const rr: fc.Arbitrary<WireRecord> = fc.oneof(
	fc.record({name, type: fc.constant('A'), ttl: fc.nat(100), data: fc.constantFrom('192.0.2.1', '192.0.2.2')}),
	fc.record({name, type: fc.constant('AAAA'), ttl: fc.nat(100), data: fc.constantFrom('2001:db8::1', '2001:db8::2')}),
	fc.record({name, type: fc.constant('CNAME'), ttl: fc.nat(100), data: name}),
	fc.record({name, type: fc.constant('DNAME'), ttl: fc.nat(100), data: name}),
	fc.record({name, type: fc.constant('TYPE65'), ttl: fc.nat(100), data: fc.constant(Buffer.from([0, 1]))}),
);
const authority: fc.Arbitrary<WireRecord> = fc.oneof(
	rr,
	fc.record({name, type: fc.constant('NS'), ttl: fc.nat(100), data: name}),
	fc.record({name, type: fc.constant('SOA'), ttl: fc.nat(100), data: fc.constant({mname: 'ns.example', rname: 'h.example', serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5})}),
);

describe('chain walk and other records', () => {
	it('walks as before, loops and the hop limit across prior links included', () => {
		const link = fc.record({name, target: name, ttl: fc.nat(100)});
		fc.assert(
			fc.property(fc.array(rr, {maxLength: 8}), name, fc.constantFrom<Family>('A', 'AAAA'), fc.array(link, {maxLength: 17}), (answers, start, family, prior) => {
				expect(walkChain(answers, start, family, prior)).toEqual(referenceWalk(answers, start, family, prior));
			}),
			{numRuns: runs},
		);
	});

	it('are what the set of used keys left, in order', () => {
		fc.assert(
			fc.property(fc.array(rr, {maxLength: 6}), fc.array(authority, {maxLength: 3}), name, fc.constantFrom<Family>('A', 'AAAA'), (answers, authorities, start, family) => {
				const message: ReplyView = {rcode: 'NOERROR', flag_aa: false, flag_tc: false, flag_ad: false, answers, authorities, canonical: true};
				const walk = walkChain(answers, start, family);
				expect(otherRecords(message, walk, family)).toEqual(reference(message, walk, family));
			}),
			{numRuns: runs},
		);
	});
});

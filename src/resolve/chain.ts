// Walking a CNAME chain through an answer section, from the question name to records of the asked type.
import type {WireRecord} from '../wire/codec.js';
import {nameKey} from '../wire/name.js';
import type {AddressRecord, ChainLink, Family} from './types.js';

/** RFC 1034 §3.6.2 leaves the limit to the resolver; glibc and BIND use 16 ("max-recursion" style). */
export const maxChainHops = 16;

export type ChainWalk =
	| {readonly end: 'addresses'; readonly chain: ChainLink[]; readonly addresses: AddressRecord[]; readonly tail: string}
	| {readonly end: 'stopped'; readonly chain: ChainLink[]; readonly tail: string}
	| {readonly end: 'loop'; readonly chain: ChainLink[]; readonly tail: string}
	| {readonly end: 'too-long'; readonly chain: ChainLink[]; readonly tail: string};

/**
 * Follows CNAMEs from `start` through `answers` (order-independent). `prior` is the chain already
 * walked in earlier replies, so loops and the hop limit count across follow-up queries.
 */
export function walkChain(answers: readonly WireRecord[], start: string, family: Family, prior: readonly ChainLink[] = []): ChainWalk {
	const chain: ChainLink[] = [];
	// Names already on the chain, made at the first hop: most answers end at the question name.
	let seen: Set<string> | null = null;
	let tail = start;
	for (;;) {
		const key = nameKey(tail);
		// One pass for both: the records of the asked type owned by the tail, in order, and its first CNAME.
		let addresses: AddressRecord[] | null = null;
		let cname: WireRecord | undefined;
		// The owner is compared as a string first: equal strings have equal keys, and the lean reader
		// hands every owner spelled as the question its string, so most records skip nameKey's scan.
		// Indexed: answers may be a shared frozen empty list, and for-of over both kinds made an iterator a call.
		for (let i = 0; i < answers.length; i++) {
			const rr = answers[i] as WireRecord;
			if (rr.type === family) {
				if (rr.name === tail || nameKey(rr.name) === key) (addresses ??= []).push({address: String(rr.data), ttl: rr.ttl});
			} else if (cname === undefined && rr.type === 'CNAME' && (rr.name === tail || nameKey(rr.name) === key)) cname = rr;
		}
		if (addresses !== null) return {end: 'addresses', chain, addresses, tail};
		if (cname === undefined) return {end: 'stopped', chain, tail};
		const target = String(cname.data);
		if (prior.length + chain.length >= maxChainHops) return {end: 'too-long', chain, tail};
		chain.push({name: cname.name, target, ttl: cname.ttl});
		if (seen === null) {
			// Filled in place: a third of a batch's names have a chain, and two arrays per chain were garbage.
			seen = new Set<string>();
			for (const link of prior) seen.add(nameKey(link.name));
			seen.add(nameKey(start));
		}
		if (seen.has(nameKey(target))) return {end: 'loop', chain, tail: target};
		seen.add(nameKey(target));
		tail = target;
	}
}

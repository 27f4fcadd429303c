// What this host would connect to: the A and AAAA answers sorted by RFC 6724 with its sources.
import {isIP} from 'node:net';
import type {SourceProvider} from '../host/sources.js';
import {formatPrefix, synthesizedBy, type Nat64Prefix} from '../resolve/dns64.js';
import type {Family, FamilyOutcome} from '../resolve/types.js';
import {sortDestinations} from '../select/rfc6724.js';
import type {GaiConf, RuleId, SourceInfo, Stack} from '../select/types.js';

/** One destination in the order the host would try it. */
export interface RankedAddress {
	readonly address: string;
	readonly family: Family;
	/** Source(D), or null when the host has no route (RFC 6724 Rule 1: unusable). */
	readonly source: string | null;
	readonly interface: string | null;
	/** The DNS64 prefix this AAAA was synthesized under (RFC 7050), or null. */
	readonly synthesized: string | null;
}

export interface Selection {
	readonly stack: Stack;
	readonly order: readonly RankedAddress[];
	/** The address a connect() would try first, or null with no address at all. */
	readonly chosen: string | null;
	/** The rule that put `chosen` before the best address of the other family, or null with one family. */
	readonly rule: RuleId | null;
	/** What decided between `chosen` and that other address, for the reason text. */
	readonly runnerUp: string | null;
}

export interface SelectionSettings {
	readonly stack: Stack;
	readonly gaiConf?: GaiConf | undefined;
	readonly sources: SourceProvider;
	/** Where the sources come from, for the view: 'this host (kernel)' or a what-if file. */
	readonly label: string;
}

/**
 * Sorts A and AAAA together. The input order is glibc's: the A answers, then the AAAA answers (its
 * A query goes first and its answers are parsed first), which only Rule 10 ever reads.
 */
export async function selectAddresses(a: FamilyOutcome, aaaa: FamilyOutcome, nat64: readonly Nat64Prefix[], settings: SelectionSettings): Promise<Selection> {
	const destinations = [...a.addresses.map((r) => r.address), ...aaaa.addresses.map((r) => r.address)];
	const unique = [...new Set(destinations)];
	const sources: Map<string, SourceInfo | null> = unique.length > 0 ? await settings.sources(unique) : new Map();
	const options = settings.gaiConf === undefined ? {} : {gaiConf: settings.gaiConf};
	const sorted = unique.length > 0 ? sortDestinations(unique, sources, settings.stack, options).order : [];
	const order: RankedAddress[] = sorted.map((address) => {
		const source = sources.get(address) ?? null;
		const family: Family = isIP(address) === 6 ? 'AAAA' : 'A';
		const prefix = family === 'AAAA' ? synthesizedBy(address, nat64) : null;
		return {address, family, source: source?.address ?? null, interface: source?.interface ?? null, synthesized: prefix === null ? null : formatPrefix(prefix)};
	});
	const chosen = order[0] ?? null;
	const other = chosen === null ? undefined : order.find((r) => r.family !== chosen.family);
	let rule: RuleId | null = null;
	if (chosen !== null && other !== undefined) {
		const decision = sortDestinations([chosen.address, other.address], sources, settings.stack, options).decisions[0];
		// A pairwise order can disagree with the full sort only through Rule 10; then no rule is named.
		rule = decision !== undefined && decision.a === chosen.address ? decision.rule : null;
	}
	return {stack: settings.stack, order, chosen: chosen?.address ?? null, rule, runnerUp: other?.address ?? null};
}

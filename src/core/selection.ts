// What this host would connect to: the A and AAAA answers sorted by RFC 6724 with its sources.
import type {SourceProvider} from '../host/sources.js';
import {formatPrefix, synthesizedBy, type Nat64Prefix} from '../resolve/dns64.js';
import type {Family, FamilyOutcome} from '../resolve/types.js';
import {parsePlainIp} from '../select/policy.js';
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
	const unique = selectionDestinations(a, aaaa);
	const sources: Map<string, SourceInfo | null> = unique.length > 0 ? await settings.sources(unique) : new Map();
	return selectFromSources(unique, sources, nat64, settings);
}

/**
 * selectAddresses without waiting, when the provider knows every Source(D) already (a what-if map, a
 * cached answer: SourceProvider.known); undefined when one must be asked. The batch's lean lane judges
 * most names this way, with no promise per name.
 */
export function selectAddressesNow(a: FamilyOutcome, aaaa: FamilyOutcome, nat64: readonly Nat64Prefix[], settings: SelectionSettings): Selection | undefined {
	const known = settings.sources.known;
	if (known === undefined) return undefined;
	const unique = selectionDestinations(a, aaaa);
	const sources = new Map<string, SourceInfo | null>();
	for (const destination of unique) {
		const source = known(destination);
		if (source === undefined) return undefined;
		sources.set(destination, source);
	}
	return selectFromSources(unique, sources, nat64, settings);
}

/**
 * Source(D) of `destinations` from `provider` at once, in their order (nowMany, else known; an entry
 * undefined: ask), or undefined when it can answer nothing so.
 */
export function sourcesNow(provider: SourceProvider, destinations: readonly string[]): (SourceInfo | null | undefined)[] | undefined {
	const {nowMany, known} = provider;
	return nowMany?.(destinations) ?? (known === undefined ? undefined : destinations.map(known));
}

/** The destinations a selection asks Source(D) for: A's addresses then AAAA's, each once. */
export function selectionDestinations(a: FamilyOutcome, aaaa: FamilyOutcome): string[] {
	// A name has a few addresses, where a linear search beats a Set; a long list takes the Set.
	if (a.addresses.length + aaaa.addresses.length > 16) return [...new Set([...a.addresses.map((r) => r.address), ...aaaa.addresses.map((r) => r.address)])];
	const out: string[] = [];
	for (const r of a.addresses) if (!out.includes(r.address)) out.push(r.address);
	for (const r of aaaa.addresses) if (!out.includes(r.address)) out.push(r.address);
	return out;
}

/**
 * The selection of `unique` (selectionDestinations' list) once the sources are known (a destination
 * `sources` lacks is unusable). A capture's inventory probes all its destinations in one batch, then
 * judges 100k names with this, without a promise each.
 */
export function selectFromSources(unique: readonly string[], sources: ReadonlyMap<string, SourceInfo | null>, nat64: readonly Nat64Prefix[], settings: SelectionSettings): Selection {
	const options = settings.gaiConf === undefined ? {} : {gaiConf: settings.gaiConf};
	// One address is its own order: no candidate, policy lookup or comparison can move it (two in five
	// names of a list). parsePlainIp stands in for the sort's parse, which would throw on anything else.
	const single = unique.length === 1 && parsePlainIp(unique[0] as string) !== null;
	const sort = unique.length > 0 && !single ? sortDestinations(unique, sources, settings.stack, options) : null;
	const sorted = single ? unique : sort === null ? [] : sort.order;
	const order: RankedAddress[] = sorted.map((address) => {
		const source = sources.get(address) ?? null;
		// Every address here passed sortDestinations' parser, so a colon means IPv6 (net.isIP's regex cost more than the rest).
		const family: Family = address.includes(':') ? 'AAAA' : 'A';
		const prefix = family === 'AAAA' ? synthesizedBy(address, nat64) : null;
		return {address, family, source: source?.address ?? null, interface: source?.interface ?? null, synthesized: prefix === null ? null : formatPrefix(prefix)};
	});
	const chosen = order[0] ?? null;
	const other = chosen === null ? undefined : order.find((r) => r.family !== chosen.family);
	let rule: RuleId | null = null;
	if (chosen !== null && other !== undefined) {
		// With two destinations the full sort's one decision is the pair's (the rules are symmetric, so
		// sorting [chosen, other] again gives the same order and rule): the second sort is skipped.
		const decision = sorted.length === 2 ? sort?.decisions[0] : sortDestinations([chosen.address, other.address], sources, settings.stack, options).decisions[0];
		// A pairwise order can disagree with the full sort only through Rule 10; then no rule is named.
		rule = decision !== undefined && decision.a === chosen.address ? decision.rule : null;
	}
	return {stack: settings.stack, order, chosen: chosen?.address ?? null, rule, runnerUp: other?.address ?? null};
}

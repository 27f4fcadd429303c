// The per-host verdict: the DNS outcomes of both families plus what address selection would do.
import {unusableReason, isUniqueLocal} from './address-class.js';
import type {FamilyOutcome, Verdict} from '../resolve/types.js';
import type {Selection} from './selection.js';
import type {RuleId} from '../select/types.js';

export interface VerdictWithReason {
	readonly verdict: Verdict;
	readonly reason: string;
}

export interface VerdictContext {
	readonly selection: Selection | null;
	/** resolv.conf `options no-aaaa`: getaddrinfo on this host never asks for AAAA. */
	readonly noAaaa: boolean;
	/** Names a rule for the reason text ("Rule 6: prefer higher precedence"). */
	readonly describeRule: (rule: RuleId) => string;
}

/** The DNS64 prefix the selection found `address` synthesized under, or null (also without a selection). */
function synthesizedIn(selection: Selection | null, address: string): string | null {
	if (selection === null) return null;
	for (const r of selection.order) if (r.address === address) return r.synthesized;
	return null;
}

const failed = (o: FamilyOutcome): boolean => o.status === 'TIMEOUT' || o.status === 'ERROR';

/**
 * Decides, in this order: `error` (invalid name, or neither family answered); `broken-aaaa` (A has
 * addresses while AAAA is SERVFAIL, REFUSED, TIMEOUT, ERROR or NXDOMAIN: RFC 4074 §4 misbehaviour —
 * NXDOMAIN for a name whose A exists is a lie, so it lands here rather than in not-migrated);
 * `not-migrated` (AAAA NODATA while A exists); `unresolved` (no address at all); `bogus-aaaa` (every
 * AAAA unusable); `synthetic` (every usable AAAA inside a DNS64 prefix); then `migrated` when the
 * first address this host would try is a usable, non-synthesized AAAA, else `v6-not-preferred`.
 */
export function judge(a: FamilyOutcome, aaaa: FamilyOutcome, context: VerdictContext): VerdictWithReason {
	if (a.status === 'INVALID') {
		return {verdict: 'error', reason: `invalid name: ${a.problem?.kind === 'invalid-name' ? a.problem.detail : 'rejected'}`};
	}
	const hasA = a.addresses.length > 0;
	if (aaaa.addresses.length === 0) {
		if (hasA && aaaa.status === 'NODATA') {
			return {verdict: 'not-migrated', reason: `IPv4 only: AAAA is NODATA${aaaa.soa ? ` (SOA ${aaaa.soa.name})` : ''}`};
		}
		if (hasA && aaaa.status !== 'NOERROR') return {verdict: 'broken-aaaa', reason: `A answers but AAAA is ${aaaa.status} (RFC 4074: the resolver or server mishandles AAAA)`};
		if (hasA) return {verdict: 'not-migrated', reason: 'IPv4 only: no AAAA'};
		if (failed(a) && failed(aaaa)) return {verdict: 'error', reason: `no answer: A ${a.status}, AAAA ${aaaa.status}`};
		return {verdict: 'unresolved', reason: `no address in either family: A ${a.status}, AAAA ${aaaa.status}`};
	}
	const selection = context.selection;
	// The usable AAAA (the first of them kept) and those of them not synthesized, counted in one pass
	// (two filtered arrays and a closure per name before; the tests hold the texts).
	let firstUsable: string | null = null;
	let real = 0;
	for (const r of aaaa.addresses) {
		if (unusableReason(r.address) !== null) continue;
		firstUsable ??= r.address;
		if (synthesizedIn(selection, r.address) === null) real++;
	}
	if (firstUsable === null) {
		const first = aaaa.addresses[0]?.address ?? '';
		return {verdict: 'bogus-aaaa', reason: `every AAAA is unusable: ${first} is ${unusableReason(first) ?? 'unusable'}`};
	}
	if (real === 0) {
		return {verdict: 'synthetic', reason: `every AAAA is synthesized by DNS64 (prefix ${synthesizedIn(selection, firstUsable)}): the service has no IPv6 of its own`};
	}
	if (context.noAaaa) return {verdict: 'v6-not-preferred', reason: 'resolv.conf has options no-aaaa: getaddrinfo on this host never asks for AAAA'};
	if (selection === null) return {verdict: 'migrated', reason: `publishes ${real} IPv6 address${real === 1 ? '' : 'es'}`};
	const chosen = selection.order[0];
	const because = selection.rule === null ? '' : ` (${context.describeRule(selection.rule)})`;
	const isReal = chosen !== undefined && chosen.family === 'AAAA' && chosen.synthesized === null && unusableReason(chosen.address) === null;
	if (chosen !== undefined && isReal) {
		const local = isUniqueLocal(chosen.address) ? ' [ULA: reachable inside the site only]' : '';
		const via = chosen.interface === null ? '' : ` via ${chosen.interface}`;
		return {verdict: 'migrated', reason: `would connect to ${chosen.address} from ${chosen.source ?? '?'}${via}${because}${local}`};
	}
	const first = chosen?.address ?? '?';
	const unusableV6 = selection.order.some((r) => r.family === 'AAAA' && r.source === null);
	const why = unusableV6 && selection.rule === 1 ? ' — no IPv6 source address or route for the AAAA' : '';
	return {verdict: 'v6-not-preferred', reason: `has AAAA, but this host would try ${first} first${because}${why}`};
}

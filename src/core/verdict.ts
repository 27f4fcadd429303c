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
	const usable = aaaa.addresses.filter((r) => unusableReason(r.address) === null);
	if (usable.length === 0) {
		const first = aaaa.addresses[0]?.address ?? '';
		return {verdict: 'bogus-aaaa', reason: `every AAAA is unusable: ${first} is ${unusableReason(first) ?? 'unusable'}`};
	}
	const selection = context.selection;
	const synthesized = (address: string): string | null => selection?.order.find((r) => r.address === address)?.synthesized ?? null;
	const real = usable.filter((r) => synthesized(r.address) === null);
	if (real.length === 0) {
		return {verdict: 'synthetic', reason: `every AAAA is synthesized by DNS64 (prefix ${synthesized(usable[0]?.address ?? '')}): the service has no IPv6 of its own`};
	}
	if (context.noAaaa) return {verdict: 'v6-not-preferred', reason: 'resolv.conf has options no-aaaa: getaddrinfo on this host never asks for AAAA'};
	if (selection === null) return {verdict: 'migrated', reason: `publishes ${real.length} IPv6 address${real.length === 1 ? '' : 'es'}`};
	const chosen = selection.order[0];
	const because = selection.rule === null ? '' : ` (${context.describeRule(selection.rule)})`;
	const isReal = chosen !== undefined && chosen.family === 'AAAA' && chosen.synthesized === null && unusableReason(chosen.address) === null;
	if (chosen !== undefined && isReal) {
		const local = isUniqueLocal(chosen.address) ? ' [ULA: reachable inside the site only]' : '';
		const via = chosen.interface === null ? '' : ` via ${chosen.interface}`;
		return {verdict: 'migrated', reason: `would connect to ${chosen.address} from ${chosen.source ?? '?'}${via}${because}${local}`};
	}
	const first = chosen?.address ?? '?';
	const unusableV6 = selection.order.filter((r) => r.family === 'AAAA' && r.source === null).length > 0;
	const why = unusableV6 && selection.rule === 1 ? ' — no IPv6 source address or route for the AAAA' : '';
	return {verdict: 'v6-not-preferred', reason: `has AAAA, but this host would try ${first} first${because}${why}`};
}

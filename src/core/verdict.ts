// The per-host verdict from the two family outcomes (address selection refines it in issue 3).
import type {FamilyOutcome, Verdict} from '../resolve/types.js';

export interface VerdictWithReason {
	readonly verdict: Verdict;
	readonly reason: string;
}

const failed = (o: FamilyOutcome): boolean => o.status === 'TIMEOUT' || o.status === 'ERROR' || o.status === 'INVALID';

/** `migrated` when AAAA has addresses; `not-migrated` when only A has; else `unresolved` or `error`. */
export function judge(a: FamilyOutcome, aaaa: FamilyOutcome): VerdictWithReason {
	if (a.status === 'INVALID') {
		return {verdict: 'error', reason: `invalid name: ${a.problem?.kind === 'invalid-name' ? a.problem.detail : 'rejected'}`};
	}
	if (aaaa.addresses.length > 0) {
		const hops = aaaa.chain.length;
		const via = hops === 0 ? '' : ` via ${hops} CNAME${hops === 1 ? '' : 's'}`;
		const count = aaaa.addresses.length;
		return {verdict: 'migrated', reason: `publishes ${count} IPv6 address${count === 1 ? '' : 'es'} (AAAA${via})`};
	}
	if (a.addresses.length > 0) {
		return {verdict: 'not-migrated', reason: `IPv4 only: AAAA is ${aaaa.status}${aaaa.status === 'NODATA' && aaaa.soa ? ` (SOA ${aaaa.soa.name})` : ''}`};
	}
	if (failed(a) && failed(aaaa)) return {verdict: 'error', reason: `no answer: A ${a.status}, AAAA ${aaaa.status}`};
	return {verdict: 'unresolved', reason: `no address in either family: A ${a.status}, AAAA ${aaaa.status}`};
}

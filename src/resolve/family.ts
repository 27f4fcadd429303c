// One family (A or AAAA) of one name: the query, the chain walk, follow-ups for an unfinished chain.
import ipaddr from 'ipaddr.js';
import {describeWireError} from '../wire/codec.js';
import {runQuery, type Answered, type QueryParams, type QueryResult} from '../transport/query.js';
import {walkChain} from './chain.js';
import {otherRecords} from './other-records.js';
import {findSoa} from './soa.js';
import type {ChainLink, Family, FamilyOutcome, LookupProblem, OtherRecord, Status} from './types.js';

/** What a family query needs besides the name: everything of QueryParams but the question. */
export type FamilyContext = Omit<QueryParams, 'question'>;

/** Resolves one family of `qname`, following the chain with further queries while the resolver left it open. */
export async function resolveFamily(qname: string, family: Family, context: FamilyContext): Promise<FamilyOutcome> {
	const chain: ChainLink[] = [];
	const others: OtherRecord[] = [];
	let queries = 0;
	let mismatched = 0;
	let tail = qname;
	for (;;) {
		const result: QueryResult = await runQuery({...context, question: {name: tail, type: family}});
		queries += result.queries;
		mismatched += result.mismatched;
		const base = {family, qname, queries, mismatched};
		if (!result.ok) {
			const failure = result.failure;
			if (failure.kind === 'timeout') return empty(base, 'TIMEOUT', chain, {kind: 'timeout', tries: failure.tries});
			if (failure.kind === 'malformed') {
				return {...empty(base, 'ERROR', chain, {kind: 'malformed-reply', detail: describeWireError(failure.error)}), server: failure.server, transport: failure.transport};
			}
			return {...empty(base, 'ERROR', chain, {kind: 'network', detail: failure.detail}), server: failure.server};
		}
		const answer = result.answer;
		const message = answer.message;
		const walk = walkChain(message.answers, tail, family, chain);
		chain.push(...walk.chain);
		others.push(...otherRecords(message, walk, family));
		const decided = (status: Status, extra: Partial<FamilyOutcome> = {}): FamilyOutcome => ({...fromAnswer(base, answer, chain), otherRecords: others, status, ...extra});
		if (walk.end === 'loop') return decided('ERROR', {problem: {kind: 'cname-loop', at: walk.tail}});
		if (walk.end === 'too-long') return decided('ERROR', {problem: {kind: 'chain-too-long', hops: chain.length}});
		const rcode = message.rcode;
		const soa = findSoa(message.authorities);
		if (rcode === 'NXDOMAIN') return decided('NXDOMAIN', {soa});
		if (rcode === 'SERVFAIL' || rcode === 'REFUSED') return decided(rcode);
		if (rcode !== 'NOERROR') return decided('ERROR', {problem: {kind: 'rcode', rcode}});
		// AAAA text is made RFC 5952-canonical; A text is canonical as decoded.
		if (walk.end === 'addresses') return decided('NOERROR', {addresses: family === 'A' ? walk.addresses : walk.addresses.map((a) => ({...a, address: canonicalAddress(a.address)}))});
		// The chain stopped at a name with no record of the asked type. With an SOA in the authority
		// section the reply is negative for the tail (RFC 2308 §2.2, NODATA); without one, and with a
		// chain that moved, the resolver (or an authoritative server) left the tail to us: ask for it.
		if (soa === null && walk.chain.length > 0) {
			tail = walk.tail;
			continue;
		}
		return decided('NODATA', {soa});
	}
}

function empty(
	base: {family: Family; qname: string; queries: number; mismatched: number},
	status: Status,
	chain: readonly ChainLink[],
	problem: LookupProblem | null,
): FamilyOutcome {
	return {...base, status, chain: [...chain], addresses: [], soa: null, otherRecords: [], server: null, transport: null, rttMs: null, flags: null, problem};
}

function fromAnswer(base: {family: Family; qname: string; queries: number; mismatched: number}, answer: Answered, chain: readonly ChainLink[]): FamilyOutcome {
	return {
		...empty(base, 'NOERROR', chain, null),
		server: answer.server,
		transport: answer.transport,
		rttMs: Math.round(answer.rttMs * 100) / 100,
		flags: {ad: answer.message.flag_ad === true, aa: answer.message.flag_aa === true},
	};
}

/** RFC 5952 text for IPv6 (dns-packet's codec already compresses; this makes it canonical). */
function canonicalAddress(address: string): string {
	return ipaddr.isValid(address) ? ipaddr.parse(address).toString() : address;
}

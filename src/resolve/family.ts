// One family (A or AAAA) of one name: the query, the chain walk, follow-ups for an unfinished chain.
import ipaddr from 'ipaddr.js';
import {describeWireError, type ReplyView} from '../wire/codec.js';
import {runQuery, type QueryParams, type QueryResult} from '../transport/query.js';
import type {Endpoint, Transport} from '../transport/endpoint.js';
import {walkChain} from './chain.js';
import {otherRecords} from './other-records.js';
import {findSoa} from './soa.js';
import type {ChainLink, Family, FamilyOutcome, LookupProblem, OtherRecord, Status} from './types.js';

/** What a family query needs besides the name: everything of QueryParams but the question. */
export type FamilyContext = Omit<QueryParams, 'question'>;

/** A reply that decided a query, as judge() reads it (transport/query.ts's Answered, or the lean lane's). */
export interface AnswerView {
	readonly message: ReplyView;
	readonly server: Endpoint;
	readonly transport: Transport;
	readonly rttMs: number;
}

/** Where a family stands between queries. */
export interface FamilyProgress {
	readonly family: Family;
	readonly qname: string;
	readonly chain: ChainLink[];
	/** The deciding replies' records besides the chain, addresses, SOA and NS (resolve/other-records.ts). */
	readonly others: OtherRecord[];
	queries: number;
	mismatched: number;
}

/** A decided outcome, or the tail of a chain the resolver left open (ask it next). */
export type Judgement = {readonly outcome: FamilyOutcome; readonly follow: null} | {readonly outcome: null; readonly follow: string};

/**
 * Resolves one family of `qname`, following the chain with further queries while the resolver left it
 * open. `first`, when given, is the result of the first query, already run (the batch's lean lane).
 */
export async function resolveFamily(qname: string, family: Family, context: FamilyContext, first?: QueryResult): Promise<FamilyOutcome> {
	const progress: FamilyProgress = {family, qname, chain: [], others: [], queries: 0, mismatched: 0};
	let tail = qname;
	let result = first ?? (await runQuery({...context, question: {name: tail, type: family}}));
	for (;;) {
		const judged = judgeResult(result, tail, progress);
		if (judged.outcome !== null) return judged.outcome;
		tail = judged.follow;
		result = await runQuery({...context, question: {name: tail, type: family}});
	}
}

/** Folds one query's result into `progress` and judges it. */
export function judgeResult(result: QueryResult, tail: string, progress: FamilyProgress): Judgement {
	progress.queries += result.queries;
	progress.mismatched += result.mismatched;
	if (result.ok) return judge(result.answer, tail, progress);
	const failure = result.failure;
	if (failure.kind === 'timeout') return decided(outcome(progress, 'TIMEOUT', null, {kind: 'timeout', tries: failure.tries}));
	if (failure.kind === 'malformed') return decided(outcome(progress, 'ERROR', null, {kind: 'malformed-reply', detail: describeWireError(failure.error)}, failure.server, failure.transport));
	return decided(outcome(progress, 'ERROR', null, {kind: 'network', detail: failure.detail}, failure.server));
}

/**
 * Judges one accepted reply to the question (`tail`, family): the chain walk through its answers,
 * then the RCODE, addresses, NODATA (RFC 2308 §2.2) or the open tail to ask next.
 */
export function judge(answer: AnswerView, tail: string, progress: FamilyProgress): Judgement {
	const message = answer.message;
	const walk = walkChain(message.answers, tail, progress.family, progress.chain);
	for (const link of walk.chain) progress.chain.push(link);
	for (const other of otherRecords(message, walk, progress.family)) progress.others.push(other);
	if (walk.end === 'loop') return decided(outcome(progress, 'ERROR', answer, {kind: 'cname-loop', at: walk.tail}));
	if (walk.end === 'too-long') return decided(outcome(progress, 'ERROR', answer, {kind: 'chain-too-long', hops: progress.chain.length}));
	const rcode = message.rcode;
	const soa = findSoa(message.authorities);
	if (rcode === 'NXDOMAIN') return decided(outcome(progress, 'NXDOMAIN', answer, null, null, null, soa));
	if (rcode === 'SERVFAIL' || rcode === 'REFUSED') return decided(outcome(progress, rcode, answer, null));
	if (rcode !== 'NOERROR') return decided(outcome(progress, 'ERROR', answer, {kind: 'rcode', rcode}));
	if (walk.end === 'addresses') {
		// AAAA text is made RFC 5952-canonical (the lean reader writes it so); A text is canonical as decoded.
		const addresses = progress.family === 'A' || message.canonical === true ? walk.addresses : walk.addresses.map((a) => ({address: canonicalAddress(a.address), ttl: a.ttl}));
		return decided(outcome(progress, 'NOERROR', answer, null, null, null, null, addresses));
	}
	// The chain stopped at a name with no record of the asked type. With an SOA in the authority
	// section the reply is negative for the tail (RFC 2308 §2.2, NODATA); without one, and with a
	// chain that moved, the resolver (or an authoritative server) left the tail to us: ask for it.
	if (soa === null && walk.chain.length > 0) return {outcome: null, follow: walk.tail};
	return decided(outcome(progress, 'NODATA', answer, null, null, null, soa));
}

const decided = (value: FamilyOutcome): Judgement => ({outcome: value, follow: null});

/** The four AD/AA pairs, shared: an outcome's flags are read-only, and every reply made a new pair. */
const headerFlags: readonly NonNullable<FamilyOutcome['flags']>[] = [
	{ad: false, aa: false},
	{ad: false, aa: true},
	{ad: true, aa: false},
	{ad: true, aa: true},
];

/** The outcome object, built in one literal (one shape for every outcome; no spreads on the hot path). */
function outcome(
	progress: FamilyProgress,
	status: Status,
	answer: AnswerView | null,
	problem: LookupProblem | null,
	server: Endpoint | null = null,
	transport: Transport | null = null,
	soa: FamilyOutcome['soa'] = null,
	addresses: FamilyOutcome['addresses'] = [],
): FamilyOutcome {
	return {
		family: progress.family,
		status,
		qname: progress.qname,
		chain: progress.chain.slice(),
		addresses,
		soa,
		// A failure without a reply shows none (as before the evidence was kept across follow-ups).
		otherRecords: answer === null ? [] : progress.others.slice(),
		server: answer === null ? server : answer.server,
		transport: answer === null ? transport : answer.transport,
		rttMs: answer === null ? null : Math.round(answer.rttMs * 100) / 100,
		queries: progress.queries,
		mismatched: progress.mismatched,
		flags: answer === null ? null : replyFlags(answer.message.flag_ad === true, answer.message.flag_aa === true),
		problem,
	};
}

/** answeredOutcome's other records: none, one shared (read-only) list. */
const noOthers: readonly OtherRecord[] = [];

/** The AD/AA pair of a reply's header, one of the four shared objects. */
export function replyFlags(ad: boolean, aa: boolean): NonNullable<FamilyOutcome['flags']> {
	return headerFlags[(ad ? 2 : 0) + (aa ? 1 : 0)] as NonNullable<FamilyOutcome['flags']>;
}

/**
 * outcome()'s object for one reply that decided a family by itself, with no other records and no
 * problem (the batch's reply reader, batch/lean-answer.ts, builds it from the bytes): the same keys in
 * the same order, so NDJSON and the shapes V8 sees are one. `chain` and `addresses` are taken as they are.
 */
export function answeredOutcome(
	family: Family,
	status: Status,
	qname: string,
	chain: readonly ChainLink[],
	addresses: FamilyOutcome['addresses'],
	soa: FamilyOutcome['soa'],
	server: Endpoint,
	transport: Transport,
	rttMs: number,
	mismatched: number,
	flags: NonNullable<FamilyOutcome['flags']>,
): FamilyOutcome {
	return {
		family,
		status,
		qname,
		chain,
		addresses,
		soa,
		otherRecords: noOthers,
		server,
		transport,
		rttMs: Math.round(rttMs * 100) / 100,
		queries: 1,
		mismatched,
		flags,
		problem: null,
	};
}

/**
 * An outcome without a deciding reply: no addresses, SOA, other records, server, RTT or flags (an input
 * refused before sending, a query a capture saw go unanswered).
 */
export function replylessOutcome(family: Family, status: Status, qname: string, chain: readonly ChainLink[], queries: number, problem: LookupProblem | null): FamilyOutcome {
	return {family, status, qname, chain: chain.slice(), addresses: [], soa: null, otherRecords: [], server: null, transport: null, rttMs: null, queries, mismatched: 0, flags: null, problem};
}

/** RFC 5952 text for IPv6 (dns-packet's codec already compresses; this makes it canonical). */
function canonicalAddress(address: string): string {
	return ipaddr.isValid(address) ? ipaddr.parse(address).toString() : address;
}

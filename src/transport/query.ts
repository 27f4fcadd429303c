// One question to a list of servers with glibc's retry discipline: attempts × servers, TC → TCP.
import {encodeQuery, type ReplyView, type WireError} from '../wire/codec.js';
import type {DeadlineQueue} from './deadlines.js';
import type {Endpoint, Transport} from './endpoint.js';
import type {AskedQuestion, TryOutcome} from './reply.js';
import {randomId} from './random-ids.js';
import {tcpExchange} from './tcp.js';
import type {UdpChannel} from './udp-channel.js';

export interface QueryParams {
	readonly question: AskedQuestion;
	readonly servers: readonly Endpoint[];
	/** Index of the first server to try (rotation). */
	readonly firstServer: number;
	readonly timeoutMs: number;
	readonly attempts: number;
	/** Always TCP (`--tcp`, `options use-vc`). */
	readonly tcp: boolean;
	readonly edns: boolean;
	readonly ad: boolean;
	readonly channel: UdpChannel;
	readonly deadlines: DeadlineQueue;
	/** Told about every packet sent, for the event stream and politeness accounting. */
	readonly onSend?: (server: Endpoint, transport: Transport) => void;
	/** Awaited before every packet, retries included: the politeness seam (a token bucket for --qps). */
	readonly pace?: () => Promise<void>;
	/**
	 * The first UDP try, already made at the first server with `edns` (the batch's lean lane sends it
	 * itself): counted as sent, and taken as that try's outcome instead of sending again.
	 */
	readonly spent?: TryOutcome;
}

/** A reply that decided the question, with where and how it came. */
export interface Answered {
	readonly message: ReplyView;
	readonly server: Endpoint;
	readonly transport: Transport;
	readonly rttMs: number;
}

export type QueryFailure =
	| {readonly kind: 'timeout'; readonly tries: number}
	| {readonly kind: 'malformed'; readonly error: WireError; readonly server: Endpoint; readonly transport: Transport}
	| {readonly kind: 'network'; readonly detail: string; readonly server: Endpoint};

export type QueryResult = ({readonly ok: true; readonly answer: Answered} | {readonly ok: false; readonly failure: QueryFailure}) & {
	readonly queries: number;
	readonly mismatched: number;
};

/** RCODEs after which glibc's send_dg moves on to the next server (and keeps the reply as a fallback). */
const tryNextServer = new Set(['SERVFAIL', 'REFUSED', 'NOTIMP']);

/**
 * Runs one question. For each attempt, each server in rotation order gets one try of `timeoutMs`
 * (resolv.conf's `attempts` × `nameserver`, as glibc). A TC reply is repeated over TCP at the same
 * server; FORMERR to an EDNS query is repeated once without EDNS (RFC 6891 §7). SERVFAIL, REFUSED and
 * NOTIMP move on to the next server; if no server does better, the last of them is the answer.
 */
export async function runQuery(params: QueryParams): Promise<QueryResult> {
	let queries = 0;
	let mismatched = 0;
	let fallback: Answered | null = null;
	let malformed: QueryFailure | null = null;
	let network: QueryFailure | null = null;
	let timeouts = 0;
	const count = params.servers.length;

	let spent = params.spent;
	const tryOnce = async (server: Endpoint, edns: boolean): Promise<TryOutcome> => {
		const build = (id: number): Buffer => encodeQuery({id, name: params.question.name, type: params.question.type, edns, ad: params.ad});
		if (!params.tcp) {
			let udp: TryOutcome;
			if (spent !== undefined) {
				udp = spent;
				spent = undefined;
				queries++;
			} else {
				if (params.pace) await params.pace();
				queries++;
				params.onSend?.(server, 'udp');
				udp = await params.channel.send(server, params.question, build, params.timeoutMs);
			}
			mismatched += udp.mismatched;
			if (udp.kind !== 'reply' || !udp.message.flag_tc) return udp;
		}
		if (params.pace) await params.pace();
		queries++;
		params.onSend?.(server, 'tcp');
		const id = randomId();
		const tcp = await tcpExchange(server, params.question, id, build(id), params.timeoutMs, params.deadlines);
		mismatched += tcp.mismatched;
		return tcp;
	};

	for (let attempt = 0; attempt < params.attempts; attempt++) {
		for (let k = 0; k < count; k++) {
			const server = params.servers[(params.firstServer + k) % count] as Endpoint;
			let outcome = await tryOnce(server, params.edns);
			if (outcome.kind === 'reply' && outcome.message.rcode === 'FORMERR' && params.edns) outcome = await tryOnce(server, false);
			switch (outcome.kind) {
				case 'reply': {
					const answer: Answered = {message: outcome.message, server, transport: outcome.transport, rttMs: outcome.rttMs};
					if (!tryNextServer.has(outcome.message.rcode)) return {ok: true, answer, queries, mismatched};
					fallback = answer;
					break;
				}
				case 'malformed':
					malformed = {kind: 'malformed', error: outcome.error, server, transport: outcome.transport};
					break;
				case 'network':
					network = {kind: 'network', detail: outcome.detail, server};
					break;
				case 'timeout':
					timeouts++;
					break;
			}
		}
	}
	if (fallback !== null) return {ok: true, answer: fallback, queries, mismatched};
	const failure = malformed ?? (timeouts === 0 && network !== null ? network : {kind: 'timeout' as const, tries: queries});
	return {ok: false, failure, queries, mismatched};
}

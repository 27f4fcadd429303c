// Pairing queries with replies on (client, server, transport, id, question): RTT, timeouts, retransmissions, A+AAAA pairs.
import {formatEndpoint, type Endpoint, type Transport} from '../transport/endpoint.js';
import type {Message} from '../wire/codec.js';
import {nameKey} from '../wire/name.js';
import type {Attribution, ExchangeEvent, PairFlag} from './events.js';
import {PairTracker, type PairHalf} from './gai-pairs.js';
import {answerRecords, soaOf} from './records.js';
import {BucketTable, bucketHash, sameCapturedEndpoint, type Bucketed} from './exchange-table.js';
import {RecentRing} from './recent-ring.js';

/** One decoded DNS message with where and when the capture saw it. */
export interface ObservedMessage {
	/** Capture time in ms since the epoch (fractions carry µs/ns). */
	readonly time: number;
	readonly source: Endpoint;
	readonly destination: Endpoint;
	readonly transport: Transport;
	readonly message: Message;
}

export interface CorrelateOptions {
	/** A query with no reply this long after its last transmission is unanswered (default 5000, glibc's). */
	readonly timeoutMs?: number;
	/** A and AAAA from one socket this close together are one getaddrinfo pair (default 10 ms). */
	readonly pairWindowMs?: number;
	/** Pending queries held at most; the oldest is evicted (counted) beyond it (default `defaultMaxPending`). */
	readonly maxPending?: number;
	/** Who owns the client socket, asked once when a query is first seen (live capture). */
	readonly attribute?: (client: Endpoint, transport: Transport) => Attribution | null;
}

/**
 * The pending table's default cap. Decision: 65,536 is one DNS id space, far above any real in-flight
 * count (a busy resolver's clients keep hundreds), and bounds memory under a flood of unanswered
 * queries (~25 MB of entries): beyond it the oldest query is dropped and counted in `evicted`.
 * Recent finished exchanges (for duplicate and late replies) are held within the same bound.
 */
export const defaultMaxPending = 65536;

export interface CorrelateStats {
	queries: number;
	responses: number;
	answered: number;
	unanswered: number;
	unsolicited: number;
	retransmissions: number;
	duplicateResponses: number;
	lateResponses: number;
	evicted: number;
	/** The most queries the pending table held at once (never above the cap). */
	pendingPeak: number;
	pairs: number;
	lostHalves: number;
}

/** What the tables match on: (transport, client, server, id, question); `hash` buckets the first four. */
interface Identity extends Bucketed {
	readonly transport: Transport;
	readonly client: Endpoint;
	readonly server: Endpoint;
	readonly id: number;
	/** The question's name case-folded, its type and its class. */
	readonly folded: string;
	readonly qtype: string;
	readonly qclass: string;
}

/** A query from its first transmission until it is answered, times out or is evicted. */
interface Pending extends PairHalf, Identity {
	readonly qname: string;
	last: number;
	retransmissions: number;
	readonly attribution: Attribution | null;
	/** Neighbours in deadline order (an intrusive list: removal from the middle costs nothing). */
	older: Pending | null;
	newer: Pending | null;
}

const noAttribution: Attribution = {pid: null, comm: null};
/**
 * `address:port` texts of recent endpoints, direct-mapped by port. Decision: every exchange wrote both
 * of its endpoints with formatEndpoint (an isIP regex and a template string, then flattened when the
 * line was written: ~3% of a capture -r), and a capture sees few distinct sockets; the addresses are
 * the decoder's interned strings, so a hit is three compares and the same flat string again.
 */
const endpointSlots = 256;
const endpointKeys: (Endpoint | undefined)[] = new Array<Endpoint | undefined>(endpointSlots);
const endpointTexts: string[] = new Array<string>(endpointSlots).fill('');

/** formatEndpoint(endpoint), from the cache when the same address, port and scope were written lately. */
function endpointText(endpoint: Endpoint): string {
	const slot = endpoint.port & (endpointSlots - 1);
	const key = endpointKeys[slot];
	if (key !== undefined && key.port === endpoint.port && key.address === endpoint.address && (key.scope ?? null) === (endpoint.scope ?? null)) return endpointTexts[slot] as string;
	const text = formatEndpoint(endpoint);
	endpointKeys[slot] = {address: endpoint.address, port: endpoint.port, scope: endpoint.scope ?? null};
	endpointTexts[slot] = text;
	return text;
}

/** What push and advance return when nothing finished. */
const none: readonly ExchangeEvent[] = Object.freeze([]);

/** The socket part of the identity: transport, both endpoints, id. */
const sameSockets = (p: Identity, transport: Transport, client: Endpoint, server: Endpoint, id: number): boolean =>
	p.id === id && p.transport === transport && sameCapturedEndpoint(p.client, client) && sameCapturedEndpoint(p.server, server);
/** The whole identity. */
const sameExchange = (p: Identity, transport: Transport, client: Endpoint, server: Endpoint, id: number, folded: string, qtype: string, qclass: string): boolean =>
	sameSockets(p, transport, client, server, id) && p.folded === folded && p.qtype === qtype && p.qclass === qclass;

/**
 * The pairing state machine. Time is the packets' own: each message first expires what its timestamp
 * has passed, so a replay gives the same events as the live run did. `advance` lets a live capture
 * move time on when the wire is quiet; `flush` ends the capture.
 */
export class Correlator {
	readonly stats: CorrelateStats = {queries: 0, responses: 0, answered: 0, unanswered: 0, unsolicited: 0, retransmissions: 0, duplicateResponses: 0, lateResponses: 0, evicted: 0, pendingPeak: 0, pairs: 0, lostHalves: 0};
	/** Pending queries; their deadline order is the list from #oldest to #newest (a retransmission moves to the end). */
	readonly #pending = new BucketTable<Pending>();
	#oldest: Pending | null = null;
	#newest: Pending | null = null;
	/** Finished exchanges, by the same identity, in the order they were remembered. */
	readonly #recent = new RecentRing();
	readonly #pairs: PairTracker;
	readonly #timeoutMs: number;
	readonly #maxPending: number;
	readonly #attribute: CorrelateOptions['attribute'];
	#now = -Infinity;

	constructor(options: CorrelateOptions = {}) {
		this.#timeoutMs = options.timeoutMs ?? 5000;
		this.#pairs = new PairTracker(options.pairWindowMs ?? 10);
		this.#maxPending = Math.max(1, options.maxPending ?? defaultMaxPending);
		this.#attribute = options.attribute;
	}

	/** The pending table's cap. */
	get maxPending(): number {
		return this.#maxPending;
	}

	/** Queries waiting for a reply. */
	get pending(): number {
		return this.#pending.size;
	}

	/** Takes one message; returns the exchanges it (and the time it brings) finished (a shared empty list when none: read it, never keep or change it). */
	push(observed: ObservedMessage): readonly ExchangeEvent[] {
		const out = this.advance(observed.time);
		if (observed.message.type !== 'response') {
			this.#query(observed);
			return out;
		}
		const event = this.#response(observed);
		if (event === null) return out;
		if (out.length === 0) return [event];
		(out as ExchangeEvent[]).push(event);
		return out;
	}

	/**
	 * Moves time on to `time` (never back): queries past their deadline become unanswered. Decision: most
	 * packets finish nothing, and the two fresh empty lists each one made (here and in push) were young
	 * garbage for every packet; a shared frozen one is returned instead.
	 */
	advance(time: number): readonly ExchangeEvent[] {
		if (time <= this.#now) return none;
		this.#now = time;
		let out: ExchangeEvent[] | null = null;
		for (let pending = this.#oldest; pending !== null; pending = this.#oldest) {
			if (time - pending.last <= this.#timeoutMs) break;
			this.#finishUnanswered(pending, 'timeout', (out ??= []));
		}
		this.#recent.expire(time);
		this.#pairs.sweep(time);
		return out ?? none;
	}

	/** The end of the capture: every query still waiting is reported unanswered. */
	flush(): ExchangeEvent[] {
		const out: ExchangeEvent[] = [];
		for (let pending = this.#oldest; pending !== null; pending = this.#oldest) this.#finishUnanswered(pending, 'end-of-capture', out);
		this.#recent.clear();
		this.#pairs.clear();
		return out;
	}

	#query(observed: ObservedMessage): void {
		const {message} = observed;
		const question = message.questions[0];
		this.stats.queries++;
		if (question === undefined) return; // a query without a question cannot be paired with anything
		const client = observed.source;
		const server = observed.destination;
		const transport = observed.transport;
		const folded = nameKey(question.name);
		const qclass = question.class ?? 'IN';
		const hash = bucketHash(message.id, client.port, server.port, transport === 'tcp');
		let existing = this.#pending.first(hash);
		while (existing !== null && !sameExchange(existing, transport, client, server, message.id, folded, question.type, qclass)) existing = existing.bucketNext;
		if (existing !== null) {
			// The same question with the same id from the same socket: the client asked again.
			existing.retransmissions++;
			existing.last = observed.time;
			this.stats.retransmissions++;
			this.#unlink(existing);
			this.#link(existing);
			return;
		}
		if (this.#pending.size >= this.#maxPending) this.#evictOldest();
		const pending: Pending = {
			hash,
			bucketNext: null,
			client,
			server,
			transport,
			id: message.id,
			qname: question.name,
			folded,
			qtype: question.type,
			qclass,
			first: observed.time,
			last: observed.time,
			retransmissions: 0,
			attribution: this.#attribute?.(client, transport) ?? null,
			pair: null,
			answered: null,
			lastOnSocket: false,
			socketNext: null,
			older: null,
			newer: null,
		};
		this.#pending.add(pending);
		this.#link(pending);
		if (this.#pending.size > this.stats.pendingPeak) this.stats.pendingPeak = this.#pending.size;
		this.#pairs.track(pending);
		this.stats.pairs = this.#pairs.pairs;
	}

	/** The exchange a reply finishes, or null (a duplicate or late reply is only counted). */
	#response(observed: ObservedMessage): ExchangeEvent | null {
		const {message} = observed;
		this.stats.responses++;
		const client = observed.destination;
		const server = observed.source;
		const transport = observed.transport;
		const id = message.id;
		const hash = bucketHash(id, client.port, server.port, transport === 'tcp');
		const question = message.questions[0];
		let pending: Pending | null = null;
		if (question === undefined) {
			// A reply without a question (some FORMERR/SERVFAIL) matches on the id when it is unambiguous;
			// it never matches a finished exchange (those all had a question).
			let matches = 0;
			for (let p = this.#pending.first(hash); p !== null; p = p.bucketNext) {
				if (!sameSockets(p, transport, client, server, id)) continue;
				matches++;
				pending = p;
			}
			if (matches !== 1) return this.#unsolicited(observed);
		} else {
			const folded = nameKey(question.name);
			const qclass = question.class ?? 'IN';
			pending = this.#pending.first(hash);
			while (pending !== null && !sameExchange(pending, transport, client, server, id, folded, question.type, qclass)) pending = pending.bucketNext;
			if (pending === null) {
				const recent = this.#recent.find(hash, transport, client, server, id, folded, question.type, qclass);
				if (recent < 0) return this.#unsolicited(observed);
				if (this.#recent.answered(recent)) this.stats.duplicateResponses++;
				else this.stats.lateResponses++;
				return null;
			}
		}
		if (pending === null) return null; // (unreachable: both branches found one or returned)
		this.#remove(pending);
		this.#remember(pending, observed.time + this.#timeoutMs, true);
		this.stats.answered++;
		const rttMs = Math.round((observed.time - pending.first) * 1000) / 1000;
		const flags = {aa: message.flag_aa, tc: message.flag_tc, ad: message.flag_ad};
		return this.#event(pending, 'answered', message.rcode, answerRecords(message.answers), rttMs, null, flags, soaOf(message.authorities), this.#settle(pending, true));
	}

	#finishUnanswered(pending: Pending, endedBy: 'timeout' | 'end-of-capture', out: ExchangeEvent[]): void {
		this.#remove(pending);
		this.#remember(pending, this.#now + this.#timeoutMs, false);
		this.stats.unanswered++;
		out.push(this.#event(pending, 'unanswered', null, [], null, endedBy, null, null, this.#settle(pending, false)));
	}

	#settle(pending: Pending, answered: boolean): PairFlag | null {
		const flag = this.#pairs.settle(pending, answered);
		this.stats.lostHalves = this.#pairs.lostHalves;
		return flag;
	}

	/** A paired or timed-out exchange, built once in the contract's key order (no spread of a base object per reply). */
	#event(
		pending: Pending,
		status: 'answered' | 'unanswered',
		rcode: string | null,
		answers: ExchangeEvent['answers'],
		rttMs: number | null,
		endedBy: ExchangeEvent['endedBy'],
		flags: ExchangeEvent['flags'],
		soa: ExchangeEvent['soa'],
		pairFlag: PairFlag | null,
	): ExchangeEvent {
		const attribution = pending.attribution ?? noAttribution;
		return {
			kind: 'exchange',
			client: endpointText(pending.client),
			server: endpointText(pending.server),
			transport: pending.transport,
			id: pending.id,
			qname: pending.qname,
			qtype: pending.qtype,
			rcode,
			answers,
			rttMs,
			status,
			time: pending.first,
			retransmissions: pending.retransmissions,
			endedBy,
			flags,
			soa,
			pairedWith: PairTracker.partner(pending),
			pairFlag,
			pid: attribution.pid,
			comm: attribution.comm,
		};
	}

	#unsolicited(observed: ObservedMessage): ExchangeEvent {
		const {message} = observed;
		const question = message.questions[0];
		this.stats.unsolicited++;
		const attribution = this.#attribute?.(observed.destination, observed.transport) ?? noAttribution;
		return {
			kind: 'exchange',
			client: endpointText(observed.destination),
			server: endpointText(observed.source),
			transport: observed.transport,
			id: message.id,
			qname: question?.name ?? null,
			qtype: question?.type ?? null,
			rcode: message.rcode,
			answers: answerRecords(message.answers),
			rttMs: null,
			status: 'unsolicited',
			time: observed.time,
			retransmissions: 0,
			endedBy: null,
			flags: {aa: message.flag_aa, tc: message.flag_tc, ad: message.flag_ad},
			soa: soaOf(message.authorities),
			pairedWith: null,
			pairFlag: null,
			pid: attribution.pid,
			comm: attribution.comm,
		};
	}

	#remove(pending: Pending): void {
		this.#pending.remove(pending);
		this.#unlink(pending);
	}

	/** Appends to the deadline list (newest). */
	#link(pending: Pending): void {
		pending.older = this.#newest;
		pending.newer = null;
		if (this.#newest === null) this.#oldest = pending;
		else this.#newest.newer = pending;
		this.#newest = pending;
	}

	#unlink(pending: Pending): void {
		if (pending.older === null) this.#oldest = pending.newer;
		else pending.older.newer = pending.newer;
		if (pending.newer === null) this.#newest = pending.older;
		else pending.newer.older = pending.older;
		pending.older = pending.newer = null;
	}

	/** Keeps a finished exchange until `until`, within the same bound as the pending table; an earlier one with the same identity leaves. */
	#remember(finished: Pending, until: number, answered: boolean): void {
		const {hash, transport, client, server, id, folded, qtype, qclass} = finished;
		const same = this.#recent.find(hash, transport, client, server, id, folded, qtype, qclass);
		if (same >= 0) this.#recent.forget(same);
		if (this.#recent.size >= this.#maxPending) this.#recent.forgetOldest();
		this.#recent.add(hash, transport, client, server, id, folded, qtype, qclass, until, answered);
	}

	#evictOldest(): void {
		const oldest = this.#oldest;
		if (oldest === null) return;
		this.#remove(oldest);
		this.stats.evicted++;
	}
}

/** The pure form: all exchanges of a message sequence, the unanswered tail included. */
export function correlate(messages: Iterable<ObservedMessage>, options: CorrelateOptions = {}): ExchangeEvent[] {
	const correlator = new Correlator(options);
	const out: ExchangeEvent[] = [];
	for (const message of messages) out.push(...correlator.push(message));
	out.push(...correlator.flush());
	return out;
}

// The string-keyed correlator as it stood before the integer-keyed tables: the oracle the table tests compare with.
import {formatEndpoint, type Endpoint, type Transport} from '../../src/transport/endpoint.js';
import type {Message} from '../../src/wire/codec.js';
import {nameKey} from '../../src/wire/name.js';
import type {Attribution, ExchangeEvent, PairFlag} from '../../src/capture/events.js';
import {PairTracker, type PairHalf} from './gai-pairs-reference.js';
import {answerRecords, soaOf} from '../../src/capture/records.js';
import {TimeQueue} from '../../src/capture/time-queue.js';

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
const defaultMaxPending = 65536;

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

interface Pending extends PairHalf {
	readonly key: string;
	readonly idKey: string;
	readonly client: Endpoint;
	readonly server: Endpoint;
	readonly transport: Transport;
	readonly qname: string;
	last: number;
	retransmissions: number;
	readonly attribution: Attribution | null;
	/** Neighbours in deadline order (an intrusive list: removal from the middle costs nothing). */
	older: Pending | null;
	newer: Pending | null;
}

/** A finished exchange kept for the timeout's length, to recognise extra and late replies. */
interface Recent {
	readonly key: string;
	readonly until: number;
	readonly answered: boolean;
}

const noAttribution: Attribution = {pid: null, comm: null};
/** Table keys only (never shown): address, scope and port, unambiguous without formatting. */
const endpointKey = (e: Endpoint): string => `${e.address}%${e.scope ?? ''}|${e.port}`;
/** Transport and both endpoints: the id key and the pair tracker's socket key start with it. */
const socketsKey = (transport: Transport, client: Endpoint, server: Endpoint): string => `${transport}|${endpointKey(client)}|${endpointKey(server)}`;
/** The question's part of a table key, from its name already case-folded. */
const questionKey = (q: {type: string; class?: string}, folded: string): string => `${folded}|${q.type}|${q.class ?? 'IN'}`;

/**
 * The pairing state machine. Time is the packets' own: each message first expires what its timestamp
 * has passed, so a replay gives the same events as the live run did. `advance` lets a live capture
 * move time on when the wire is quiet; `flush` ends the capture.
 */
export class ReferenceCorrelator {
	readonly stats: CorrelateStats = {queries: 0, responses: 0, answered: 0, unanswered: 0, unsolicited: 0, retransmissions: 0, duplicateResponses: 0, lateResponses: 0, evicted: 0, pendingPeak: 0, pairs: 0, lostHalves: 0};
	/** Pending queries by key; their deadline order is the list from #oldest to #newest (a retransmission moves to the end). */
	readonly #pending = new Map<string, Pending>();
	#oldest: Pending | null = null;
	#newest: Pending | null = null;
	/** (transport, client, server, id) → pending keys: replies without a question match through this. */
	readonly #byId = new Map<string, string[]>();
	readonly #recent = new Map<string, Recent>();
	/** #recent's entries in the order they were remembered; an entry no longer in #recent is skipped. */
	readonly #recentOrder = new TimeQueue<Recent>();
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

	/** Takes one message; returns the exchanges it (and the time it brings) finished. */
	push(observed: ObservedMessage): ExchangeEvent[] {
		const out = this.advance(observed.time);
		if (observed.message.type === 'response') this.#response(observed, out);
		else this.#query(observed);
		return out;
	}

	/** Moves time on to `time` (never back): queries past their deadline become unanswered. */
	advance(time: number): ExchangeEvent[] {
		const out: ExchangeEvent[] = [];
		if (time <= this.#now) return out;
		this.#now = time;
		for (let pending = this.#oldest; pending !== null; pending = this.#oldest) {
			if (time - pending.last <= this.#timeoutMs) break;
			this.#finishUnanswered(pending.key, pending, 'timeout', out);
		}
		for (let recent = this.#recentOrder.peek(); recent !== undefined; recent = this.#recentOrder.peek()) {
			if (this.#recent.get(recent.key) !== recent) {
				this.#recentOrder.shift();
				continue;
			}
			if (recent.until >= time) break;
			this.#recent.delete(recent.key);
			this.#recentOrder.shift();
		}
		this.#pairs.sweep(time);
		return out;
	}

	/** The end of the capture: every query still waiting is reported unanswered. */
	flush(): ExchangeEvent[] {
		const out: ExchangeEvent[] = [];
		for (let pending = this.#oldest; pending !== null; pending = this.#oldest) this.#finishUnanswered(pending.key, pending, 'end-of-capture', out);
		this.#recent.clear();
		this.#recentOrder.clear();
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
		const sockets = socketsKey(observed.transport, client, server);
		const idKey = `${sockets}|${message.id}`;
		const folded = nameKey(question.name);
		const key = `${idKey}|${questionKey(question, folded)}`;
		const existing = this.#pending.get(key);
		if (existing !== undefined) {
			// The same question with the same id from the same socket: the client asked again.
			existing.retransmissions++;
			existing.last = observed.time;
			this.stats.retransmissions++;
			this.#unlink(existing);
			this.#link(existing);
			return;
		}
		if (this.#pending.size >= this.#maxPending) this.#evictOldest();
		const socketKey = `${sockets}|${folded}`;
		const pending: Pending = {
			key,
			idKey,
			socketKey,
			client,
			server,
			transport: observed.transport,
			id: message.id,
			qname: question.name,
			qtype: question.type,
			first: observed.time,
			last: observed.time,
			retransmissions: 0,
			attribution: this.#attribute?.(client, observed.transport) ?? null,
			pair: null,
			answered: null,
			older: null,
			newer: null,
		};
		this.#pending.set(key, pending);
		this.#link(pending);
		if (this.#pending.size > this.stats.pendingPeak) this.stats.pendingPeak = this.#pending.size;
		const ids = this.#byId.get(idKey);
		if (ids === undefined) this.#byId.set(idKey, [key]);
		else ids.push(key);
		this.#pairs.track(pending);
		this.stats.pairs = this.#pairs.pairs;
	}

	#response(observed: ObservedMessage, out: ExchangeEvent[]): void {
		const {message} = observed;
		this.stats.responses++;
		const client = observed.destination;
		const server = observed.source;
		const idKey = `${socketsKey(observed.transport, client, server)}|${message.id}`;
		const question = message.questions[0];
		let key = question === undefined ? `${idKey}|` : `${idKey}|${questionKey(question, nameKey(question.name))}`;
		if (question === undefined) {
			// A reply without a question (some FORMERR/SERVFAIL) matches on the id when it is unambiguous.
			const ids = this.#byId.get(idKey);
			if (ids !== undefined && ids.length === 1) key = ids[0] ?? key;
		}
		const pending = this.#pending.get(key);
		if (pending === undefined) {
			const recent = this.#recent.get(key);
			if (recent?.answered === true) this.stats.duplicateResponses++;
			else if (recent?.answered === false) this.stats.lateResponses++;
			else out.push(this.#unsolicited(observed));
			return;
		}
		this.#remove(pending);
		// The pending entry's key (equal text, already hashed), so the reply's own copy dies young.
		this.#remember({key: pending.key, until: observed.time + this.#timeoutMs, answered: true});
		this.stats.answered++;
		const rttMs = Math.round((observed.time - pending.first) * 1000) / 1000;
		const flags = {aa: message.flag_aa, tc: message.flag_tc, ad: message.flag_ad};
		out.push(this.#event(pending, 'answered', message.rcode, answerRecords(message.answers), rttMs, null, flags, soaOf(message.authorities), this.#settle(pending, true)));
	}

	#finishUnanswered(key: string, pending: Pending, endedBy: 'timeout' | 'end-of-capture', out: ExchangeEvent[]): void {
		this.#remove(pending);
		this.#remember({key, until: this.#now + this.#timeoutMs, answered: false});
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
			client: formatEndpoint(pending.client),
			server: formatEndpoint(pending.server),
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
			client: formatEndpoint(observed.destination),
			server: formatEndpoint(observed.source),
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
		this.#pending.delete(pending.key);
		this.#unlink(pending);
		const ids = this.#byId.get(pending.idKey);
		if (ids === undefined) return;
		const at = ids.indexOf(pending.key);
		if (at >= 0) ids.splice(at, 1);
		if (ids.length === 0) this.#byId.delete(pending.idKey);
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

	/** Keeps a finished exchange for the timeout's length, within the same bound as the pending table. */
	#remember(recent: Recent): void {
		this.#recent.delete(recent.key);
		if (this.#recent.size >= this.#maxPending) {
			for (let oldest = this.#recentOrder.shift(); oldest !== undefined; oldest = this.#recentOrder.shift()) {
				if (this.#recent.get(oldest.key) !== oldest) continue;
				this.#recent.delete(oldest.key);
				break;
			}
		}
		this.#recent.set(recent.key, recent);
		this.#recentOrder.push(recent);
	}

	#evictOldest(): void {
		const oldest = this.#oldest;
		if (oldest === null) return;
		this.#remove(oldest);
		this.stats.evicted++;
	}
}

/** The pure form: all exchanges of a message sequence, the unanswered tail included. */
export function correlateReference(messages: Iterable<ObservedMessage>, options: CorrelateOptions = {}): ExchangeEvent[] {
	const correlator = new ReferenceCorrelator(options);
	const out: ExchangeEvent[] = [];
	for (const message of messages) out.push(...correlator.push(message));
	out.push(...correlator.flush());
	return out;
}

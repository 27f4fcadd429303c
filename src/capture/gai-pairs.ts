// getaddrinfo A+AAAA pairs: the two queries glibc sends back to back from one socket, and which half got lost.
import type {Endpoint, Transport} from '../transport/endpoint.js';
import type {PairFlag} from './events.js';
import {sameCapturedEndpoint} from './exchange-table.js';
import {TimeQueue} from './time-queue.js';

/** What pairing reads of a query; the correlator's pending entries carry these fields. */
export interface PairHalf {
	/** Transport, client, server and the name case-folded: one socket asking about one name (scopes null and '' alike). */
	readonly transport: Transport;
	readonly client: Endpoint;
	readonly server: Endpoint;
	readonly folded: string;
	readonly id: number;
	readonly qtype: string;
	/** Capture time of the first transmission (ms). */
	readonly first: number;
	pair: Pair | null;
	/** Set when the exchange ends: replied or not (an evicted one stays null). */
	answered: boolean | null;
	/** The tracker's: this is the latest query of its socket and name still held (the sweep then needs no lookup). */
	lastOnSocket: boolean;
	/** The tracker's: the next query held in the same bucket of its table. */
	socketNext: PairHalf | null;
}

/** The two halves of one pair. */
export interface Pair {
	readonly halves: readonly [PairHalf, PairHalf];
}

const otherFamily = (qtype: string): string | null => (qtype === 'A' ? 'AAAA' : qtype === 'AAAA' ? 'A' : null);

/**
 * Sockets held per name. Decision: a bucket is walked per query, so a flood of one name from many
 * ports (~1,000 sockets within the window at 100k queries/s cost 5.6 µs a query, growing with the
 * rate) is cut to the newest 64; a pair from an older socket then goes unrecognised, nothing is
 * misreported. glibc's pairs come from one socket microseconds apart, far inside 64.
 */
const maxSocketsPerName = 64;

/** Drops a chain's queries from the tracker's hold (the sweep skips what is not lastOnSocket). */
function forget(chain: PairHalf | null): void {
	for (let q = chain; q !== null; ) {
		const next: PairHalf | null = q.socketNext;
		q.socketNext = null;
		q.lastOnSocket = false;
		q = next;
	}
}

/** One socket (the name is the bucket's), as the text key spelled it. */
const sameSocket = (a: PairHalf, b: PairHalf): boolean => a.transport === b.transport && sameCapturedEndpoint(a.client, b.client) && sameCapturedEndpoint(a.server, b.server);

/**
 * Recognises pairs and settles them. Decision: the partner is the other family's query that the same
 * socket sent last for the same name, at most `windowMs` earlier. That covers glibc's parallel pair
 * (microseconds apart), `single-request` on a fast cache (the A answered before the AAAA leaves), and
 * a second attempt (a new pair with new ids); `single-request-reopen` uses two sockets and is no pair.
 */
export class PairTracker {
	pairs = 0;
	lostHalves = 0;
	/**
	 * The latest A/AAAA query of each socket and name: by the folded name, the sockets that asked for
	 * it chained through socketNext. Decision: no text key (transport, endpoints and name joined) built
	 * and hashed per query; the name is the bucket because one socket asks for many names within the
	 * window (a bucket by ports alone held hundreds on a benchmark's few sockets), and few sockets one name.
	 */
	readonly #last = new Map<string, PairHalf>();
	/** #last's entries in the order they were set; one no longer in #last is skipped. */
	readonly #order = new TimeQueue<PairHalf>();
	readonly #windowMs: number;

	constructor(windowMs: number) {
		this.#windowMs = windowMs;
	}

	/** Takes a query's first transmission; pairs it with the partner just before it, if any. */
	track(query: PairHalf): void {
		const wanted = otherFamily(query.qtype);
		if (wanted === null) return;
		const name = query.folded;
		let previous = this.#last.get(name) ?? null;
		let walked = 0;
		while (previous !== null && !sameSocket(previous, query)) {
			if (++walked === maxSocketsPerName) {
				// A flood of one name from many sockets (the chain is newest first): the older ones go.
				forget(previous.socketNext);
				previous.socketNext = null;
			}
			previous = previous.socketNext;
		}
		if (previous !== null && previous.pair === null && previous.qtype === wanted && query.first - previous.first <= this.#windowMs) {
			// The first half may have ended already (a reply from a cache is fast); its outcome is kept on it.
			const pair: Pair = {halves: [previous, query]};
			previous.pair = pair;
			query.pair = pair;
			this.pairs++;
		}
		if (previous !== null) this.#remove(previous, name);
		query.socketNext = this.#last.get(name) ?? null;
		this.#last.set(name, query);
		query.lastOnSocket = true;
		this.#order.push(query);
	}

	/** Forgets queries too old to be a first half at time `now`. */
	sweep(now: number): void {
		for (let query = this.#order.peek(); query !== undefined; query = this.#order.peek()) {
			if (query.lastOnSocket) {
				if (now - query.first <= this.#windowMs) break;
				this.#remove(query, query.folded);
			}
			this.#order.shift();
		}
	}

	/** Takes a held query out of its bucket. */
	#remove(query: PairHalf, name: string): void {
		let previous: PairHalf | null = null;
		for (let q = this.#last.get(name) ?? null; q !== null; previous = q, q = q.socketNext) {
			if (q !== query) continue;
			if (previous !== null) previous.socketNext = query.socketNext;
			else if (query.socketNext === null) this.#last.delete(name);
			else this.#last.set(name, query.socketNext);
			break;
		}
		query.socketNext = null;
		query.lastOnSocket = false;
	}

	clear(): void {
		for (const head of this.#last.values()) forget(head);
		this.#last.clear();
		this.#order.clear();
	}

	/** Records how `half` ended; once both have, and exactly one got no reply, names the lost one. */
	settle(half: PairHalf, answered: boolean): PairFlag | null {
		half.answered = answered;
		const pair = half.pair;
		if (pair === null) return null;
		const [first, second] = pair.halves;
		if (first.answered === null || second.answered === null || first.answered === second.answered) return null;
		this.lostHalves++;
		return `${(first.answered ? second : first).qtype} lost` as PairFlag;
	}

	/** The other half of `half`'s pair, as an exchange event names it. */
	static partner(half: PairHalf): {id: number; qtype: string} | null {
		const other = half.pair?.halves.find((h) => h !== half);
		return other === undefined ? null : {id: other.id, qtype: other.qtype};
	}
}

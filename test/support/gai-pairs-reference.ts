// The getaddrinfo pair tracker as it stood before its sweep read a flag: the reference correlator's.
import type {PairFlag} from '../../src/capture/events.js';
import {TimeQueue} from '../../src/capture/time-queue.js';

/** What pairing reads of a query; the correlator's pending entries carry these fields. */
export interface PairHalf {
	/** Transport, client, server and name (case-folded): one socket asking about one name. */
	readonly socketKey: string;
	readonly id: number;
	readonly qtype: string;
	/** Capture time of the first transmission (ms). */
	readonly first: number;
	pair: Pair | null;
	/** Set when the exchange ends: replied or not (an evicted one stays null). */
	answered: boolean | null;
}

/** The two halves of one pair. */
export interface Pair {
	readonly halves: readonly [PairHalf, PairHalf];
}

const otherFamily = (qtype: string): string | null => (qtype === 'A' ? 'AAAA' : qtype === 'AAAA' ? 'A' : null);

/**
 * Recognises pairs and settles them. Decision: the partner is the other family's query that the same
 * socket sent last for the same name, at most `windowMs` earlier. That covers glibc's parallel pair
 * (microseconds apart), `single-request` on a fast cache (the A answered before the AAAA leaves), and
 * a second attempt (a new pair with new ids); `single-request-reopen` uses two sockets and is no pair.
 */
export class PairTracker {
	pairs = 0;
	lostHalves = 0;
	/** socketKey → the latest A/AAAA query there, in time order (so the sweep stops at the first fresh one). */
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
		const previous = this.#last.get(query.socketKey);
		if (previous !== undefined && previous.pair === null && previous.qtype === wanted && query.first - previous.first <= this.#windowMs) {
			// The first half may have ended already (a reply from a cache is fast); its outcome is kept on it.
			const pair: Pair = {halves: [previous, query]};
			previous.pair = pair;
			query.pair = pair;
			this.pairs++;
		}
		this.#last.set(query.socketKey, query);
		this.#order.push(query);
	}

	/** Forgets queries too old to be a first half at time `now`. */
	sweep(now: number): void {
		for (let query = this.#order.peek(); query !== undefined; query = this.#order.peek()) {
			if (this.#last.get(query.socketKey) === query) {
				if (now - query.first <= this.#windowMs) break;
				this.#last.delete(query.socketKey);
			}
			this.#order.shift();
		}
	}

	clear(): void {
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

// The capture view's state: a pure reducer over feed events, and the feed the CLI pushes them into.
import type {ExchangeEvent, NameEvent, SummaryEvent} from '../capture/events.js';
import {ipv6Ready} from '../report/capture-text.js';

/** What the CLI tells the view (exchanges come in batches, at most a few per second of frames). */
export type CaptureFeedEvent =
	| {readonly kind: 'open'; readonly source: string; readonly live: boolean; readonly filter: string | null; readonly linktype: string; readonly startedAt: number}
	| {readonly kind: 'exchanges'; readonly exchanges: readonly ExchangeEvent[]}
	/** The inventory so far (judged as at the end), replacing the previous one. */
	| {readonly kind: 'names'; readonly names: readonly NameEvent[]}
	| {readonly kind: 'tick'; readonly now: number; readonly drops: number}
	| {readonly kind: 'end'; readonly summary: SummaryEvent; readonly error: string | null};

export interface CaptureCounts {
	readonly queries: number;
	readonly a: number;
	readonly aaaa: number;
	readonly answered: number;
	readonly unanswered: number;
	readonly unsolicited: number;
}

export interface CaptureViewState {
	readonly source: string | null;
	readonly live: boolean;
	readonly filter: string | null;
	readonly linktype: string;
	readonly startedAt: number | null;
	/** The latest exchanges, oldest first (bounded: the screen shows the tail). */
	readonly exchanges: readonly ExchangeEvent[];
	readonly counts: CaptureCounts;
	/** Times of recent queries, for the rate. */
	readonly recent: readonly number[];
	readonly names: readonly NameEvent[];
	readonly drops: number;
	/** Latest time known: the wall clock live, packet time in a file. */
	readonly now: number;
	readonly summary: SummaryEvent | null;
	readonly error: string | null;
}

export const keptExchanges = 1000;
export const rateWindowMs = 10_000;

export const initialCaptureState: CaptureViewState = {
	source: null,
	live: false,
	filter: null,
	linktype: '',
	startedAt: null,
	exchanges: [],
	counts: {queries: 0, a: 0, aaaa: 0, answered: 0, unanswered: 0, unsolicited: 0},
	recent: [],
	names: [],
	drops: 0,
	now: 0,
	summary: null,
	error: null,
};

function addExchanges(state: CaptureViewState, list: readonly ExchangeEvent[]): CaptureViewState {
	let {queries, a, aaaa, answered, unanswered, unsolicited} = state.counts;
	let now = state.now;
	const recent = [...state.recent];
	for (const e of list) {
		now = Math.max(now, e.time);
		if (e.status === 'unsolicited') unsolicited++;
		else {
			queries++;
			recent.push(e.time);
			if (e.qtype === 'A') a++;
			if (e.qtype === 'AAAA') aaaa++;
			if (e.status === 'answered') answered++;
			else unanswered++;
		}
	}
	const exchanges = [...state.exchanges, ...list].slice(-keptExchanges);
	const startedAt = state.startedAt ?? list[0]?.time ?? null;
	return {...state, exchanges, now, startedAt, recent: recent.filter((t) => t > now - rateWindowMs), counts: {queries, a, aaaa, answered, unanswered, unsolicited}};
}

export function reduceCapture(state: CaptureViewState, event: CaptureFeedEvent): CaptureViewState {
	switch (event.kind) {
		case 'open':
			return {...state, source: event.source, live: event.live, filter: event.filter, linktype: event.linktype, startedAt: event.live ? event.startedAt : null, now: event.live ? event.startedAt : 0};
		case 'exchanges':
			return addExchanges(state, event.exchanges);
		case 'names':
			return {...state, names: event.names};
		case 'tick': {
			const now = Math.max(state.now, event.now);
			return {...state, now, drops: event.drops, recent: state.recent.filter((t) => t > now - rateWindowMs)};
		}
		case 'end':
			return {...state, summary: event.summary, error: event.error, drops: event.summary.pcapDrops};
	}
}

/** Queries per second over the last 10 s (or since the start, if shorter). */
export function queryRate(state: CaptureViewState): number {
	if (state.startedAt === null) return 0;
	const span = Math.min(rateWindowMs, Math.max(1000, state.now - state.startedAt));
	return (state.recent.filter((t) => t > state.now - rateWindowMs).length * 1000) / span;
}

export function readyShare(names: readonly NameEvent[]): {ready: number; judged: number} {
	return {ready: names.filter(ipv6Ready).length, judged: names.filter((n) => n.verdict !== null).length};
}

/** Case-insensitive substring on the question name (a name event's name). */
export const matchesFilter = (name: string | null, filter: string): boolean => filter === '' || (name ?? '').toLowerCase().includes(filter.toLowerCase());

/**
 * The feed from the CLI to the view. Events pushed before the view subscribes are kept and handed
 * over on subscription (the source opens before React has mounted).
 */
export class CaptureFeed {
	#queue: CaptureFeedEvent[] = [];
	#listener: ((event: CaptureFeedEvent) => void) | null = null;

	push(event: CaptureFeedEvent): void {
		if (this.#listener === null) this.#queue.push(event);
		else this.#listener(event);
	}

	subscribe(listener: (event: CaptureFeedEvent) => void): () => void {
		this.#listener = listener;
		const queued = this.#queue;
		this.#queue = [];
		for (const event of queued) listener(event);
		return () => {
			if (this.#listener === listener) this.#listener = null;
		};
	}
}

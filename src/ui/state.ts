// The Ink view's state: a pure reducer folding LookupEvents into what the screen shows. No React here.
import type {LookupEvent, RunSummary} from '../core/events.js';
import type {ResolverConfig} from '../resolve/resolv-conf.js';
import type {Family, FamilyOutcome} from '../resolve/types.js';
import type {HostResult} from '../core/host-result.js';
import type {Endpoint, Transport} from '../transport/endpoint.js';

/** Where one family of an unfinished host stands. */
export type FamilyPhase = 'idle' | 'in-flight' | 'done';

/** The last query sent for a family: what the spinner row says is being asked, and of whom. */
export interface SentQuery {
	readonly qname: string;
	readonly server: Endpoint;
	readonly transport: Transport;
}

/** One family of a host that has started and not finished. */
export interface FamilyProgress {
	readonly phase: FamilyPhase;
	/** Queries seen for this family so far (retries and chain follow-ups included). */
	readonly queries: number;
	readonly last: SentQuery | null;
	/** Set once the family is done, so the view can show it before the other family finishes. */
	readonly outcome: FamilyOutcome | null;
}

/** A host that has started and not yet reached host-done. */
export interface PendingHost {
	readonly index: number;
	/** Raw user text; escaped when shown. */
	readonly input: string;
	readonly families: Readonly<Record<Family, FamilyProgress>>;
}

export interface LookupViewState {
	/** From run-start; null until it arrives. */
	readonly config: ResolverConfig | null;
	/** Number of hosts the run was given. */
	readonly total: number;
	/** Address selection of the run (from run-start): stack name and where sources come from. */
	readonly selection: {readonly stack: string; readonly sources: string} | null;
	/** Started, unfinished hosts in input order (at most the run's concurrency). */
	readonly running: readonly PendingHost[];
	/** Finished hosts ready to print: a gap-free prefix of the input, so `finished[i].index === i`. */
	readonly finished: readonly HostResult[];
	/** Finished hosts waiting for an earlier one, sorted by index. */
	readonly waiting: readonly HostResult[];
	/** True once any query went out; tells "no reply from any server" apart from "nothing was sent". */
	readonly anySent: boolean;
	/** From run-end; null while the run goes on. */
	readonly summary: RunSummary | null;
}

export const initialState: LookupViewState = {
	config: null,
	total: 0,
	selection: null,
	running: [],
	finished: [],
	waiting: [],
	anySent: false,
	summary: null,
};

const idle: FamilyProgress = {phase: 'idle', queries: 0, last: null, outcome: null};

/** Hosts that have reached host-done, printed or not. */
export function doneCount(state: LookupViewState): number {
	return state.finished.length + state.waiting.length;
}

export function reduce(state: LookupViewState, event: LookupEvent): LookupViewState {
	switch (event.kind) {
		case 'run-start':
			return {...state, config: event.config, total: event.hosts.length, selection: {stack: event.stack, sources: event.sources}};
		case 'host-start': {
			if (isKnown(state, event.index)) return state;
			const host: PendingHost = {index: event.index, input: event.input, families: {A: idle, AAAA: idle}};
			return {...state, running: insertByIndex(state.running, host)};
		}
		case 'query-sent': {
			const {qname, server, transport} = event;
			const sent = state.anySent ? state : {...state, anySent: true};
			return updateFamily(sent, event.index, event.family, (f) => ({
				...f,
				phase: 'in-flight',
				queries: f.queries + 1,
				last: {qname, server, transport},
			}));
		}
		case 'family-done':
			return updateFamily(state, event.index, event.outcome.family, (f) => ({...f, phase: 'done', outcome: event.outcome}));
		case 'host-done':
			return hostDone(state, event.result);
		case 'run-end':
			return {...state, summary: event.summary};
	}
}

/** True when the host has finished already, or is running. Guards against a repeated event. */
function isKnown(state: LookupViewState, index: number): boolean {
	return (
		index < state.finished.length ||
		state.waiting.some((r) => r.index === index) ||
		state.running.some((h) => h.index === index)
	);
}

function insertByIndex<T extends {readonly index: number}>(list: readonly T[], item: T): T[] {
	// Hosts start in input order, so this is nearly always an append.
	let at = list.length;
	while (at > 0 && (list[at - 1]?.index ?? -1) > item.index) at--;
	return [...list.slice(0, at), item, ...list.slice(at)];
}

function updateFamily(
	state: LookupViewState,
	index: number,
	family: Family,
	update: (progress: FamilyProgress) => FamilyProgress,
): LookupViewState {
	const at = state.running.findIndex((h) => h.index === index);
	const host = state.running[at];
	// An event for a host we never saw start (or that already finished) changes no host on screen.
	if (host === undefined) return state;
	const next: PendingHost = {...host, families: {...host.families, [family]: update(host.families[family])}};
	return {...state, running: state.running.map((h, i) => (i === at ? next : h))};
}

/**
 * Moves a host from running to finished. Hosts finish out of order under concurrency; the output must
 * not, so a host waits until every earlier host is finished, exactly like the plain-text writer.
 */
function hostDone(state: LookupViewState, result: HostResult): LookupViewState {
	if (result.index < state.finished.length || state.waiting.some((r) => r.index === result.index)) return state;
	const running = state.running.filter((h) => h.index !== result.index);
	const waiting = insertByIndex(state.waiting, result);
	let ready = 0;
	while (waiting[ready]?.index === state.finished.length + ready) ready++;
	if (ready === 0) return {...state, running, waiting};
	return {...state, running, finished: [...state.finished, ...waiting.slice(0, ready)], waiting: waiting.slice(ready)};
}

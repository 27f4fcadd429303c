// The per-name inventory of a capture: what was asked and answered, the chain, and a verdict from the observed answers.
import {walkChain, maxChainHops} from '../resolve/chain.js';
import {discoverPrefixes, ipv4onlyName, wellKnownPrefix, type Nat64Prefix} from '../resolve/dns64.js';
import type {AddressRecord, ChainLink, Family, FamilyOutcome, LookupProblem, OtherRecord, SoaRecord, Status, Verdict} from '../resolve/types.js';
import {describeRule} from '../select/rfc6724.js';
import {selectFromSources, selectionDestinations, sourcesNow, type Selection, type SelectionSettings} from './selection.js';
import type {SourceInfo} from '../select/types.js';
import {judge} from './verdict.js';
import {nameKey} from '../wire/name.js';
import type {Attribution, ExchangeEvent, NameEvent, ObservedFamily} from '../capture/events.js';
import type {AnswerRecord} from '../capture/records.js';

export interface InventoryOptions {
	/** RFC 6724 ordering with the kernel's or a what-if's sources; null judges from DNS alone. */
	readonly selection: SelectionSettings | null;
	/** resolv.conf `options no-aaaa` on this host. */
	readonly noAaaa?: boolean;
	/** NAT64 prefixes known besides the Well-Known Prefix and those seen in ipv4only.arpa answers. */
	readonly nat64?: readonly Nat64Prefix[];
	/**
	 * Nothing more will be added (the capture has ended): judgeAll judges every name once, as it writes
	 * it, asking for Source(D) a chunk of names at a time.
	 */
	readonly final?: boolean;
	/** The output's backpressure: on the final path, a promise to wait for before the next chunk's records, or null. */
	readonly ready?: () => Promise<void> | null;
}

/** The reply a family is judged by, as #judgeFamily reads it (made from a FamilyState when judged). */
interface Reply {
	readonly qname: string;
	readonly rcode: string;
	readonly answers: readonly AnswerRecord[];
	readonly soa: SoaRecord | null;
}

/**
 * One family of a name: its counts and the reply it is judged by, kept flat. Decision: every name
 * outlives the packet path (it is copied by the young GC, then promoted), so a family keeps what the
 * judgement reads and no more: no Reply object, the qname as the name's own string when equal, a
 * shared empty answer list, an interned SOA, and the usual single address record as its data alone
 * (rebuilt, equal field for field, when judged). That was ~half of what the young GC copied.
 */
interface FamilyState {
	asked: number;
	answered: number;
	unanswered: number;
	/** The judged reply's RCODE; null until a reply is kept. */
	rcode: string | null;
	qname: string;
	/** The reply's answers, or the data of its one record when that record is of this family and named exactly qname. */
	answers: readonly AnswerRecord[] | string;
	/** That one record's TTL (unused for a list). */
	ttl: number;
	soa: SoaRecord | null;
	tc: boolean;
}

interface NameState {
	readonly name: string;
	count: number;
	lastSeen: number;
	readonly a: FamilyState;
	readonly aaaa: FamilyState;
	/** Null until a process is seen (replays have none): an empty Map per name was ~15 MB for 100k names. */
	processes: Map<string, Attribution> | null;
}

/** A name as the native capture lane hands it over. */
export interface RestoredName {
	readonly name: string;
	readonly count: number;
	readonly lastSeen: number;
	readonly a: RestoredFamily;
	readonly aaaa: RestoredFamily;
}

/** Names held outside an Inventory (Inventory.fromStore), by key and in first-seen order. */
export interface NameStore {
	readonly size: number;
	/** The name with this key (case-folded), or undefined. */
	get(key: string): RestoredName | undefined;
	/** Names start… in first-seen order, at most `count`. */
	range(start: number, count: number): RestoredName[];
	/**
	 * A judge that writes the records of the names whose shape it knows itself, in order with those
	 * handed to judgeAll's onRecord (the native lane's, capture-live/native-judge.ts); null where it does
	 * not apply. Only the final judgement asks for it.
	 */
	native?(context: {readonly selection: SelectionSettings | null; readonly nat64: readonly Nat64Prefix[]; readonly noAaaa: boolean}): StoreJudge | null;
}

/** NameStore.native's judge. */
export interface StoreJudge {
	/** Judges and writes names from `start` (at most `count`); 0 when the first is left to judgeAll. */
	judge(start: number, count: number): number;
	/** How many names from `start` (which is left to judgeAll) are left to it, one after the other, at most `count`. */
	foreign(start: number, count: number): number;
}

/** One family as the native capture lane hands it over: its counts, then nothing more, or the reply it is judged by. */
export type RestoredFamily =
	| readonly [asked: number, answered: number, unanswered: number, rcode: null]
	| readonly [asked: number, answered: number, unanswered: number, rcode: string, qname: string, tc: boolean, answers: readonly AnswerRecord[], soa: SoaRecord | null];

/** A family's outcome as a lookup would have reported it, or why there is none. */
type Judged = {readonly outcome: FamilyOutcome} | {readonly outcome: null; readonly why: string};

/** A name with both families judged, and the destinations its verdict's address selection reads (none: no selection). */
interface JudgedName {
	readonly state: NameState;
	readonly a: Judged;
	readonly aaaa: Judged;
	readonly destinations: readonly string[];
}

const emptyFamily = (): FamilyState => ({asked: 0, answered: 0, unanswered: 0, rcode: null, qname: '', answers: noAnswers, ttl: 0, soa: null, tc: false});
const noAnswers: readonly AnswerRecord[] = Object.freeze([]);
const noDestinations: readonly string[] = Object.freeze([]);
/** Shared empty lists of an outcome (read-only, as every outcome's lists are). */
const noLinks: readonly ChainLink[] = [];
const noAddressRecords: readonly AddressRecord[] = [];
const noOtherRecords: readonly OtherRecord[] = [];

/** The reply a family keeps, as it was added (null when none was). */
function replyOf(f: FamilyState, family: Family): Reply | null {
	if (f.rcode === null) return null;
	const answers = typeof f.answers === 'string' ? [{name: f.qname, type: family, ttl: f.ttl, data: f.answers}] : f.answers;
	return {qname: f.qname, rcode: f.rcode, answers, soa: f.soa};
}

/**
 * Names judged between two asks for Source(D) at the end of a capture (judgeAll's final path). Small:
 * a chunk's judgements live until its records are written, and what young collections find alive is
 * promoted. On the bench's 400k-packet file 2,048 cost +0.65 s of GC, and 256 left the peak RSS at
 * ~340 MB in most runs (~240 MB before chunks); 64: ~240 MB in 10 runs of 10, the same CPU.
 */
const finalChunk = 64;

/** SOA records seen lately, so the names that share one (a zone's NODATA replies) keep one object. */
const soaCacheSize = 8;

/** The same SOA, field for field (records are plain data, never changed). */
const sameSoa = (a: SoaRecord, b: SoaRecord): boolean =>
	a.ttl === b.ttl && a.serial === b.serial && a.name === b.name && a.mname === b.mname && a.rname === b.rname && a.refresh === b.refresh && a.retry === b.retry && a.expire === b.expire && a.minimum === b.minimum;

/**
 * Folds exchanges into names. Decision: only A and AAAA exchanges count (the inventory answers "which
 * names does this host reach over IPv6"); a truncated reply is used only until a complete one comes.
 */
export class Inventory {
	readonly #names = new Map<string, NameState>();
	readonly #soas: SoaRecord[] = [];
	#soaNext = 0;
	/** The name the last exchange was added to. */
	#last: NameState | undefined = undefined;
	/** Exchanges added so far: judgeAll tells by it whether anything changed while the probes ran. */
	#adds = 0;

	get size(): number {
		return this.#store?.size ?? this.#names.size;
	}

	add(exchange: ExchangeEvent): void {
		const family = exchange.qtype === 'A' ? 'a' : exchange.qtype === 'AAAA' ? 'aaaa' : null;
		if (family === null || exchange.qname === null) return;
		const key = nameKey(exchange.qname);
		// A name's A and AAAA exchanges mostly come one after the other (a stub asks both at once): the
		// last name spares the lookup in a map of every name seen, a few cache misses each.
		let state = this.#last !== undefined && this.#last.name === key ? this.#last : this.#names.get(key);
		if (state === undefined) {
			state = {name: key, count: 0, lastSeen: exchange.time, a: emptyFamily(), aaaa: emptyFamily(), processes: null};
			this.#names.set(key, state);
		}
		this.#last = state;
		state.count++;
		this.#adds++;
		state.lastSeen = Math.max(state.lastSeen, exchange.time);
		if (exchange.pid !== null || exchange.comm !== null) (state.processes ??= new Map()).set(`${exchange.pid}|${exchange.comm}`, {pid: exchange.pid, comm: exchange.comm});
		const f = state[family];
		if (exchange.status !== 'unsolicited') f.asked++;
		if (exchange.status === 'unanswered') {
			f.unanswered++;
			return;
		}
		f.answered++;
		const tc = exchange.flags?.tc === true;
		if (tc && f.rcode !== null && !f.tc) return;
		// The qname is most often the name's own text (the key): then the exchange's copy dies young.
		const qname = exchange.qname === state.name ? state.name : exchange.qname;
		const answers = exchange.answers;
		const one = answers.length === 1 ? answers[0] : undefined;
		f.rcode = exchange.rcode ?? 'NOERROR';
		f.qname = qname;
		if (one !== undefined && one.type === exchange.qtype && one.name === qname) {
			f.answers = one.data;
			f.ttl = one.ttl;
		} else {
			f.answers = answers.length === 0 ? noAnswers : answers;
			f.ttl = 0;
		}
		f.soa = exchange.soa === null ? null : this.#internSoa(exchange.soa);
		f.tc = tc;
	}

	/**
	 * An inventory whose names another store holds (the native capture lane's, capture-live/native-lane.ts:
	 * native/lane-correlate.c folds the same exchanges by add's rules). Only its final judgement is asked
	 * for (judgeAll with `final`); names are read from the store a chunk at a time, so 100k names are never
	 * all held as objects here (that cost ~0.25 s of allocation and the GC's promoting them).
	 */
	static fromStore(store: NameStore): Inventory {
		const inventory = new Inventory();
		inventory.#store = store;
		return inventory;
	}

	#store: NameStore | null = null;

	/** The name with this key, from the map or the store. */
	#lookup(key: string): NameState | undefined {
		if (this.#store === null) return this.#names.get(key);
		const found = this.#store.get(key);
		return found === undefined ? undefined : this.#restored(found);
	}

	/** Names start… in first-seen order, at most `count`. */
	#range(start: number, count: number, all: readonly NameState[] | null): NameState[] {
		if (all !== null) return all.slice(start, start + count);
		return (this.#store as NameStore).range(start, count).map((name) => this.#restored(name));
	}

	/** A stored name as add would have kept it. */
	#restored(name: RestoredName): NameState {
		const state: NameState = {name: name.name, count: name.count, lastSeen: name.lastSeen, a: emptyFamily(), aaaa: emptyFamily(), processes: null};
		this.#restoreFamily(state, state.a, 'A', name.a);
		this.#restoreFamily(state, state.aaaa, 'AAAA', name.aaaa);
		return state;
	}

	#restoreFamily(state: NameState, f: FamilyState, family: Family, restored: RestoredFamily): void {
		f.asked = restored[0];
		f.answered = restored[1];
		f.unanswered = restored[2];
		if (restored[3] === null) return;
		const [, , , rcode, qname, tc, answers, soa] = restored;
		const one = answers.length === 1 ? answers[0] : undefined;
		f.rcode = rcode;
		f.qname = qname === state.name ? state.name : qname;
		if (one !== undefined && one.type === family && one.name === qname) {
			f.answers = one.data;
			f.ttl = one.ttl;
		} else f.answers = answers.length === 0 ? noAnswers : answers;
		f.soa = soa === null ? null : this.#internSoa(soa);
		f.tc = tc;
	}

	/** A recent SOA equal to `soa`, or `soa` itself (then remembered, the oldest forgotten). */
	#internSoa(soa: SoaRecord): SoaRecord {
		const cache = this.#soas;
		for (let i = 0; i < cache.length; i++) {
			const seen = cache[i] as SoaRecord;
			if (seen === soa || sameSoa(seen, soa)) return seen;
		}
		if (cache.length < soaCacheSize) cache.push(soa);
		else cache[this.#soaNext++ % soaCacheSize] = soa;
		return soa;
	}

	/** One `name` record per name, in first-seen order, judged with `options`. */
	async records(options: InventoryOptions): Promise<NameEvent[]> {
		const records: NameEvent[] = [];
		await this.judgeAll(options, (record) => records.push(record));
		return records;
	}

	/**
	 * Judges every name in first-seen order and hands each record to `onRecord` as it is made, so a
	 * caller that writes them out keeps none. Decision: the families are judged first and every
	 * destination whose Source(D) a verdict reads is asked for in one batch (each once: CDN addresses
	 * recur across names); the selections then run synchronously on that map, one await in all.
	 */
	async judgeAll(options: InventoryOptions, onRecord: (record: NameEvent) => void): Promise<void> {
		const nat64 = this.#nat64(options.nat64 ?? []);
		const noAaaa = options.noAaaa ?? false;
		const settings = options.selection;
		// Decision: the judgements are not held across the probes' await (100k names' two family outcomes,
		// chains and address lists were most of what the young GC promoted at the end): the first pass
		// keeps each name's destinations, and the records are made from a second judgement of the same
		// state, which is the same judgement. If anything was added in between (a live capture goes on
		// during the await), every name is judged again — a name's outcome can read another name's reply
		// (a chain's tail) — and any destination not yet asked for is asked for first. The names are those
		// known when judging began; one first seen during the await is in the next judgement.
		const selecting = settings !== null;
		const atOnce = settings === null || settings.sources.nowMany !== undefined || settings.sources.known !== undefined;
		if (options.final === true && atOnce) {
			// Decision: at the end of a capture nothing can change under the judgements, so each name is
			// judged once and written: the names go in chunks, each chunk's new destinations are asked for in
			// one call (the addon's route lookups take them 32 a system call; the what-if map's `known`), and
			// only a chunk's judgements are held until its records are made. Records stay in first-seen order.
			// A provider that can answer nothing at once (no addon: node:dgram probes, a socket each lane
			// and call) takes the two passes below, around one batch of probes, instead of one a chunk.
			const sources = new Map<string, SourceInfo | null>();
			const all = this.#store === null ? [...this.#names.values()] : null;
			const total = this.size;
			const native = this.#store?.native?.({selection: settings, nat64, noAaaa}) ?? null;
			for (let start = 0; start < total; ) {
				if (native !== null) {
					// The store's judge writes what it can (its records in order with ours); the names it leaves
					// come here, a run of them at a time.
					const n = native.judge(start, total - start);
					if (n > 0) {
						start += n;
						const wait = options.ready?.();
						if (wait != null) await wait;
						continue;
					}
				}
				const count = native === null ? finalChunk : native.foreign(start, finalChunk);
				const judged: JudgedName[] = [];
				const asked: string[] = [];
				for (const state of this.#range(start, count, all)) {
					const name = this.#judgeName(state, selecting);
					judged.push(name);
					for (const d of name.destinations) {
						if (sources.has(d)) continue;
						// A place held (never read before the answer): each destination is asked for once.
						sources.set(d, null);
						asked.push(d);
					}
				}
				if (settings !== null && asked.length > 0) {
					// At once where the provider can (the addon's route lookups, a what-if map); the rest awaited.
					const answers = sourcesNow(settings.sources, asked);
					const missing = answers === undefined ? asked : asked.filter((d, i) => answers[i] === undefined);
					if (answers !== undefined) asked.forEach((d, i) => sources.set(d, answers[i] ?? null));
					if (missing.length > 0) {
						const found = await settings.sources(missing);
						for (const d of missing) sources.set(d, found.get(d) ?? null);
					}
				}
				for (const name of judged) onRecord(this.#record(name, nat64, settings, sources, noAaaa));
				start += count;
				const wait = options.ready?.();
				if (wait != null) await wait;
			}
			return;
		}
		if (this.#store !== null) throw new Error('an inventory read from a store is judged once, at the end (final)');
		const states: NameState[] = [];
		const destinations: (readonly string[])[] = [];
		const wanted = new Set<string>();
		const adds = this.#adds;
		for (const state of this.#names.values()) {
			const name = this.#judgeName(state, selecting);
			for (const d of name.destinations) wanted.add(d);
			states.push(state);
			destinations.push(name.destinations);
		}
		const sources = new Map<string, SourceInfo | null>();
		const ask = async (list: readonly string[]): Promise<void> => {
			if (settings === null || list.length === 0) return;
			const found = await settings.sources(list);
			// Every destination is in the map (null when the provider gave none), as each name's own ask had it.
			for (const d of list) sources.set(d, found.get(d) ?? null);
		};
		await ask([...wanted]);
		const changed = new Map<number, JudgedName>();
		const missing = new Set<string>();
		const moved = this.#adds !== adds;
		for (let i = 0; moved && i < states.length; i++) {
			const name = this.#judgeName(states[i] as NameState, selecting);
			changed.set(i, name);
			for (const d of name.destinations) if (!sources.has(d)) missing.add(d);
		}
		if (missing.size > 0) await ask([...missing]);
		for (let i = 0; i < states.length; i++) {
			const name = changed.get(i) ?? this.#judgeName(states[i] as NameState, false, destinations[i] as readonly string[]);
			onRecord(this.#record(name, nat64, settings, sources, noAaaa));
		}
	}

	/** NAT64 prefixes: the Well-Known one, the given ones, and RFC 7050 discovery from observed ipv4only.arpa AAAA answers. */
	#nat64(given: readonly Nat64Prefix[]): Nat64Prefix[] {
		const ipv4only = this.#lookup(ipv4onlyName);
		const seen = ipv4only === undefined ? [] : (replyOf(ipv4only.aaaa, 'AAAA')?.answers ?? []);
		const found = discoverPrefixes(seen.filter((rr) => rr.type === 'AAAA').map((rr) => rr.data));
		const all = new Map<string, Nat64Prefix>();
		for (const p of [wellKnownPrefix, ...given, ...found]) all.set(`${p.prefix}/${p.length}`, p);
		return [...all.values()];
	}

	/** Both families judged, and the destinations the verdict's selection reads (`known`: found by an earlier judgement of the same state). */
	#judgeName(state: NameState, selecting: boolean, known: readonly string[] = noDestinations): JudgedName {
		const a = this.#judgeFamily(state, 'A');
		const aaaa = this.#judgeFamily(state, 'AAAA');
		let destinations = known;
		if (selecting && a.outcome !== null && aaaa.outcome !== null && (a.outcome.addresses.length > 0 || aaaa.outcome.addresses.length > 0)) {
			// Decision: without AAAA addresses the verdict never reads the selection, and a single destination
			// sorts to itself whatever its source, so no source is asked for: exact, and it spares a kernel
			// probe per name (100k names of one A each cost seconds of connect() calls).
			const only = a.outcome.addresses[0]?.address;
			const single = aaaa.outcome.addresses.length === 0 && a.outcome.addresses.every((r) => r.address === only);
			if (!single) destinations = selectionDestinations(a.outcome, aaaa.outcome);
		}
		return {state, a, aaaa, destinations};
	}

	#record(name: JudgedName, nat64: readonly Nat64Prefix[], settings: SelectionSettings | null, sources: ReadonlyMap<string, SourceInfo | null>, noAaaa: boolean): NameEvent {
		const {state, a, aaaa} = name;
		const chain = aaaa.outcome !== null && aaaa.outcome.chain.length > 0 ? aaaa.outcome.chain : (a.outcome?.chain ?? []);
		// One object literal in the contract's key order (spreading three partial objects was the costliest part of a record).
		const event = (verdict: Verdict | null, reason: string, chosen: string | null): NameEvent => ({
			kind: 'name',
			name: state.name,
			count: state.count,
			lastSeen: state.lastSeen,
			chain,
			processes: state.processes === null ? [] : [...state.processes.values()],
			a: observed(state.a, a),
			aaaa: observed(state.aaaa, aaaa),
			verdict,
			reason,
			chosen,
		});
		if (a.outcome === null || aaaa.outcome === null) {
			const why = a.outcome === null ? `A: ${a.why}` : aaaa.outcome === null ? `AAAA: ${aaaa.why}` : '';
			return event(null, `not judged: ${why}`, null);
		}
		const finish = (selection: Selection | null, chosen: string | null): NameEvent => {
			const judged = judge(a.outcome, aaaa.outcome, {selection, noAaaa, describeRule});
			return event(judged.verdict, judged.reason, chosen);
		};
		if (settings === null || (a.outcome.addresses.length === 0 && aaaa.outcome.addresses.length === 0)) return finish(null, null);
		if (name.destinations.length === 0) return finish(null, a.outcome.addresses[0]?.address ?? null);
		const selection = selectFromSources(name.destinations, sources, aaaa.outcome.addresses.length > 0 ? nat64 : [], settings);
		return finish(selection, selection.chosen);
	}

	/**
	 * The family's outcome from its latest reply, read as resolve/family.ts reads a reply. A chain that
	 * stops without an SOA is followed through the replies observed for its tail (a stub asking the
	 * tail itself, or a resolver asking an authoritative server), never by asking again.
	 */
	#judgeFamily(state: NameState, family: Family): Judged {
		const f = family === 'A' ? state.a : state.aaaa;
		const latest = replyOf(f, family);
		if (latest === null) {
			if (f.unanswered > 0) return {outcome: outcome(family, state.name, 'TIMEOUT', noLinks, f, noAddressRecords, null, {kind: 'timeout', tries: f.unanswered})};
			return {outcome: null, why: 'never asked'};
		}
		const chain: ChainLink[] = [];
		let reply: Reply = latest;
		let tail = reply.qname;
		for (;;) {
			const walk = walkChain(reply.answers, tail, family, chain);
			chain.push(...walk.chain);
			if (walk.end === 'loop') return {outcome: outcome(family, state.name, 'ERROR', chain, f, noAddressRecords, null, {kind: 'cname-loop', at: walk.tail})};
			if (walk.end === 'too-long') return {outcome: outcome(family, state.name, 'ERROR', chain, f, noAddressRecords, null, {kind: 'chain-too-long', hops: chain.length})};
			const rcode = reply.rcode;
			if (rcode === 'NXDOMAIN') return {outcome: outcome(family, state.name, 'NXDOMAIN', chain, f, noAddressRecords, reply.soa, null)};
			if (rcode === 'SERVFAIL' || rcode === 'REFUSED') return {outcome: outcome(family, state.name, rcode, chain, f, noAddressRecords, null, null)};
			if (rcode !== 'NOERROR') return {outcome: outcome(family, state.name, 'ERROR', chain, f, noAddressRecords, null, {kind: 'rcode', rcode})};
			if (walk.end === 'addresses') {
				return {outcome: outcome(family, state.name, 'NOERROR', chain, f, walk.addresses, null, null)};
			}
			if (reply.soa !== null || walk.chain.length === 0) return {outcome: outcome(family, state.name, 'NODATA', chain, f, noAddressRecords, reply.soa, null)};
			// RFC 2308 §2.2 read as family.ts does: no SOA after a moving chain means "ask the tail".
			const next = this.#lookup(nameKey(walk.tail));
			const tailReply = next === undefined ? null : replyOf(family === 'A' ? next.a : next.aaaa, family);
			if (tailReply === null || chain.length >= maxChainHops) return {outcome: null, why: `the chain stops at ${walk.tail}, whose ${family} was not seen answered`};
			reply = tailReply;
			tail = walk.tail;
		}
	}
}

/**
 * The outcome replylessOutcome would make, with the addresses, SOA and problem in place. Decision: one
 * literal, not replylessOutcome's object spread with the extra fields over it (two objects, three fresh
 * lists and a megamorphic copy per family of 100k names); the chain is the judgement's own list, made
 * for this outcome and never changed after it, so it is not copied.
 */
function outcome(family: Family, qname: string, status: Status, chain: readonly ChainLink[], f: FamilyState, addresses: readonly AddressRecord[], soa: SoaRecord | null, problem: LookupProblem | null): FamilyOutcome {
	return {family, status, qname, chain, addresses, soa, otherRecords: noOtherRecords, server: null, transport: null, rttMs: null, queries: f.asked, mismatched: 0, flags: null, problem};
}

function observed(f: FamilyState, judged: Judged): ObservedFamily {
	return {
		asked: f.asked,
		answered: f.answered,
		unanswered: f.unanswered,
		status: judged.outcome?.status ?? null,
		addresses: judged.outcome?.addresses.map((r) => r.address) ?? [],
		chain: judged.outcome?.chain ?? [],
	};
}

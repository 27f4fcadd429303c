// A frozen copy of the capture inventory before it kept replies compactly: the oracle for test/unit/capture-inventory-compact.test.ts.
import {walkChain, maxChainHops} from '../../src/resolve/chain.js';
import {discoverPrefixes, ipv4onlyName, wellKnownPrefix, type Nat64Prefix} from '../../src/resolve/dns64.js';
import {replylessOutcome} from '../../src/resolve/family.js';
import type {ChainLink, Family, FamilyOutcome, SoaRecord, Status, Verdict} from '../../src/resolve/types.js';
import {describeRule} from '../../src/select/rfc6724.js';
import {selectFromSources, selectionDestinations, type Selection, type SelectionSettings} from '../../src/core/selection.js';
import type {SourceInfo} from '../../src/select/types.js';
import {judge} from '../../src/core/verdict.js';
import {nameKey} from '../../src/wire/name.js';
import type {Attribution, ExchangeEvent, NameEvent, ObservedFamily} from '../../src/capture/events.js';
import type {AnswerRecord} from '../../src/capture/records.js';

export interface InventoryOptions {
	/** RFC 6724 ordering with the kernel's or a what-if's sources; null judges from DNS alone. */
	readonly selection: SelectionSettings | null;
	/** resolv.conf `options no-aaaa` on this host. */
	readonly noAaaa?: boolean;
	/** NAT64 prefixes known besides the Well-Known Prefix and those seen in ipv4only.arpa answers. */
	readonly nat64?: readonly Nat64Prefix[];
}

/** The reply a family is judged by. */
interface Reply {
	readonly qname: string;
	readonly rcode: string;
	readonly answers: readonly AnswerRecord[];
	readonly soa: SoaRecord | null;
	readonly tc: boolean;
}

interface FamilyState {
	asked: number;
	answered: number;
	unanswered: number;
	latest: Reply | null;
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

/** A family's outcome as a lookup would have reported it, or why there is none. */
type Judged = {readonly outcome: FamilyOutcome} | {readonly outcome: null; readonly why: string};

/** A name with both families judged, and the destinations its verdict's address selection reads (none: no selection). */
interface JudgedName {
	readonly state: NameState;
	readonly a: Judged;
	readonly aaaa: Judged;
	readonly destinations: readonly string[];
}

const emptyFamily = (): FamilyState => ({asked: 0, answered: 0, unanswered: 0, latest: null});

/**
 * Folds exchanges into names. Decision: only A and AAAA exchanges count (the inventory answers "which
 * names does this host reach over IPv6"); a truncated reply is used only until a complete one comes.
 */
export class ReferenceInventory {
	readonly #names = new Map<string, NameState>();

	get size(): number {
		return this.#names.size;
	}

	add(exchange: ExchangeEvent): void {
		const family = exchange.qtype === 'A' ? 'a' : exchange.qtype === 'AAAA' ? 'aaaa' : null;
		if (family === null || exchange.qname === null) return;
		const key = nameKey(exchange.qname);
		let state = this.#names.get(key);
		if (state === undefined) {
			state = {name: key, count: 0, lastSeen: exchange.time, a: emptyFamily(), aaaa: emptyFamily(), processes: null};
			this.#names.set(key, state);
		}
		state.count++;
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
		if (tc && f.latest !== null && !f.latest.tc) return;
		f.latest = {qname: exchange.qname, rcode: exchange.rcode ?? 'NOERROR', answers: exchange.answers, soa: exchange.soa, tc};
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
		const judged: JudgedName[] = [];
		const wanted = new Set<string>();
		for (const state of this.#names.values()) {
			const name = this.#judgeName(state, settings !== null);
			for (const d of name.destinations) wanted.add(d);
			judged.push(name);
		}
		const sources = new Map<string, SourceInfo | null>();
		if (settings !== null && wanted.size > 0) {
			const list = [...wanted];
			const found = await settings.sources(list);
			// Every destination is in the map (null when the provider gave none), as each name's own ask had it.
			for (const d of list) sources.set(d, found.get(d) ?? null);
		}
		for (const name of judged) onRecord(this.#record(name, nat64, settings, sources, noAaaa));
	}

	/** NAT64 prefixes: the Well-Known one, the given ones, and RFC 7050 discovery from observed ipv4only.arpa AAAA answers. */
	#nat64(given: readonly Nat64Prefix[]): Nat64Prefix[] {
		const seen = this.#names.get(ipv4onlyName)?.aaaa.latest?.answers ?? [];
		const found = discoverPrefixes(seen.filter((rr) => rr.type === 'AAAA').map((rr) => rr.data));
		const all = new Map<string, Nat64Prefix>();
		for (const p of [wellKnownPrefix, ...given, ...found]) all.set(`${p.prefix}/${p.length}`, p);
		return [...all.values()];
	}

	/** Both families judged, and whether the verdict reads an address selection. */
	#judgeName(state: NameState, selecting: boolean): JudgedName {
		const a = this.#judgeFamily(state, 'A');
		const aaaa = this.#judgeFamily(state, 'AAAA');
		let destinations: readonly string[] = [];
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
		if (f.latest === null) {
			if (f.unanswered > 0) return {outcome: outcome(family, state.name, 'TIMEOUT', [], f, {problem: {kind: 'timeout', tries: f.unanswered}})};
			return {outcome: null, why: 'never asked'};
		}
		const chain: ChainLink[] = [];
		let reply: Reply = f.latest;
		let tail = reply.qname;
		for (;;) {
			const walk = walkChain(reply.answers, tail, family, chain);
			chain.push(...walk.chain);
			if (walk.end === 'loop') return {outcome: outcome(family, state.name, 'ERROR', chain, f, {problem: {kind: 'cname-loop', at: walk.tail}})};
			if (walk.end === 'too-long') return {outcome: outcome(family, state.name, 'ERROR', chain, f, {problem: {kind: 'chain-too-long', hops: chain.length}})};
			const rcode = reply.rcode;
			if (rcode === 'NXDOMAIN') return {outcome: outcome(family, state.name, 'NXDOMAIN', chain, f, {soa: reply.soa})};
			if (rcode === 'SERVFAIL' || rcode === 'REFUSED') return {outcome: outcome(family, state.name, rcode, chain, f)};
			if (rcode !== 'NOERROR') return {outcome: outcome(family, state.name, 'ERROR', chain, f, {problem: {kind: 'rcode', rcode}})};
			if (walk.end === 'addresses') {
				return {outcome: outcome(family, state.name, 'NOERROR', chain, f, {addresses: walk.addresses})};
			}
			if (reply.soa !== null || walk.chain.length === 0) return {outcome: outcome(family, state.name, 'NODATA', chain, f, {soa: reply.soa})};
			// RFC 2308 §2.2 read as family.ts does: no SOA after a moving chain means "ask the tail".
			const next = this.#names.get(nameKey(walk.tail));
			const tailReply = next === undefined ? null : family === 'A' ? next.a.latest : next.aaaa.latest;
			if (tailReply === null || chain.length >= maxChainHops) return {outcome: null, why: `the chain stops at ${walk.tail}, whose ${family} was not seen answered`};
			reply = tailReply;
			tail = walk.tail;
		}
	}
}

function outcome(family: Family, qname: string, status: Status, chain: readonly ChainLink[], f: FamilyState, extra: Partial<FamilyOutcome> = {}): FamilyOutcome {
	return {...replylessOutcome(family, status, qname, chain, f.asked, null), ...extra};
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

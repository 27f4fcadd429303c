// The batch's lean lane: a name's first A and AAAA tries on connected sockets, judged without promises.
//
// Decision: most names of a list are settled by the first reply of each family (an answer, a chain
// the resolver closed, NODATA with its SOA, NXDOMAIN). Those go through LeanUdp and are read by
// lean-answer.ts straight into their outcome (or, past its subset, decoded and judged by
// resolve/family.ts's judge() directly). Anything else — a TC bit, SERVFAIL/REFUSED/NOTIMP, FORMERR to EDNS, a timeout, a
// chain left open, a reply outside the lean reader's subset — continues on the general path from the
// try already made (runQuery's `spent`), so retries, TCP and follow-ups are exactly the lookup's.
import type {HostChecker} from '../core/host-check.js';
import type {HostResult} from '../core/host-result.js';
import {judge, resolveFamily, type FamilyContext, type Judgement} from '../resolve/family.js';
import type {HostOutcome} from '../resolve/lookup.js';
import {checkName, type NameCheck} from '../resolve/names.js';
import type {ResolverConfig} from '../resolve/resolv-conf.js';
import {searchCandidates, triesSuffixes} from '../resolve/search.js';
import type {Family, FamilyOutcome} from '../resolve/types.js';
import type {DeadlineQueue} from '../transport/deadlines.js';
import type {LeanUdp, QuickRead} from '../transport/lean-udp.js';
import {runQuery, type QueryResult} from '../transport/query.js';
import type {TryOutcome} from '../transport/reply.js';
import {wireName} from '../wire/lean-query.js';
import type {ChannelPool} from './channel-pool.js';
import {readAnswer} from './lean-answer.js';
import {offerIps, type Ip} from '../select/policy.js';
import type {BatchChecker} from './engine.js';

export interface LeanOptions {
	readonly config: ResolverConfig;
	readonly edns: boolean;
	readonly useSearch: boolean;
	/** One lane per resolv.conf nameserver, in its order. */
	readonly lanes: readonly LeanUdp[];
	readonly pool: ChannelPool;
	readonly deadlines: DeadlineQueue;
	/** The lanes' sockets are connected; until then (and if that fails) names take the general path. */
	readonly ready: Promise<void>;
}

const none: readonly Ip[] = [];

/** RCODEs after which glibc moves on to the next server (transport/query.ts): the general path continues. */
const nextServer = new Set(['SERVFAIL', 'REFUSED', 'NOTIMP']);

export function createLeanChecker(general: HostChecker, options: LeanOptions): BatchChecker {
	const {config, edns} = options;
	const timeoutMs = config.timeout * 1000;
	const ad = config.trustAd;
	let open = false;
	options.ready.then(
		() => (open = true),
		() => undefined,
	);

	/** The rest of a family on the general path, from the first try the lane made. */
	const continueFamily = async (qname: string, family: Family, firstServer: number, spent: TryOutcome): Promise<FamilyOutcome> => {
		const {channel} = await options.pool.acquire(config.nameservers);
		try {
			const context: FamilyContext = {servers: config.nameservers, firstServer, timeoutMs, attempts: config.attempts, tcp: false, edns, ad, channel, deadlines: options.deadlines};
			const question = {name: qname, type: family};
			if (spent.kind === 'timeout') channel.noteTimeout(question);
			const first: QueryResult = await runQuery({...context, question, spent});
			return await resolveFamily(qname, family, context, first);
		} finally {
			channel.close();
		}
	};

	const checkWith = (input: string, index: number, known: NameCheck | undefined, done: (result: HostResult) => void, fail: (error: unknown) => void): void => {
		if (!open) {
			general.check(input, index).then(done, fail);
			return;
		}
		const checked = known ?? checkName(input);
		if (!checked.ok) {
			general.check(input, index).then(done, fail);
			return;
		}
		// searchCandidates only when a search domain can apply (not for a list without resolv.conf search: no arrays per name).
		if (triesSuffixes(checked.absolute, config, options.useSearch)) {
			const candidates = searchCandidates(checked.ascii, checked.absolute, config, options.useSearch);
			if (candidates.length !== 1 || candidates[0] !== checked.ascii) {
				general.check(input, index).then(done, fail);
				return;
			}
		}
		const firstServer = general.nextFirstServer();
		const lane = options.lanes[firstServer] as LeanUdp;
		new LeanName(shared, lane, firstServer, checked.ascii, checked.unicode, input, index, done, fail).start();
	};

	const shared: LeanShared = {general, edns, ad, continueFamily};

	return {
		checkWith,
		check: (input, index, _hooks, known) => new Promise<HostResult>((resolve, reject) => checkWith(input, index, known, resolve, reject)),
	};
}

/** What every name of a run shares. */
interface LeanShared {
	readonly general: HostChecker;
	readonly edns: boolean;
	readonly ad: boolean;
	readonly continueFamily: (qname: string, family: Family, firstServer: number, spent: TryOutcome) => Promise<FamilyOutcome>;
}

/**
 * One name on the lane: its two queries and what they came to. Decision: an object with methods, not
 * closures: the closures per name (settle, a take and a reader per family) and their contexts were a
 * large part of what a name allocated.
 */
class LeanName {
	readonly #shared: LeanShared;
	readonly lane: LeanUdp;
	readonly #firstServer: number;
	readonly qname: string;
	readonly #unicode: string | null;
	readonly #input: string;
	readonly #index: number;
	readonly #done: (result: HostResult) => void;
	readonly fail: (error: unknown) => void;
	readonly wire: Uint8Array;
	/** The Ips of the addresses lean-answer.ts read, offered to this name's selection. */
	readonly ips: Ip[] = [];
	#a: FamilyOutcome | null = null;
	#aaaa: FamilyOutcome | null = null;

	constructor(shared: LeanShared, lane: LeanUdp, firstServer: number, qname: string, unicode: string | null, input: string, index: number, done: (result: HostResult) => void, fail: (error: unknown) => void) {
		this.#shared = shared;
		this.lane = lane;
		this.#firstServer = firstServer;
		this.qname = qname;
		this.#unicode = unicode;
		this.#input = input;
		this.#index = index;
		this.#done = done;
		this.fail = fail;
		this.wire = wireName(qname);
	}

	start(): void {
		const at = this.lane.pick();
		const {edns, ad} = this.#shared;
		this.lane.askQuick(at, {name: this.qname, type: 'A'}, this.wire, edns, ad, new LeanFamily(this, 'A'));
		this.lane.askQuick(at, {name: this.qname, type: 'AAAA'}, this.wire, edns, ad, new LeanFamily(this, 'AAAA'));
	}

	/** A family's outcome; with both, the host's result. */
	settle(outcome: FamilyOutcome): void {
		if (outcome.family === 'A') this.#a = outcome;
		else this.#aaaa = outcome;
		const a = this.#a;
		const aaaa = this.#aaaa;
		if (a === null || aaaa === null) return;
		// Decision: a finished name lets go of what it was given after it started (the outcomes, the Ips).
		// A name in flight during a young collection is promoted; once dead there, whatever young it
		// still points to counts as alive at the next one (V8's remembered set does not know the name
		// is dead) and is promoted in turn. Those references made ~30% of all a batch allocated
		// survive, and the collections cost ~20% of its CPU (ARCHITECTURE.md, Batch).
		this.#a = this.#aaaa = null;
		const general = this.#shared.general;
		const host: HostOutcome = {name: this.qname, unicode: this.#unicode, a, aaaa};
		const now = this.#concludeNow(host, this.ips);
		// Judged again once the sources of this turn's names are in (one round of probes for all), with
		// the same Ips offered (a copy, kept for the turn only).
		const kept = now === null ? this.ips.slice() : none;
		this.ips.length = 0;
		if (now === undefined) return;
		if (now !== null) this.#done(now);
		else if (!general.concludeSoon(host, () => this.#concludeAgain(host, kept))) this.#conclude(host);
	}

	/** concludeNow with `ips` offered to the selection's parses; undefined when it threw (the name has failed). */
	#concludeNow(host: HostOutcome, ips: readonly Ip[]): HostResult | null | undefined {
		try {
			offerIps(ips);
			return this.#shared.general.concludeNow(host, this.#input, this.#index);
		} catch (error) {
			this.fail(error);
			return undefined;
		} finally {
			offerIps(none);
		}
	}

	/** concludeNow after the sources' round; the awaited path for what the round could not answer. */
	#concludeAgain(host: HostOutcome, ips: readonly Ip[]): void {
		const now = this.#concludeNow(host, ips);
		if (now === undefined) return;
		if (now !== null) this.#done(now);
		else this.#conclude(host);
	}

	/** The awaited path: selection through the sources provider's promise (and DNS64 discovery). */
	#conclude(host: HostOutcome): void {
		this.#shared.general.conclude(host, this.#input, this.#index).then(this.#done, this.fail);
	}

	/** A try lean-answer.ts left: judged from the decoded reply, or continued on the general path. */
	settled(family: Family, settlement: TryOutcome): void {
		const {edns} = this.#shared;
		if (settlement.kind === 'reply') {
			const reply = settlement.message;
			if (!reply.flag_tc && !nextServer.has(reply.rcode) && !(edns && reply.rcode === 'FORMERR')) {
				const progress = {family, qname: this.qname, chain: [], others: [], queries: 1, mismatched: settlement.mismatched};
				let judged: Judgement;
				try {
					judged = judge({message: reply, server: this.lane.server, transport: 'udp', rttMs: settlement.rttMs}, this.qname, progress);
				} catch (error) {
					this.fail(error);
					return;
				}
				if (judged.outcome !== null) {
					this.settle(judged.outcome);
					return;
				}
			}
		}
		this.#shared.continueFamily(this.qname, family, this.#firstServer, settlement).then(
			(outcome) => this.settle(outcome),
			this.fail,
		);
	}
}

/** One family's query of a LeanName, as the lane's caller object. */
class LeanFamily implements QuickRead<FamilyOutcome> {
	readonly #name: LeanName;
	readonly #family: Family;

	constructor(name: LeanName, family: Family) {
		this.#name = name;
		this.#family = family;
	}

	read(reply: Buffer, rttMs: number, mismatched: number): FamilyOutcome | null {
		const name = this.#name;
		return readAnswer(reply, name.qname, name.wire, this.#family, name.lane.server, rttMs, mismatched, name.ips);
	}

	took(outcome: FamilyOutcome): void {
		this.#name.settle(outcome);
	}

	settled(settlement: TryOutcome): void {
		this.#name.settled(this.#family, settlement);
	}
}

// The batch's lean lane: a name's first A and AAAA tries on connected sockets, judged without promises.
//
// Decision: most names of a list are settled by the first reply of each family (an answer, a chain
// the resolver closed, NODATA with its SOA, NXDOMAIN). Those go through LeanUdp and resolve/family.ts's
// judge() directly. Anything else — a TC bit, SERVFAIL/REFUSED/NOTIMP, FORMERR to EDNS, a timeout, a
// chain left open, a reply outside the lean reader's subset — continues on the general path from the
// try already made (runQuery's `spent`), so retries, TCP and follow-ups are exactly the lookup's.
import type {HostChecker} from '../core/host-check.js';
import type {HostResult} from '../core/host-result.js';
import {judge, resolveFamily, type FamilyContext, type Judgement} from '../resolve/family.js';
import type {HostOutcome} from '../resolve/lookup.js';
import {checkName, type NameCheck} from '../resolve/names.js';
import type {ResolverConfig} from '../resolve/resolv-conf.js';
import {searchCandidates} from '../resolve/search.js';
import type {Family, FamilyOutcome} from '../resolve/types.js';
import type {DeadlineQueue} from '../transport/deadlines.js';
import type {LeanUdp} from '../transport/lean-udp.js';
import {runQuery, type QueryResult} from '../transport/query.js';
import type {TryOutcome} from '../transport/reply.js';
import {wireName} from '../wire/lean-query.js';
import type {ChannelPool} from './channel-pool.js';
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
		const candidates = searchCandidates(checked.ascii, checked.absolute, config, options.useSearch);
		if (candidates.length !== 1 || candidates[0] !== checked.ascii) {
			general.check(input, index).then(done, fail);
			return;
		}
		const qname = checked.ascii;
		const wire = wireName(qname);
		const firstServer = general.nextFirstServer();
		const lane = options.lanes[firstServer] as LeanUdp;
		const at = lane.pick();
		let a: FamilyOutcome | null = null;
		let aaaa: FamilyOutcome | null = null;
		const settle = (outcome: FamilyOutcome): void => {
			if (outcome.family === 'A') a = outcome;
			else aaaa = outcome;
			if (a === null || aaaa === null) return;
			const host: HostOutcome = {name: qname, unicode: checked.unicode, a, aaaa};
			let now: HostResult | null;
			try {
				now = general.concludeNow(host, input, index);
			} catch (error) {
				fail(error);
				return;
			}
			if (now !== null) done(now);
			else general.conclude(host, input, index).then(done, fail);
		};
		const take =
			(family: Family) =>
			(settlement: TryOutcome): void => {
				if (settlement.kind === 'reply') {
					const reply = settlement.message;
					if (!reply.flag_tc && !nextServer.has(reply.rcode) && !(edns && reply.rcode === 'FORMERR')) {
						const progress = {family, qname, chain: [], others: [], queries: 1, mismatched: settlement.mismatched};
						let judged: Judgement;
						try {
							judged = judge({message: reply, server: lane.server, transport: 'udp', rttMs: settlement.rttMs}, qname, progress);
						} catch (error) {
							fail(error);
							return;
						}
						if (judged.outcome !== null) {
							settle(judged.outcome);
							return;
						}
					}
				}
				continueFamily(qname, family, firstServer, settlement).then(settle, fail);
			};
		lane.ask(at, {name: qname, type: 'A'}, wire, edns, ad, take('A'));
		lane.ask(at, {name: qname, type: 'AAAA'}, wire, edns, ad, take('AAAA'));
	};

	return {
		checkWith,
		check: (input, index, _hooks, known) => new Promise<HostResult>((resolve, reject) => checkWith(input, index, known, resolve, reject)),
	};
}

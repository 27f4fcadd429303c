// Source(D) answers remembered across the names of a batch (CDNs repeat addresses), in bounded memory.
import type {SourceProvider} from '../host/sources.js';
import type {SourceInfo} from '../select/types.js';

/**
 * Decision: a kernel probe costs system calls, and thousands of names a second would probe the same
 * few CDN addresses again and again. Routes do not change during a run (or if they do, the run mixes
 * both states anyway), so answers are kept — up to `limit`, then the cache starts over, which bounds
 * memory without bookkeeping per entry.
 *
 * Decision (issue 6): where the provider probes many at once (`nowMany`: the addon's route lookups,
 * 32 a system call), the destinations that names ask for in one turn of the event loop are probed
 * together when the turn's I/O is done (setImmediate): `known` then answers only from the cache, and a
 * name with a new destination waits that turn. One probe at a time (~8 µs with its JS) was a fifth of
 * a batch with the kernel's sources. Without `nowMany` (no addon) each name's destinations are asked
 * for by itself.
 *
 * Decision: a name may also join the round with a callback (`request`) instead of a promise: when the
 * round's answers are in the cache, the callbacks run in turn and judge their names synchronously
 * (`known` answers now). Through the provider's promise each waiting name took several promises and
 * maps of its own; with the kernel's sources that awaited path was most of what a batch cost beyond
 * one with a what-if map.
 */
export function cachedSources(provider: SourceProvider, limit = 16384): SourceProvider {
	let cache = new Map<string, SourceInfo | null>();
	const remember = (destination: string, source: SourceInfo | null): void => {
		if (cache.size >= limit) cache = new Map();
		cache.set(destination, source);
	};
	/**
	 * The destinations asked for this turn, the callbacks to run when their answers are cached, and those
	 * who await the answers (those nowMany gave) as a promise.
	 */
	interface Round {
		readonly wanted: string[];
		readonly then: (() => void)[];
		readonly waiters: {resolve: (found: Map<string, SourceInfo | null>) => void; reject: (error: unknown) => void}[];
	}
	let round: Round | null = null;
	const openRound = (nowMany: NonNullable<SourceProvider['nowMany']>): Round => {
		if (round !== null) return round;
		const current: Round = {wanted: [], then: [], waiters: []};
		round = current;
		const probe = (): void => {
			round = null;
			// A throw here (host facts unreadable) fails the names that waited, not the process.
			try {
				const found = new Map<string, SourceInfo | null>();
				const given = nowMany(current.wanted);
				current.wanted.forEach((d, i) => {
					const source = given[i];
					if (source === undefined) return;
					found.set(d, source);
					remember(d, source);
				});
				for (const waiter of current.waiters) waiter.resolve(found);
			} catch (error) {
				for (const waiter of current.waiters) waiter.reject(error);
			}
			// The callbacks judge with `known`; what the round did not answer (or all, after a throw) they
			// take to the provider's promise, whose own round reports the error to that name.
			for (const then of current.then) {
				try {
					then();
				} catch (error) {
					// Every name of the round still gets its turn; the error surfaces as any callback's would.
					queueMicrotask(() => {
						throw error;
					});
				}
			}
		};
		setImmediate(probe);
		return current;
	};
	const probeTogether = (destinations: readonly string[], nowMany: NonNullable<SourceProvider['nowMany']>): Promise<Map<string, SourceInfo | null>> => {
		const current = openRound(nowMany);
		current.wanted.push(...destinations);
		return new Promise((resolve, reject) => current.waiters.push({resolve, reject}));
	};
	/** A cached answer, else the provider's own immediate one (not cached: it is as cheap as the cache); undefined: ask. */
	const known = (destination: string): SourceInfo | null | undefined => {
		const cached = cache.get(destination);
		if (cached !== undefined || cache.has(destination)) return cached;
		return provider.known?.(destination);
	};
	const cachedProvider = async (destinations: readonly string[]): Promise<Map<string, SourceInfo | null>> => {
		let missing = destinations.filter((d) => !cache.has(d));
		const nowMany = provider.nowMany;
		const together = missing.length > 0 && nowMany !== undefined ? await probeTogether(missing, nowMany) : new Map<string, SourceInfo | null>();
		missing = missing.filter((d) => !together.has(d));
		const fresh = missing.length > 0 ? await provider(missing) : new Map<string, SourceInfo | null>();
		const out = new Map<string, SourceInfo | null>();
		for (const destination of destinations) {
			const source = together.get(destination) ?? fresh.get(destination) ?? cache.get(destination) ?? null;
			out.set(destination, source);
		}
		for (const [destination, source] of fresh) remember(destination, source);
		return out;
	};
	const nowMany = provider.nowMany;
	if (nowMany === undefined) return Object.assign(cachedProvider, {known});
	const request = (destinations: readonly string[], then: () => void): void => {
		const current = openRound(nowMany);
		for (const d of destinations) if (!cache.has(d)) current.wanted.push(d);
		current.then.push(then);
	};
	return Object.assign(cachedProvider, {known, request});
}

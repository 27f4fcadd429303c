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
 */
export function cachedSources(provider: SourceProvider, limit = 16384): SourceProvider {
	let cache = new Map<string, SourceInfo | null>();
	const remember = (destination: string, source: SourceInfo | null): void => {
		if (cache.size >= limit) cache = new Map();
		cache.set(destination, source);
	};
	/** The destinations asked for this turn, and the answers they will get (those nowMany gave). */
	let round: {readonly wanted: string[]; readonly answers: Promise<Map<string, SourceInfo | null>>} | null = null;
	const probeTogether = (destinations: readonly string[], nowMany: NonNullable<SourceProvider['nowMany']>): Promise<Map<string, SourceInfo | null>> => {
		if (round === null) {
			const wanted: string[] = [];
			const answers = new Promise<Map<string, SourceInfo | null>>((resolve, reject) =>
				setImmediate(() => {
					round = null;
					// A throw here (host facts unreadable) fails the names that waited, not the process.
					try {
						const found = new Map<string, SourceInfo | null>();
						const given = nowMany(wanted);
						wanted.forEach((d, i) => {
							const source = given[i];
							if (source === undefined) return;
							found.set(d, source);
							remember(d, source);
						});
						resolve(found);
					} catch (error) {
						reject(error);
					}
				}),
			);
			round = {wanted, answers};
		}
		round.wanted.push(...destinations);
		return round.answers;
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
	return Object.assign(cachedProvider, {known});
}

// Source(D) answers remembered across the names of a batch (CDNs repeat addresses), in bounded memory.
import type {SourceProvider} from '../host/sources.js';
import type {SourceInfo} from '../select/types.js';

/**
 * Decision: a kernel probe is a socket per destination; thousands of names a second would open
 * thousands of sockets a second for the same few CDN addresses. Routes do not change during a run (or
 * if they do, the run mixes both states anyway), so answers are kept — up to `limit`, then the cache
 * starts over, which bounds memory without bookkeeping per entry.
 */
export function cachedSources(provider: SourceProvider, limit = 16384): SourceProvider {
	let cache = new Map<string, SourceInfo | null>();
	/** A cached answer, else the provider's own immediate one (not cached: it is as cheap as the cache); undefined: ask. */
	const known = (destination: string): SourceInfo | null | undefined => {
		const cached = cache.get(destination);
		if (cached !== undefined || cache.has(destination)) return cached;
		return provider.known?.(destination);
	};
	const cachedProvider = async (destinations: readonly string[]): Promise<Map<string, SourceInfo | null>> => {
		const missing = destinations.filter((d) => !cache.has(d));
		const fresh = missing.length > 0 ? await provider(missing) : new Map<string, SourceInfo | null>();
		const out = new Map<string, SourceInfo | null>();
		for (const destination of destinations) out.set(destination, fresh.has(destination) ? (fresh.get(destination) ?? null) : (cache.get(destination) ?? null));
		if (cache.size + fresh.size > limit) cache = new Map();
		for (const [destination, source] of fresh) cache.set(destination, source);
		return out;
	};
	return Object.assign(cachedProvider, {known});
}

// The search list (resolv.conf `search`/`domain`, `ndots`) turned into the names to try, as glibc's res_search.
import type {ResolverConfig} from './resolv-conf.js';

/** Whether any search domain is tried for a name: otherwise searchCandidates is the name alone. */
export function triesSuffixes(absolute: boolean, config: Pick<ResolverConfig, 'search'>, useSearch = true): boolean {
	return !absolute && useSearch && config.search.length > 0;
}

/**
 * The names to ask, in order (glibc resolv/res_query.c, __res_context_search): an absolute name only
 * as is; a name with at least `ndots` dots as is first, then with each search domain; a name with
 * fewer dots with each search domain first, then as is.
 */
export function searchCandidates(name: string, absolute: boolean, config: Pick<ResolverConfig, 'search' | 'ndots'>, useSearch = true): string[] {
	if (!triesSuffixes(absolute, config, useSearch)) return [name];
	const dots = name.split('.').length - 1;
	const asIsFirst = dots >= config.ndots;
	const withSuffixes = config.search.map((domain) => `${name}.${domain}`);
	return asIsFirst ? [name, ...withSuffixes] : [...withSuffixes, name];
}

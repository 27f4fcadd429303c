// Source(D) with its attributes, from the kernel (probe + host facts) or from a what-if map.
import type {SourceInfo} from '../select/types.js';
import {findLocal, readHostFacts, type HostFacts} from './host-facts.js';
import {probeManyNow, probeNowAvailable, probeSources} from './source-probe.js';
import {whatIfSource, type WhatIf} from './what-if.js';

/** Gives Source(D) (null = unusable) for a set of destinations. */
export interface SourceProvider {
	(destinations: readonly string[]): Promise<Map<string, SourceInfo | null>>;
	/**
	 * Source(D) at once, where the provider has it without I/O (a what-if map, an answer already
	 * cached); undefined: ask. It must give what the call would (the batch judges most names with it).
	 */
	readonly known?: (destination: string) => SourceInfo | null | undefined;
	/**
	 * Source(D) asked of the kernel at once for many destinations, in their order (the addon's route
	 * lookups, 32 a system call, no event); an undefined entry: ask. For callers that would otherwise
	 * wait on a batch of probes.
	 */
	readonly nowMany?: (destinations: readonly string[]) => (SourceInfo | null | undefined)[];
	/**
	 * Asks for `destinations` in the provider's next round of probes (batch/cached-sources.ts: one
	 * nowMany a turn of the event loop) and calls `then` once that round is over, so that `known` then
	 * answers what the round found (what it could not answer stays unknown: ask). For a caller that can
	 * judge synchronously once the sources are in, without a promise per name.
	 */
	readonly request?: (destinations: readonly string[], then: () => void) => void;
	/**
	 * The kernel provider's answer for a source address its route lookups gave (what nowMany maps each
	 * probe answer through): for a caller that asks the addon's probe itself, without a text a
	 * destination (the native lane's name judge, native/lane-judge.c). Only with nowMany.
	 */
	readonly fromProbe?: (source: string) => SourceInfo;
}

/** The kernel's answers, as getaddrinfo gets them; host facts are read once per provider. */
export function kernelSources(facts: () => HostFacts = memo(readHostFacts)): SourceProvider {
	// One (immutable) SourceInfo per source address: 100k destinations share a handful of sources.
	const bySource = new Map<string, SourceInfo>();
	const infoOf = (source: string | null): SourceInfo | null => {
		if (source === null) return null;
		let info = bySource.get(source);
		if (info === undefined) {
			const local = findLocal(facts(), source);
			info = {
				address: source,
				// Unknown attributes (an address the lists do not show) default to a native host route.
				prefixLen: local?.prefixLen ?? (source.includes(':') ? 128 : 32),
				deprecated: local?.deprecated ?? false,
				home: local?.home ?? false,
				native: local?.link.native ?? true,
				interface: local?.interface ?? null,
			};
			bySource.set(source, info);
		}
		return info;
	};
	const provider = async (destinations: readonly string[]): Promise<Map<string, SourceInfo | null>> => {
		const probed = await probeSources(destinations);
		const out = new Map<string, SourceInfo | null>();
		for (const [destination, source] of probed) out.set(destination, infoOf(source));
		return out;
	};
	const nowMany = (destinations: readonly string[]): (SourceInfo | null | undefined)[] => probeManyNow(destinations).map((source) => (source === undefined ? undefined : infoOf(source)));
	// Decision: `nowMany` only where the addon can answer at once. Without it (no compiler,
	// HE6_DNS_UDP=dgram) a caller that finds none keeps its batched path (capture's two passes, the
	// batch's awaited probes). A getter, so that a plain lookup, which never reads it, does not load the addon.
	Object.defineProperty(provider, 'fromProbe', {get: () => (probeNowAvailable() ? (source: string) => infoOf(source) as SourceInfo : undefined), enumerable: true});
	return Object.defineProperty(provider, 'nowMany', {get: () => (probeNowAvailable() ? nowMany : undefined), enumerable: true}) as SourceProvider;
}

/** The what-if map's answers; a destination it does not cover is unusable (no source). Known at once. */
export function whatIfSources(whatIf: WhatIf): SourceProvider {
	// A map names a few sources: each one's SourceInfo is made once and shared (it is read-only).
	const infos = new Map<string, SourceInfo>();
	const known = (destination: string): SourceInfo | null => {
		const source = whatIfSource(whatIf, destination) ?? null;
		if (source === null) return null;
		let info = infos.get(source);
		if (info === undefined) {
			info = sourceInfo(whatIf, source);
			infos.set(source, info);
		}
		return info;
	};
	const provider = async (destinations: readonly string[]): Promise<Map<string, SourceInfo | null>> => new Map(destinations.map((d) => [d, known(d)]));
	return Object.assign(provider, {known});
}

/** A what-if source's attributes (a source the map's attrs do not name: a native /64 or /24). */
function sourceInfo(whatIf: WhatIf, source: string): SourceInfo {
	const attrs = whatIf.attrs.get(source);
	return {
		address: source,
		prefixLen: attrs?.prefixLen ?? (source.includes(':') ? 64 : 24),
		deprecated: attrs?.deprecated ?? false,
		home: attrs?.home ?? false,
		native: attrs?.native ?? true,
		interface: attrs?.interface ?? null,
	};
}

function memo<T>(read: () => T): () => T {
	let value: T | undefined;
	return () => (value ??= read());
}

// The identity of a name in a list: its normalised form, a 64-bit digest for duplicates, and its shard.
import {hash} from 'node:crypto';

/** Two lines with the same key are the same question to the resolver. */
export function nameKey(ascii: string, absolute: boolean, search: boolean): string {
	// Without the search list `example.com` and `example.com.` are asked identically; with it they differ.
	return ascii.toLowerCase() + (search && absolute ? '.' : '');
}

/** The first 64 bits of SHA-1 of the key, as two unsigned 32-bit halves. */
export interface Digest {
	readonly hi: number;
	readonly lo: number;
}

/**
 * Decision: SHA-1 rather than a fast ad-hoc hash, so a shard split is reproducible by any other tool
 * (`int(sha1(name).hexdigest()[:8], 16) % N + 1` in Python) and stays the same across versions.
 * It costs about a microsecond per name, noise next to the lookup.
 */
export function digest(key: string): Digest {
	const bytes = hash('sha1', key, 'buffer');
	return {hi: bytes.readUInt32BE(0), lo: bytes.readUInt32BE(4)};
}

/**
 * A 64-bit digest for the duplicate table alone, when no shard needs SHA-1's (the engine picks).
 * Decision: SHA-1 through node:crypto cost a Buffer and ~1.5 µs a name; the table only needs two
 * different names to differ, within one run. Two 32-bit multiply-xorshift lanes (cyrb53's, kept at 64
 * bits) over the UTF-16 code units, seeded per run so a list cannot be built to collide on purpose;
 * the odds of an accidental collision are SHA-1's truncated to 64 bits (seen-table.ts).
 */
export function seededDigest(seed: number): (key: string) => Digest {
	return (key) => {
		let h1 = 0xdeadbeef ^ seed;
		let h2 = 0x41c6ce57 ^ seed;
		for (let i = 0; i < key.length; i++) {
			const c = key.charCodeAt(i);
			h1 = Math.imul(h1 ^ c, 2654435761);
			h2 = Math.imul(h2 ^ c, 1597334677);
		}
		h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
		h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
		return {hi: h2 >>> 0, lo: h1 >>> 0};
	};
}

/** `--shard K/N`: this run takes the names whose digest falls in shard K of N (1-based). */
export interface Shard {
	readonly index: number;
	readonly count: number;
}

/** Parses `K/N`; null when it is not 1 <= K <= N <= 65536. */
export function parseShard(text: string): Shard | null {
	const match = /^(\d+)\/(\d+)$/.exec(text);
	const index = Number(match?.[1]);
	const count = Number(match?.[2]);
	return match === null || count < 1 || count > 65536 || index < 1 || index > count ? null : {index, count};
}

export function inShard(d: Digest, shard: Shard): boolean {
	return (d.hi % shard.count) + 1 === shard.index;
}

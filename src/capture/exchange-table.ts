// The correlator's tables of queries (pending, then recent) by a small integer hash, entries compared field by field.
//
// Decision: the tables were Maps keyed by text (transport, both endpoints, id and question joined:
// ~70 characters), built and hashed per packet and held for the recent window; that text was most
// of the correlator's time and a large share of what survived the young GC. Here the key is a Smi
// from the id, the ports and the transport, and a bucket is an intrusive chain of the entries that
// share it (nearly always one), so nothing is allocated to look an exchange up. Equality is the
// caller's, on the same fields the text spelled out.

import type {Endpoint} from '../transport/endpoint.js';

/** One endpoint of a captured identity: address text, port and scope (null and empty alike, as the text keys had them). */
export const sameCapturedEndpoint = (a: Endpoint, b: Endpoint): boolean => a.port === b.port && a.address === b.address && (a.scope ?? '') === (b.scope ?? '');

/** An entry of one table at a time: the chain runs through it. */
export interface Bucketed {
	readonly hash: number;
	bucketNext: this | null;
}

/** The bucket of a query or reply: id, both ports and the transport, within the Smi range (collisions only lengthen a chain). */
export const bucketHash = (id: number, clientPort: number, serverPort: number, tcp: boolean): number =>
	((id << 14) ^ (clientPort << 1) ^ (serverPort << 9) ^ (tcp ? 1 : 0)) & 0x3fffffff;

export class BucketTable<E extends Bucketed> {
	readonly #buckets = new Map<number, E>();
	#size = 0;

	get size(): number {
		return this.#size;
	}

	/** The first entry with this hash (follow `bucketNext` for the others), or null. */
	first(hash: number): E | null {
		return this.#buckets.get(hash) ?? null;
	}

	add(entry: E): void {
		entry.bucketNext = this.#buckets.get(entry.hash) ?? null;
		this.#buckets.set(entry.hash, entry);
		this.#size++;
	}

	/** Takes `entry` out of its bucket; false when it was not in this table. */
	remove(entry: E): boolean {
		let previous: E | null = null;
		for (let e = this.#buckets.get(entry.hash) ?? null; e !== null; previous = e, e = e.bucketNext) {
			if (e !== entry) continue;
			if (previous !== null) previous.bucketNext = entry.bucketNext;
			else if (entry.bucketNext === null) this.#buckets.delete(entry.hash);
			else this.#buckets.set(entry.hash, entry.bucketNext);
			entry.bucketNext = null;
			this.#size--;
			return true;
		}
		return false;
	}

	clear(): void {
		this.#buckets.clear();
		this.#size = 0;
	}
}

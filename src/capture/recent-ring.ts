// The correlator's finished exchanges (for duplicate and late replies) as parallel arrays in a ring: no object per exchange.
//
// Decision: a finished exchange is kept for the timeout's length (5 s of packet time), so each one
// outlived the young generation: as an object (with its two endpoints) it was copied and promoted,
// ~350 bytes a reply on a busy capture. Here a slot is a row of parallel arrays, reused; the ring
// is in the order exchanges were remembered (their deadlines' order, as the timeout is one), a slot
// forgotten early (its identity finished again) is only marked dead and skipped at the head, and the
// ring doubles when every slot is taken. Lookups go through a table of chain heads indexed by the
// bucket hash (mixed, masked) and a chain of slot indexes. Decision: the heads were a Map from the hash
// to the newest slot; on a busy capture the ring holds its bound (65,536) and every reply cost ~5 Map
// operations on a table that size (7% of a 400k-packet decode); an Int32Array indexed by the hash's
// bits is a load each, and a shared head only lengthens a chain (entries are compared field by field).
import type {Endpoint, Transport} from '../transport/endpoint.js';

/** No slot (chains, the bucket map). */
const none = -1;

export class RecentRing {
	#capacity: number;
	/** Ring positions: the oldest slot still queued, and how many are queued (live or dead). */
	#head = 0;
	#queued = 0;
	/** Live slots (in the table). */
	#size = 0;
	/** The newest slot of each bucket, or none; twice the capacity, a power of two. */
	#heads: Int32Array;
	/** 32 minus the heads' size in bits: a hash's bucket is its multiplicative mix shifted right by it. */
	#shift: number;
	#next: Int32Array;
	#hash: Int32Array;
	#id: Int32Array;
	#clientPort: Int32Array;
	#serverPort: Int32Array;
	#until: Float64Array;
	/** 0: dead (forgotten or never used), 1: live and answered, 2: live and unanswered. */
	#state: Uint8Array;
	#transport: Transport[];
	#clientAddress: string[];
	#clientScope: string[];
	#serverAddress: string[];
	#serverScope: string[];
	#folded: string[];
	#qtype: string[];
	#qclass: string[];

	constructor(initialCapacity = 1024) {
		this.#capacity = Math.max(1, initialCapacity);
		const n = this.#capacity;
		this.#next = new Int32Array(n);
		this.#hash = new Int32Array(n);
		this.#id = new Int32Array(n);
		this.#clientPort = new Int32Array(n);
		this.#serverPort = new Int32Array(n);
		this.#until = new Float64Array(n);
		this.#state = new Uint8Array(n);
		this.#transport = new Array<Transport>(n).fill('udp');
		this.#clientAddress = new Array<string>(n).fill('');
		this.#clientScope = new Array<string>(n).fill('');
		this.#serverAddress = new Array<string>(n).fill('');
		this.#serverScope = new Array<string>(n).fill('');
		this.#folded = new Array<string>(n).fill('');
		this.#qtype = new Array<string>(n).fill('');
		this.#qclass = new Array<string>(n).fill('');
		this.#heads = new Int32Array(0);
		this.#shift = 0;
		this.#sizeHeads(n);
	}

	/** Empty heads for a capacity of `n` slots. */
	#sizeHeads(n: number): void {
		let bits = 1;
		while (1 << bits < 2 * n) bits++;
		this.#heads = new Int32Array(1 << bits).fill(none);
		this.#shift = 32 - bits;
	}

	/** A hash's bucket (Fibonacci hashing: the top bits of the hash times 2³²/φ). */
	#bucket(hash: number): number {
		return Math.imul(hash, 0x9e3779b1) >>> this.#shift;
	}

	/** Live entries. */
	get size(): number {
		return this.#size;
	}

	/**
	 * The live slot with this identity (scopes null and '' alike, as the text keys had them), or -1.
	 * `folded`: the question's name case-folded.
	 */
	find(hash: number, transport: Transport, client: Endpoint, server: Endpoint, id: number, folded: string, qtype: string, qclass: string): number {
		const clientScope = client.scope ?? '';
		const serverScope = server.scope ?? '';
		for (let slot = this.#heads[this.#bucket(hash)] as number; slot !== none; slot = this.#next[slot] as number) {
			if (
				// Buckets are shared by different hashes: the hash is part of the identity compared.
				this.#hash[slot] === hash &&
				this.#id[slot] === id &&
				this.#transport[slot] === transport &&
				this.#clientPort[slot] === client.port &&
				this.#serverPort[slot] === server.port &&
				this.#clientAddress[slot] === client.address &&
				this.#serverAddress[slot] === server.address &&
				this.#clientScope[slot] === clientScope &&
				this.#serverScope[slot] === serverScope &&
				this.#folded[slot] === folded &&
				this.#qtype[slot] === qtype &&
				this.#qclass[slot] === qclass
			)
				return slot;
		}
		return none;
	}

	/** Whether a live slot's exchange was answered. */
	answered(slot: number): boolean {
		return this.#state[slot] === 1;
	}

	/** Adds a live entry at the ring's tail (the newest). */
	add(hash: number, transport: Transport, client: Endpoint, server: Endpoint, id: number, folded: string, qtype: string, qclass: string, until: number, answered: boolean): void {
		if (this.#queued === this.#capacity) this.#grow();
		const slot = (this.#head + this.#queued) % this.#capacity;
		this.#queued++;
		this.#hash[slot] = hash;
		this.#transport[slot] = transport;
		this.#clientAddress[slot] = client.address;
		this.#clientPort[slot] = client.port;
		this.#clientScope[slot] = client.scope ?? '';
		this.#serverAddress[slot] = server.address;
		this.#serverPort[slot] = server.port;
		this.#serverScope[slot] = server.scope ?? '';
		this.#id[slot] = id;
		this.#folded[slot] = folded;
		this.#qtype[slot] = qtype;
		this.#qclass[slot] = qclass;
		this.#until[slot] = until;
		this.#state[slot] = answered ? 1 : 2;
		const bucket = this.#bucket(hash);
		this.#next[slot] = this.#heads[bucket] as number;
		this.#heads[bucket] = slot;
		this.#size++;
	}

	/** Takes a live slot out of the table (it stays queued, dead, until the head passes it). */
	forget(slot: number): void {
		const bucket = this.#bucket(this.#hash[slot] as number);
		let previous = none;
		for (let s = this.#heads[bucket] as number; s !== none; previous = s, s = this.#next[s] as number) {
			if (s !== slot) continue;
			const after = this.#next[slot] as number;
			if (previous !== none) this.#next[previous] = after;
			else this.#heads[bucket] = after;
			break;
		}
		this.#state[slot] = 0;
		this.#size--;
	}

	/** Forgets the oldest live entry (the table is at its bound); dead slots before it leave the ring. */
	forgetOldest(): void {
		while (this.#queued > 0) {
			const slot = this.#head;
			this.#pop();
			if (this.#state[slot] === 0) continue;
			this.forget(slot);
			return;
		}
	}

	/** Forgets, from the oldest, every live entry whose deadline is before `time`; stops at the first that is not. */
	expire(time: number): void {
		while (this.#queued > 0) {
			const slot = this.#head;
			if (this.#state[slot] !== 0) {
				if ((this.#until[slot] as number) >= time) return;
				this.forget(slot);
			}
			this.#pop();
		}
	}

	clear(): void {
		this.#heads.fill(none);
		this.#state.fill(0);
		this.#head = 0;
		this.#queued = 0;
		this.#size = 0;
	}

	/** Leaves the ring's head slot (its strings are dropped, so they can be collected). */
	#pop(): void {
		const slot = this.#head;
		this.#clientAddress[slot] = this.#serverAddress[slot] = this.#folded[slot] = '';
		this.#head = (slot + 1) % this.#capacity;
		this.#queued--;
	}

	/** Doubles the ring, the queued slots moved to the front in order (slot numbers change, so the chains are rebuilt). */
	#grow(): void {
		const old = this.#capacity;
		const capacity = old * 2;
		const order: number[] = [];
		for (let k = 0; k < this.#queued; k++) order.push((this.#head + k) % old);
		const move = <A extends {length: number; [i: number]: unknown}>(from: A, to: A): A => {
			for (let k = 0; k < order.length; k++) to[k] = from[order[k] as number];
			return to;
		};
		this.#hash = move(this.#hash, new Int32Array(capacity));
		this.#id = move(this.#id, new Int32Array(capacity));
		this.#clientPort = move(this.#clientPort, new Int32Array(capacity));
		this.#serverPort = move(this.#serverPort, new Int32Array(capacity));
		this.#until = move(this.#until, new Float64Array(capacity));
		this.#state = move(this.#state, new Uint8Array(capacity));
		this.#transport = move(this.#transport, new Array<Transport>(capacity).fill('udp'));
		this.#clientAddress = move(this.#clientAddress, new Array<string>(capacity).fill(''));
		this.#clientScope = move(this.#clientScope, new Array<string>(capacity).fill(''));
		this.#serverAddress = move(this.#serverAddress, new Array<string>(capacity).fill(''));
		this.#serverScope = move(this.#serverScope, new Array<string>(capacity).fill(''));
		this.#folded = move(this.#folded, new Array<string>(capacity).fill(''));
		this.#qtype = move(this.#qtype, new Array<string>(capacity).fill(''));
		this.#qclass = move(this.#qclass, new Array<string>(capacity).fill(''));
		this.#next = new Int32Array(capacity);
		this.#capacity = capacity;
		this.#head = 0;
		// The chains again, oldest first, so each bucket's newest slot heads it as before.
		this.#sizeHeads(capacity);
		for (let slot = 0; slot < this.#queued; slot++) {
			if (this.#state[slot] === 0) continue;
			const bucket = this.#bucket(this.#hash[slot] as number);
			this.#next[slot] = this.#heads[bucket] as number;
			this.#heads[bucket] = slot;
		}
	}
}

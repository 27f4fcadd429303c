// A compact hash table from 64-bit keys to (line, outcome code): 16 bytes a slot, no object per entry.
//
// Decision: the duplicate index is the only per-name memory of a batch run (results are written and
// dropped). A Map of name strings costs ~100 bytes an entry and GC work; this table keeps a 64-bit
// digest, the first line and a packed outcome in typed arrays, about 32 bytes per distinct name.
// Two different names share a digest with odds of about n²/2⁶⁵ (3·10⁻⁸ for a million names).
import type {Digest} from './name-key.js';

const wordsPerSlot = 4;

export class SeenTable {
	#slots: Uint32Array;
	#mask: number;
	#size = 0;

	constructor(initialCapacity = 1024) {
		let capacity = 16;
		while (capacity < initialCapacity * 2) capacity *= 2;
		this.#slots = new Uint32Array(capacity * wordsPerSlot);
		this.#mask = capacity - 1;
	}

	get size(): number {
		return this.#size;
	}

	/** The slot holding `key`, or -1. */
	find(key: Digest): number {
		const {hi, lo} = nonZero(key);
		const slots = this.#slots;
		for (let i = start(hi, lo, this.#mask); ; i = (i + 1) & this.#mask) {
			const at = i * wordsPerSlot;
			const h = slots[at] ?? 0;
			const l = slots[at + 1] ?? 0;
			if (h === 0 && l === 0) return -1;
			if (h === hi && l === lo) return i;
		}
	}

	/** Adds `key` (which must not be present) and returns its slot. */
	insert(key: Digest, line: number, code: number): number {
		if ((this.#size + 1) * 4 > (this.#mask + 1) * 3) this.#grow();
		const {hi, lo} = nonZero(key);
		const slots = this.#slots;
		let i = start(hi, lo, this.#mask);
		while ((slots[i * wordsPerSlot] ?? 0) !== 0 || (slots[i * wordsPerSlot + 1] ?? 0) !== 0) i = (i + 1) & this.#mask;
		const at = i * wordsPerSlot;
		slots[at] = hi;
		slots[at + 1] = lo;
		slots[at + 2] = line;
		slots[at + 3] = code;
		this.#size++;
		return i;
	}

	line(slot: number): number {
		return this.#slots[slot * wordsPerSlot + 2] ?? 0;
	}

	code(slot: number): number {
		return this.#slots[slot * wordsPerSlot + 3] ?? 0;
	}

	/** Updates a key's code; looked up again because a growth may have moved it since `insert`. */
	setCode(key: Digest, code: number): void {
		const slot = this.find(key);
		if (slot >= 0) this.#slots[slot * wordsPerSlot + 3] = code;
	}

	#grow(): void {
		const old = this.#slots;
		this.#slots = new Uint32Array(old.length * 2);
		this.#mask = this.#mask * 2 + 1;
		this.#size = 0;
		for (let at = 0; at < old.length; at += wordsPerSlot) {
			const hi = old[at] ?? 0;
			const lo = old[at + 1] ?? 0;
			if (hi !== 0 || lo !== 0) this.insert({hi, lo}, old[at + 2] ?? 0, old[at + 3] ?? 0);
		}
	}
}

/** (0, 0) marks an empty slot, so a digest of all zeros is stored as (0, 1). */
function nonZero(key: Digest): Digest {
	return key.hi === 0 && key.lo === 0 ? {hi: 0, lo: 1} : key;
}

function start(hi: number, lo: number, mask: number): number {
	return (Math.imul(hi ^ Math.imul(lo, 0x85ebca6b), 0x9e3779b1) >>> 0) & mask;
}

/** A key for a line number, for tables indexed by line (the lines a resumed output already holds). */
export function lineKey(line: number): Digest {
	return {hi: line >>> 0, lo: 0x5bd1e995};
}

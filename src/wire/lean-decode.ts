// The capture's hot path decoder: the common DNS messages read directly, everything else through decodeMessage.
//
// Decision: a capture decodes hundreds of thousands of messages, and dns-packet's per-record objects,
// Buffers and closures cost more than everything else together. This reader takes only what it can
// prove the guarded decoder would accept with the same values: every name valid by wire/name.ts's
// rules (pointers strictly backwards, label types, 255 octets), every record of a type whose RDATA it
// reads (A, AAAA, CNAME, NS, PTR, SOA, an OPT without options) ending exactly at its RDLENGTH, so the
// framing and the decoding agree. On anything else it gives up and decodeMessage decides: errors,
// their kinds and every other type come from one place, and the differential tests hold the two
// paths to the same events.
import dnsRcodes from 'dns-packet/rcodes.js';
import {formatIpv6} from './address-text.js';
import {decodeMessage, type Message, type Result, type WireError, type WireRecord} from './codec.js';
import {escapeLabel, maxWireLength} from './name.js';
import {className as rrClassName, typeA, typeAaaa, typeCname, typeNs, typeOpt, typePtr, typeSoa, typeName as rrTypeName} from './rr-types.js';

/** Names as the general path gives them: types and classes from rr-types.ts (codec.ts installs them into dns-packet), RCODEs from dns-packet. */
const memo = (lookup: (n: number) => string, size: number): ((n: number) => string) => {
	const table: (string | undefined)[] = new Array<string | undefined>(size);
	return (n) => (table[n] ??= lookup(n));
};
const typeName = memo(rrTypeName, 65536);
const className = memo(rrClassName, 65536);
const rcodeName = memo(dnsRcodes.toString, 16);

/** Bytes that print as themselves in a label (wire/name.ts's escapeLabel leaves them alone). */
const plain = new Uint8Array(256);
for (let byte = 0x21; byte < 0x7f; byte++) plain[byte] = 1;
for (const byte of [0x2e, 0x3b, 0x5c, 0x28, 0x29, 0x22, 0x40, 0x24]) plain[byte] = 0;

/**
 * Plain labels already made into strings, by a hash of their bytes. Decision: a reply's zone, its
 * servers' and TLD labels repeat across messages, and a Buffer slice to a string per label was a fifth
 * of reading a reply; a hit costs a compare. A slot holds the last label hashed to it (bounded memory).
 */
const labelSlots = 4096;
const labelTexts: (string | undefined)[] = new Array<string | undefined>(labelSlots);

/** Whole names already made into strings (Reader.#plainName), by a hash of their wire bytes; as labelTexts, the last one per slot. */
const nameSlots = 4096;
const nameTexts: (string | undefined)[] = new Array<string | undefined>(nameSlots);
/** A name's text assembled before it becomes a string (at most 253 characters). */
const nameScratch = Buffer.allocUnsafe(256);

/** Whether `text` is the name whose plain, uncompressed labels start at `offset` (dots where the length bytes are). */
function spells(text: string, b: Buffer, offset: number): boolean {
	let at = offset;
	let k = 0;
	for (;;) {
		const size = b[at] as number;
		if (size === 0) return k === text.length + 1;
		if (k > 0 && text.charCodeAt(k - 1) !== 0x2e) return false;
		for (let i = 1; i <= size; i++) if (text.charCodeAt(k++) !== b[at + i]) return false;
		k++;
		at += size + 1;
	}
}

/** Pointers followed within one name before the general decoder takes over (no recursion without bound). */
const maxPointerDepth = 32;

/**
 * One message's reader state: names already read, by offset (answers point back at the question's
 * name), and where the last name ended in place. Exported for the batch's reply reader (batch/lean-answer.ts).
 */
export class Reader {
	/** The message; see reuse. */
	b: Buffer;
	/**
	 * Names read so far by offset: a few in a typical reply, kept in three parallel arrays — the offset,
	 * the text and its uncompressed wire length (an object or a Map per message, then an object per name,
	 * were most of what reading a reply allocated); a long message moves them to a Map of indexes.
	 */
	readonly #offsets: number[] = [];
	readonly #names: string[] = [];
	readonly #wires: number[] = [];
	/** Entries of the arrays in use (counted, not their length: a length of 0 would free their stores on reuse). */
	#count = 0;
	#map: Map<number, number> | null = null;
	end = 0;
	/** The uncompressed wire length of the name #read returned last. */
	#wire = 0;

	constructor(b: Buffer) {
		this.b = b;
	}

	/** A name already known to be spelled in place at an offset (see expect), and where it ends. */
	#knownOffset = -1;
	#knownEnd = 0;
	#knownName: string | null = null;

	/**
	 * Starts over on another message, keeping the arrays (one Reader serves every message of a capture or
	 * a batch: reading is synchronous and never re-entered).
	 */
	reuse(b: Buffer): this {
		this.b = b;
		this.#count = 0;
		this.#map = null;
		this.#knownOffset = -1;
		this.#knownName = null;
		this.end = 0;
		return this;
	}

	/**
	 * Tells the reader the name the caller expects at `offset` (the question it asked). When the bytes
	 * there spell exactly `name` — uncompressed labels of bytes that print as themselves — the name is
	 * taken as is, where #read would have built the same string label by label; anything else is read.
	 */
	expect(offset: number, name: string): void {
		const b = this.b;
		const n = name.length;
		let at = offset;
		for (let i = 0; i <= n; ) {
			let j = i;
			while (j < n && name.charCodeAt(j) !== 0x2e) j++;
			const size = j - i;
			if (size === 0 || size > 63 || at + 1 + size > b.length || b[at] !== size) return;
			for (let k = 0; k < size; k++) {
				const c = name.charCodeAt(i + k);
				if (c > 0xff || plain[c] === 0 || b[at + 1 + k] !== c) return;
			}
			at += 1 + size;
			i = j + 1;
		}
		if (at >= b.length || b[at] !== 0 || at + 1 - offset > maxWireLength) return;
		this.#keep(offset, name, at + 1 - offset);
		this.#knownOffset = offset;
		this.#knownEnd = at + 1;
		this.#knownName = name;
	}

	/** The name at `offset` as decodeName gives it, or null where decodeName would throw. */
	name(offset: number): string | null {
		const known = this.#knownName;
		if (known !== null && this.#knownOffset === offset) {
			this.end = this.#knownEnd;
			return known;
		}
		return this.#read(offset, 0);
	}

	/** The name at `offset` (its wire length then in #wire); `depth`: pointers followed so far, a long chain (legal, but never real) is left to decodeName's loop. */
	#read(offset: number, depth: number): string | null {
		const whole = this.#plainName(offset);
		if (whole !== null) return whole;
		const limit = offset;
		const b = this.b;
		const length = b.length;
		let text = '';
		let wire = 1;
		let position = offset;
		for (;;) {
			if (position >= length) return null;
			const size = b[position] ?? 0;
			if (size === 0) {
				this.end = position + 1;
				return this.#keep(offset, text === '' ? '.' : text, wire);
			}
			const kind = size & 0xc0;
			if (kind === 0xc0) {
				if (position + 1 >= length) return null;
				const target = ((size & 0x3f) << 8) | (b[position + 1] ?? 0);
				if (target >= limit) return null;
				const end = position + 2;
				if (depth >= maxPointerDepth) return null;
				const cached = this.#cached(target);
				let rest: string | null;
				let restWire: number;
				if (cached >= 0) {
					rest = this.#names[cached] as string;
					restWire = this.#wires[cached] as number;
				} else {
					rest = this.#read(target, depth + 1);
					if (rest === null) return null;
					restWire = this.#wire;
				}
				this.end = end;
				const total = wire - 1 + restWire;
				if (total > maxWireLength) return null;
				const name = text === '' ? rest : rest === '.' ? text : `${text}.${rest}`;
				return this.#keep(offset, name, total);
			}
			if (kind !== 0) return null;
			if (position + 1 + size > length) return null;
			wire += size + 1;
			if (wire > maxWireLength) return null;
			const label = this.#label(position + 1, position + 1 + size);
			text = text === '' ? label : `${text}.${label}`;
			position += size + 1;
		}
	}

	/**
	 * The name at `offset` when it is all in place — labels of bytes that print as themselves up to the
	 * root, no pointer — as one flat string, the same #read builds label by label; null otherwise (then
	 * #read decides). Decision: a capture reads each name several times (query, reply, both families),
	 * and building it label by label made a string per label and per dot, flattened again when written
	 * or hashed; here a name seen lately is found by a hash of its bytes and compared, and a new one is
	 * made in one piece from a scratch copy with the dots in place.
	 */
	#plainName(offset: number): string | null {
		const b = this.b;
		const length = b.length;
		let position = offset;
		let hash = 0x811c9dc5;
		for (;;) {
			if (position >= length) return null;
			const size = b[position] as number;
			if (size === 0) break;
			if (size > 63 || position + 1 + size > length) return null;
			hash = Math.imul(hash ^ size, 0x01000193);
			for (let i = position + 1; i <= position + size; i++) {
				const c = b[i] as number;
				if (plain[c] === 0) return null;
				hash = Math.imul(hash ^ c, 0x01000193);
			}
			position += size + 1;
		}
		const wire = position + 1 - offset;
		// The root ('.') and over-long names are #read's.
		if (wire === 1 || wire > maxWireLength) return null;
		const textLength = wire - 2;
		const slot = (hash >>> 16) & (nameSlots - 1);
		const known = nameTexts[slot];
		let text: string;
		if (known !== undefined && known.length === textLength && spells(known, b, offset)) text = known;
		else {
			for (let at = offset, k = 0; at < position; ) {
				const size = b[at] as number;
				if (k > 0) nameScratch[k++] = 0x2e;
				for (let i = 1; i <= size; i++) nameScratch[k++] = b[at + i] as number;
				at += size + 1;
			}
			text = nameScratch.toString('latin1', 0, textLength);
			nameTexts[slot] = text;
		}
		this.end = position + 1;
		return this.#keep(offset, text, wire);
	}

	/** The index of the name read at `offset`, or -1. */
	#cached(offset: number): number {
		if (this.#map !== null) return this.#map.get(offset) ?? -1;
		const offsets = this.#offsets;
		const count = this.#count;
		for (let i = 0; i < count; i++) if (offsets[i] === offset) return i;
		return -1;
	}

	/** Remembers the name read at `offset` and returns it (its wire length in #wire). */
	#keep(offset: number, name: string, wire: number): string {
		const i = this.#count++;
		this.#offsets[i] = offset;
		this.#names[i] = name;
		this.#wires[i] = wire;
		this.#wire = wire;
		if (this.#map !== null) this.#map.set(offset, i);
		else if (i === 16) this.#map = new Map(this.#offsets.slice(0, i + 1).map((at, k) => [at, k]));
		return name;
	}

	#label(start: number, end: number): string {
		const b = this.b;
		let hash = end - start;
		for (let i = start; i < end; i++) {
			const c = b[i] ?? 0;
			if (plain[c] === 0) return escapeLabel(b.subarray(start, end));
			hash = Math.imul(hash ^ c, 0x01000193);
		}
		// A label made before, found by its bytes' hash and compared char by char: the same string.
		const slot = (hash >>> 16) & (labelSlots - 1);
		const known = labelTexts[slot];
		if (known !== undefined && known.length === end - start) {
			let i = 0;
			while (start + i < end && known.charCodeAt(i) === b[start + i]) i++;
			if (start + i === end) return known;
		}
		const text = b.toString('latin1', start, end);
		labelTexts[slot] = text;
		return text;
	}

	u16(at: number): number {
		return ((this.b[at] ?? 0) << 8) | (this.b[at + 1] ?? 0);
	}

	u32(at: number): number {
		return this.b.readUInt32BE(at);
	}
}

/** Reads one resource record at `offset` into `out[index]`; returns the offset after it, or -1 to give up. */
function record(r: Reader, offset: number, out: WireRecord[], index: number): number {
	const name = r.name(offset);
	if (name === null) return -1;
	const at = r.end;
	const b = r.b;
	if (at + 10 > b.length) return -1;
	const type = r.u16(at);
	const rdlength = r.u16(at + 8);
	const data = at + 10;
	const end = data + rdlength;
	if (end > b.length) return -1;
	if (type === typeOpt) {
		// Options are dns-packet's to read (each code has its own reader): only an empty OPT is ours.
		if (rdlength !== 0) return -1;
		const flags = r.u16(at + 6);
		out[index] = ({name, type: 'OPT', udpPayloadSize: r.u16(at + 2), extendedRcode: b[at + 4] ?? 0, ednsVersion: b[at + 5] ?? 0, flags, flag_do: ((flags >> 15) & 1) === 1, options: []} as unknown as WireRecord);
		return end;
	}
	const klass = r.u16(at + 2);
	let value: unknown;
	// records.ts's presentation form, made here (an AAAA through ipaddr.js again cost more than its decoding).
	let text: string;
	switch (type) {
		case typeA:
			if (rdlength !== 4) return -1;
			value = text = `${b[data] ?? 0}.${b[data + 1] ?? 0}.${b[data + 2] ?? 0}.${b[data + 3] ?? 0}`;
			break;
		case typeAaaa:
			if (rdlength !== 16) return -1;
			value = text = formatIpv6(b, data);
			break;
		case typeCname:
		case typeNs:
		case typePtr: {
			const target = r.name(data);
			if (target === null || r.end !== end) return -1;
			value = text = target;
			break;
		}
		case typeSoa: {
			const mname = r.name(data);
			if (mname === null) return -1;
			const rname = r.name(r.end);
			if (rname === null) return -1;
			const fixed = r.end;
			if (fixed + 20 !== end) return -1;
			const soa = {mname, rname, serial: r.u32(fixed), refresh: r.u32(fixed + 4), retry: r.u32(fixed + 8), expire: r.u32(fixed + 12), minimum: r.u32(fixed + 16)};
			value = soa;
			text = `${mname} ${rname} ${soa.serial} ${soa.refresh} ${soa.retry} ${soa.expire} ${soa.minimum}`;
			break;
		}
		default:
			return -1;
	}
	out[index] = {name, type: typeName(type), ttl: r.u32(at + 4), class: className(klass & 0x7fff), flush: (klass & 0x8000) !== 0, data: value, presentation: text} as WireRecord;
	return end;
}

/** Every empty section (never changed: Message's lists are read-only). */
const noRecords: readonly WireRecord[] = [];
const noQuestions: Message['questions'] = [];
/** A section's records as they are read (then copied out); reused by every readLean call. */
const scratch: WireRecord[] = [];

/** The reader of every readLean call (synchronous, never re-entered): a Reader and its arrays per message were a tenth of what a capture allocated. */
const shared = new Reader(Buffer.alloc(0));

/**
 * The message, or null: not provably what decodeMessage would give (it then decides). `question`: the
 * name the caller asked, so the question's name (and every pointer to it) need not be read label by
 * label when the reply echoes it byte for byte. Exported for the tests.
 */
export function readLean(buf: Uint8Array, question?: string): Message | null {
	if (buf.length < 12) return null;
	const r = shared.reuse(Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
	const qd = r.u16(4);
	const an = r.u16(6);
	const ns = r.u16(8);
	const ar = r.u16(10);
	// decodeMessage's pre-check, before anything is read.
	if (qd * 5 + (an + ns + ar) * 11 > buf.length - 12) return null;
	const flags = r.u16(2);
	let questions: Message['questions'] = noQuestions;
	if (question !== undefined && qd > 0) r.expect(12, question);
	let offset = 12;
	for (let i = 0; i < qd; i++) {
		const name = r.name(offset);
		if (name === null || r.end + 4 > buf.length) return null;
		const q = {name, type: typeName(r.u16(r.end)), class: className(r.u16(r.end + 2))};
		// The usual one question as a list of one (push would have made room for 17).
		questions = i === 0 ? [q] : [...questions, q];
		offset = r.end + 4;
	}
	// Decision: a section without records shares one empty list (Message's lists are read-only), the
	// others are read into one reused list and copied out at their exact size, and no list of lists or
	// counts is built: lists grown by push (17 slots at the first) were a tenth of what a capture allocated.
	let answers = noRecords;
	let authorities = noRecords;
	let additionals = noRecords;
	if (an > 0) {
		for (let i = 0; i < an; i++) if ((offset = record(r, offset, scratch, i)) < 0) return null;
		answers = scratch.slice(0, an);
	}
	if (ns > 0) {
		for (let i = 0; i < ns; i++) if ((offset = record(r, offset, scratch, i)) < 0) return null;
		authorities = scratch.slice(0, ns);
	}
	if (ar > 0) {
		for (let i = 0; i < ar; i++) if ((offset = record(r, offset, scratch, i)) < 0) return null;
		additionals = scratch.slice(0, ar);
	}
	return {
		id: r.u16(0),
		type: flags & 0x8000 ? 'response' : 'query',
		flags: flags & 0x7fff,
		rcode: rcodeName(flags & 0xf),
		flag_aa: ((flags >> 10) & 1) === 1,
		flag_tc: ((flags >> 9) & 1) === 1,
		flag_rd: ((flags >> 8) & 1) === 1,
		flag_ra: ((flags >> 7) & 1) === 1,
		flag_ad: ((flags >> 5) & 1) === 1,
		flag_cd: ((flags >> 4) & 1) === 1,
		questions,
		answers,
		authorities,
		additionals,
		canonical: true,
	};
}

/** decodeMessage's result for `buf` (same values where the capture reads them), most messages without dns-packet. */
export function decodeMessageLean(buf: Uint8Array, question?: string): Result<Message, WireError> {
	const message = readLean(buf, question);
	return message === null ? decodeMessage(buf) : {ok: true, value: message};
}

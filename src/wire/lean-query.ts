// The hot-path query encoder: the bytes encodeQuery (dns-packet) writes, from a name already in wire form.
import {ednsPayloadSize} from './codec.js';
import {parseName} from './name.js';

const flagRd = 1 << 8;
const flagAd = 1 << 5;

/** The uncompressed wire form of a presentation-form name (validated by parseName: labels ≤ 63, name ≤ 255). */
export function wireName(name: string): Uint8Array {
	return plainWireName(name) ?? wireNameParsed(name);
}

/**
 * The common name straight to bytes: printable ASCII without `\` (so no escapes), labels of 1–63
 * octets, at most 253 characters (255 octets on the wire). Anything else, null: parseName decides,
 * and throws what it throws. Decision: parseName's arrays and a Uint8Array per label were a large
 * part of what a batch allocated per name.
 */
function plainWireName(name: string): Uint8Array | null {
	const n = name.endsWith('.') ? name.length - 1 : name.length;
	if (n === 0 || n > 253) return null;
	const out = new Uint8Array(n + 2);
	let start = 0;
	for (let i = 0; i < n; i++) {
		const c = name.charCodeAt(i);
		if (c === 0x2e) {
			const length = i - start;
			if (length === 0 || length > 63) return null;
			out[start] = length;
			start = i + 1;
		} else {
			if (c < 0x21 || c > 0x7e || c === 0x5c) return null;
			out[i + 1] = c;
		}
	}
	const length = n - start;
	if (length === 0 || length > 63) return null;
	out[start] = length;
	out[n + 1] = 0;
	return out;
}

/** wireName for every name, through parseName (exported so tests can hold the fast path to it). */
export function wireNameParsed(name: string): Uint8Array {
	const labels = parseName(name);
	const out = new Uint8Array(labels.reduce((sum, label) => sum + label.length + 1, 1));
	let at = 0;
	for (const label of labels) {
		out[at++] = label.length;
		out.set(label, at);
		at += label.length;
	}
	out[at] = 0;
	return out;
}

/** RFC 1035 §4.1 query: RD set, one question of class IN, and with `edns` an OPT RR (RFC 6891) for 1232 bytes. */
export function encodeLeanQuery(id: number, qname: Uint8Array, qtype: number, edns: boolean, ad: boolean): Buffer {
	const buf = Buffer.allocUnsafe(leanQuerySize(qname, edns));
	writeLeanQuery(buf, 0, id, qname, qtype, edns, ad);
	return buf;
}

/** The bytes encodeLeanQuery writes. */
export function leanQuerySize(qname: Uint8Array, edns: boolean): number {
	return 12 + qname.length + 4 + (edns ? 11 : 0);
}

/**
 * encodeLeanQuery's bytes written into `out` at `offset` (room for leanQuerySize), returning their
 * length: the batched socket writes each query straight into its send arena (transport/udp-batch.ts).
 */
export function writeLeanQuery(out: Uint8Array, offset: number, id: number, qname: Uint8Array, qtype: number, edns: boolean, ad: boolean): number {
	const flags = flagRd | (ad ? flagAd : 0);
	out[offset] = id >> 8;
	out[offset + 1] = id & 0xff;
	out[offset + 2] = flags >> 8;
	out[offset + 3] = flags & 0xff;
	// QDCOUNT 1, ANCOUNT 0, NSCOUNT 0, ARCOUNT 1 with the OPT RR.
	out[offset + 4] = 0;
	out[offset + 5] = 1;
	out[offset + 6] = 0;
	out[offset + 7] = 0;
	out[offset + 8] = 0;
	out[offset + 9] = 0;
	out[offset + 10] = 0;
	out[offset + 11] = edns ? 1 : 0;
	out.set(qname, offset + 12);
	let at = offset + 12 + qname.length;
	out[at] = qtype >> 8;
	out[at + 1] = qtype & 0xff;
	out[at + 2] = 0;
	out[at + 3] = 1; // class IN
	at += 4;
	if (edns) {
		out[at] = 0; // root owner
		out[at + 1] = 0;
		out[at + 2] = 41; // TYPE OPT
		out[at + 3] = ednsPayloadSize >> 8;
		out[at + 4] = ednsPayloadSize & 0xff;
		// Extended RCODE, version 0, no DO, RDLENGTH 0.
		out.fill(0, at + 5, at + 11);
		at += 11;
	}
	return at - offset;
}

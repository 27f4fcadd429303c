// Resource records of an observed reply as plain, terminal-safe data: presentation text and the SOA.
import {findSoa} from '../resolve/soa.js';
import ipaddr from 'ipaddr.js';
import type {WireRecord} from '../wire/codec.js';

/**
 * One answer record as an exchange event carries it: `data` in presentation form (dig's), so it
 * outlives the frame's buffer and prints safely. Structurally a WireRecord, so `walkChain` reads it.
 */
export interface AnswerRecord {
	readonly name: string;
	readonly type: string;
	readonly ttl: number;
	readonly data: string;
}

const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;

/** A character-string (RFC 1035 §5.1): quoted; `"` and `\` escaped, bytes outside 0x20–0x7E as `\DDD`. */
function quoted(bytes: Uint8Array): string {
	let out = '"';
	for (const byte of bytes) {
		if (byte === 0x22 || byte === 0x5c) out += '\\' + String.fromCharCode(byte);
		else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
		else out += '\\' + String(byte).padStart(3, '0');
	}
	return out + '"';
}

const quotedText = (text: string): string => quoted(Buffer.from(text, 'utf8'));

/** RFC 3597 §5 generic form for RDATA we hold only as bytes. */
const generic = (bytes: Uint8Array): string => `\\# ${bytes.length}${bytes.length > 0 ? ' ' + Buffer.from(bytes).toString('hex') : ''}`;

/** RFC 5952 text for an AAAA (dns-packet already compresses; this makes it canonical). */
const canonical = (address: string): string => (ipaddr.isValid(address) ? ipaddr.parse(address).toString() : address);

/**
 * The presentation form of a record's data, for the types dns-packet decodes into fields. Names are
 * already dig-escaped by wire/name.ts; free text (TXT, CAA, HINFO) is quoted and escaped here.
 */
export function rdataText(rr: WireRecord): string {
	if (rr.presentation !== undefined) return rr.presentation;
	const d = rr.data;
	if (rr.type === 'AAAA' && typeof d === 'string') return canonical(d);
	if (typeof d === 'string') return d;
	if (isBytes(d)) return generic(d);
	if (Array.isArray(d)) return d.map((part) => (isBytes(part) ? quoted(part) : quotedText(String(part)))).join(' ');
	if (typeof d !== 'object' || d === null) return String(d);
	const f = d as Record<string, unknown>;
	switch (rr.type) {
		case 'MX':
			return `${String(f['preference'])} ${String(f['exchange'])}`;
		case 'SRV':
			return `${String(f['priority'])} ${String(f['weight'])} ${String(f['port'])} ${String(f['target'])}`;
		case 'SOA':
			return ['mname', 'rname', 'serial', 'refresh', 'retry', 'expire', 'minimum'].map((k) => String(f[k])).join(' ');
		case 'CAA':
			return `${String(f['flags'])} ${String(f['tag'])} ${quotedText(String(f['value']))}`;
		case 'HINFO':
			return `${quotedText(String(f['cpu']))} ${quotedText(String(f['os']))}`;
		default:
			// Other structured types (DNSSEC and friends): their fields, bytes as hex, as JSON text.
			return JSON.stringify(d, (_key, value: unknown) => (isBytes(value) ? Buffer.from(value).toString('hex') : value));
	}
}

/** The answer section as AnswerRecords (copies: nothing refers to the frame afterwards). */
export function answerRecords(answers: readonly WireRecord[]): AnswerRecord[] {
	return answers.map((rr) => ({name: rr.name, type: rr.type, ttl: rr.ttl, data: rdataText(rr)}));
}

/** The SOA of a negative answer; the same reading as the lookup's (resolve/soa.ts). */
export const soaOf = findSoa;

// The one adapter over dns-packet: query encoding and guarded message decoding as Results.
import dnsPacket from 'dns-packet';
import type {Answer} from 'dns-packet';
import dnsTypes from 'dns-packet/types.js';
import dnsClasses from 'dns-packet/classes.js';
import {decodeName, encodeName, nameWireLength, NameError} from './name.js';
import {classCode, className, typeCode, typeName} from './rr-types.js';
import {walkSkeleton} from './skeleton.js';

// Install the presentation-form name codec into dns-packet (see name.ts for why). dns-packet's record
// codecs all call `name.decode`/`name.encode` through this shared object, so this one assignment
// covers owner names, CNAME targets, SOA MNAME/RNAME and every other name field.
const codec = dnsPacket as unknown as {
	name: {
		decode: ((buf: Buffer, offset?: number) => string) & {bytes: number};
		encode: ((name: string, buf?: Buffer, offset?: number) => Buffer) & {bytes: number};
		encodingLength: (name: string) => number;
	};
};
codec.name.decode = Object.assign(
	(buf: Buffer, offset = 0): string => {
		const {name, bytes} = decodeName(buf, offset);
		codec.name.decode.bytes = bytes;
		return name;
	},
	{bytes: 0},
);
codec.name.encode = Object.assign(
	(name: string, buf?: Buffer, offset = 0): Buffer => {
		const target = buf ?? Buffer.alloc(nameWireLength(name));
		codec.name.encode.bytes = encodeName(name, target, offset);
		return target;
	},
	{bytes: 0},
);
codec.name.encodingLength = nameWireLength;

// Install RFC 3597 type and class names the same way (see rr-types.ts for why): dns-packet picks a
// record's reader by the name `types.toString` gives, so a type outside the presented set is read by
// its generic reader (the RDATA bytes, exact) and named `TYPEn`; `TYPEn` and `CLASSn` also encode.
dnsTypes.toString = typeName;
dnsTypes.toType = typeCode;
dnsClasses.toString = className;
dnsClasses.toClass = classCode;

// dns-packet's NS and SRV readers advance by RDLENGTH whatever their name took, so a name running past
// its RDATA (into the next record) or stopping short of it (trailing bytes) would go unnoticed and be
// shown as if it were the record. They report what they read instead, like the other readers, so the
// framing check in decodeMessage catches both.
const nameReaders = dnsPacket as unknown as Record<'ns' | 'srv', {decode: ((buf: Buffer, offset?: number) => unknown) & {bytes: number}}>;
for (const [key, fixedBytes] of [['ns', 2], ['srv', 8]] as const) {
	const reader = nameReaders[key];
	const original = reader.decode;
	reader.decode = Object.assign(
		(buf: Buffer, offset = 0): unknown => {
			const data = original(buf, offset);
			// RDLENGTH (2) and, for SRV, priority, weight and port (6), then the name.
			reader.decode.bytes = fixedBytes + codec.name.decode.bytes;
			return data;
		},
		{bytes: 0},
	);
}

/** RFC 8020-era default and the DNS Flag Day 2020 recommendation: 1232 bytes of UDP payload. */
export const ednsPayloadSize = 1232;

export type RecordTypeName = 'A' | 'AAAA' | 'CNAME' | 'SOA';

/** What went wrong decoding a message, as data (never a throw past this file). */
export type WireError =
	| {readonly kind: 'short-header'; readonly length: number}
	| {readonly kind: 'counts-exceed-length'; readonly counts: readonly number[]; readonly length: number}
	| {readonly kind: 'truncated'; readonly needed: number; readonly length: number}
	| {readonly kind: 'bad-name'; readonly detail: string}
	| {readonly kind: 'malformed'; readonly detail: string};

export type Result<T, E> = {readonly ok: true; readonly value: T} | {readonly ok: false; readonly error: E};

/** A resource record as dns-packet decodes it; `data` depends on the type (string for A/AAAA/CNAME). */
export interface WireRecord {
	readonly name: string;
	readonly type: string;
	readonly class?: string;
	readonly ttl: number;
	readonly data: unknown;
	/** The RDATA already in presentation form, when the decoder made it (wire/lean-decode.ts); read as is. */
	readonly presentation?: string;
}

/** A decoded DNS message: the fields he6-dns reads, typed here rather than through @types/dns-packet. */
export interface Message {
	readonly id: number;
	readonly type: 'query' | 'response';
	readonly flags: number;
	readonly rcode: string;
	readonly flag_aa: boolean;
	readonly flag_tc: boolean;
	readonly flag_rd: boolean;
	readonly flag_ra: boolean;
	readonly flag_ad: boolean;
	readonly flag_cd: boolean;
	readonly questions: readonly {readonly name: string; readonly type: string; readonly class?: string}[];
	readonly answers: readonly WireRecord[];
	readonly authorities: readonly WireRecord[];
	readonly additionals: readonly WireRecord[];
	/** True when AAAA text is already RFC 5952-canonical (wire/lean-decode.ts writes it so; dns-packet does not promise it). */
	readonly canonical?: boolean;
}

/** The fields of a reply that the lookup logic reads (transport/, resolve/family.ts). */
export type ReplyView = Pick<Message, 'rcode' | 'flag_aa' | 'flag_tc' | 'flag_ad' | 'answers' | 'authorities' | 'canonical'>;

export interface QuerySpec {
	readonly id: number;
	readonly name: string;
	readonly type: RecordTypeName;
	/** Add an OPT record (RFC 6891) advertising `ednsPayloadSize`. */
	readonly edns: boolean;
	/** Set the AD bit (RFC 6840 §5.7), as glibc does with `options trust-ad`. */
	readonly ad: boolean;
	/** Recursion desired; a stub resolver always sets it. */
	readonly rd?: boolean;
}

const flagRd = 1 << 8;
const flagAd = 1 << 5;

/** Encodes a query; throws NameError only for a name that validation should already have refused. */
export function encodeQuery(spec: QuerySpec): Buffer {
	return dnsPacket.encode({
		type: 'query',
		id: spec.id,
		flags: (spec.rd === false ? 0 : flagRd) | (spec.ad ? flagAd : 0),
		questions: [{type: spec.type, name: spec.name, class: 'IN'}],
		additionals: spec.edns ? [{type: 'OPT', name: '.', udpPayloadSize: ednsPayloadSize, flags: 0} as unknown as Answer] : [],
	});
}

/**
 * Decodes a message with the guards dns-packet lacks: the header counts must fit in the length before
 * any allocation (a 12-byte header with counts of 0xFFFF would otherwise cost milliseconds), the
 * framing (names, RDLENGTHs) must lie inside the bytes, and dns-packet must end exactly where the
 * framing ends (it accepts truncated RDATA silently otherwise).
 */
export function decodeMessage(buf: Uint8Array): Result<Message, WireError> {
	if (buf.length < 12) return {ok: false, error: {kind: 'short-header', length: buf.length}};
	const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
	const counts = [view.readUInt16BE(4), view.readUInt16BE(6), view.readUInt16BE(8), view.readUInt16BE(10)];
	const [qd = 0, an = 0, ns = 0, ar = 0] = counts;
	// Smallest possible question: root name (1) + type + class = 5; smallest RR: 1 + 10 = 11.
	if (qd * 5 + (an + ns + ar) * 11 > buf.length - 12) {
		return {ok: false, error: {kind: 'counts-exceed-length', counts, length: buf.length}};
	}
	const skeleton = walkSkeleton(buf);
	if (!skeleton.ok) return {ok: false, error: skeleton.error};
	try {
		const message = dnsPacket.decode(view) as unknown as Message;
		const used = (dnsPacket.decode as unknown as {bytes: number}).bytes;
		if (used > buf.length) return {ok: false, error: {kind: 'truncated', needed: used, length: buf.length}};
		// A type's reader that consumed more or less than its RDLENGTH has desynchronised the rest.
		if (used !== skeleton.end) return {ok: false, error: {kind: 'malformed', detail: `record data disagrees with its RDLENGTH (decoded to byte ${used}, framing ends at ${skeleton.end})`}};
		return {ok: true, value: message};
	} catch (error) {
		if (error instanceof NameError) return {ok: false, error: {kind: 'bad-name', detail: error.message}};
		return {ok: false, error: {kind: 'malformed', detail: error instanceof Error ? error.message : String(error)}};
	}
}

/** Reads the id of a message without decoding it (for matching before the full decode). */
export function peekId(buf: Uint8Array): number | null {
	return buf.length >= 2 ? ((buf[0] ?? 0) << 8) | (buf[1] ?? 0) : null;
}

/** One line of text for a WireError. */
export function describeWireError(error: WireError): string {
	switch (error.kind) {
		case 'short-header':
			return `message of ${error.length} bytes is shorter than the 12-byte header`;
		case 'counts-exceed-length':
			return `header counts ${error.counts.join('/')} cannot fit in ${error.length} bytes`;
		case 'truncated':
			return `record data runs past the end of the message (${error.needed} > ${error.length} bytes)`;
		case 'bad-name':
			return `bad name: ${error.detail}`;
		case 'malformed':
			return error.detail;
	}
}

// The hot-path reply reader: header, question and A/AAAA/CNAME/SOA records read straight off the bytes.
//
// Decision: dns-packet decodes every field of every record into fresh objects, and the guarded decode
// (codec.ts) walks the framing first; a batch reads two replies per name, almost all of them made of
// these four types. This reader accepts only messages whose every record it reads completely (A with
// RDLENGTH 4, AAAA 16, CNAME and SOA whose names fill their RDLENGTH exactly, OPT without options, all
// class IN, the one question uncompressed) and returns the same field values decodeMessage would.
// Anything else — another type, a compressed question, a bad name, a short message — is `general`: the
// caller hands the bytes to decodeMessage, which decides (and names the damage) as it always did.
import {formatIpv4, formatIpv6} from './address-text.js';
import type {WireRecord} from './codec.js';
import {decodeName, NameError} from './name.js';

/** The fields of a reply that the lookup logic reads (a subset of codec.ts's Message). */
export interface ReplyView {
	readonly rcode: string;
	readonly flag_aa: boolean;
	readonly flag_tc: boolean;
	readonly flag_ad: boolean;
	readonly answers: readonly WireRecord[];
	readonly authorities: readonly WireRecord[];
	/** True when AAAA text is already RFC 5952-canonical (this reader's output). */
	readonly canonical?: boolean;
}

export type LeanRead = {readonly kind: 'lean'; readonly reply: ReplyView} | {readonly kind: 'mismatch'} | {readonly kind: 'general'};

const general: LeanRead = {kind: 'general'};
const mismatch: LeanRead = {kind: 'mismatch'};
/** RFC 1035 §4.1.1 and RFC 2136: the header RCODEs dns-packet names; others go the general way. */
const rcodeNames = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];
const typeA = 1;
const typeCname = 5;
const typeSoa = 6;
const typeAaaa = 28;
const typeOpt = 41;

const u16 = (buf: Uint8Array, at: number): number => ((buf[at] as number) << 8) | (buf[at + 1] as number);
const u32 = (buf: Uint8Array, at: number): number => (((buf[at] as number) << 24) >>> 0) + (((buf[at + 1] as number) << 16) | ((buf[at + 2] as number) << 8) | (buf[at + 3] as number));

/**
 * Reads a reply to the question whose uncompressed wire name is `qname` and type `qtype`.
 * `mismatch` only for a reply this reader read completely whose question is another one.
 */
export function readLeanReply(buf: Uint8Array, qname: Uint8Array, qtype: number): LeanRead {
	const length = buf.length;
	if (length < 12) return general;
	const flags = u16(buf, 2);
	if ((flags & 0x8000) === 0) return general;
	const rcode = rcodeNames[flags & 0x0f];
	if (rcode === undefined) return general;
	const qd = u16(buf, 4);
	const an = u16(buf, 6);
	const ns = u16(buf, 8);
	const ar = u16(buf, 10);
	if (qd !== 1 || 5 + (an + ns + ar) * 11 > length - 12) return general;
	// The question: its name must be uncompressed to be compared byte by byte (ASCII case folded, RFC 4343).
	let offset = 12;
	let same = true;
	for (;;) {
		if (offset >= length) return general;
		const label = buf[offset] as number;
		if ((label & 0xc0) !== 0) return general;
		if (offset + label + 1 > length) return general;
		const at = offset - 12;
		if (same) {
			if (at + label >= qname.length || (qname[at] as number) !== label) same = false;
			else for (let i = 1; i <= label && same; i++) same = fold(buf[offset + i] as number) === fold(qname[at + i] as number);
		}
		offset += label + 1;
		if (label === 0) break;
		if (offset - 12 > 255) return general;
	}
	if (offset + 4 > length) return general;
	same = same && offset - 12 === qname.length && u16(buf, offset) === qtype && u16(buf, offset + 2) === 1;
	offset += 4;
	const answers: WireRecord[] = [];
	const authorities: WireRecord[] = [];
	try {
		for (let i = 0, total = an + ns + ar; i < total; i++) {
			const owner = decodeName(buf, offset);
			offset += owner.bytes;
			if (offset + 10 > length) return general;
			const type = u16(buf, offset);
			const klass = u16(buf, offset + 2);
			const ttl = u32(buf, offset + 4);
			const rdlength = u16(buf, offset + 8);
			const rdata = offset + 10;
			const end = rdata + rdlength;
			if (end > length) return general;
			offset = end;
			if (type === typeOpt) {
				if (i < an + ns || rdlength !== 0) return general;
				continue;
			}
			if (klass !== 1) return general;
			let data: unknown;
			if (type === typeA && rdlength === 4) data = formatIpv4(buf, rdata);
			else if (type === typeAaaa && rdlength === 16) data = formatIpv6(buf, rdata);
			else if (type === typeCname) {
				const target = decodeName(buf, rdata);
				if (target.bytes !== rdlength) return general;
				data = target.name;
			} else if (type === typeSoa) {
				const mname = decodeName(buf, rdata);
				const rname = decodeName(buf, rdata + mname.bytes);
				const fixed = rdata + mname.bytes + rname.bytes;
				if (fixed + 20 !== end) return general;
				data = {mname: mname.name, rname: rname.name, serial: u32(buf, fixed), refresh: u32(buf, fixed + 4), retry: u32(buf, fixed + 8), expire: u32(buf, fixed + 12), minimum: u32(buf, fixed + 16)};
			} else return general;
			const record: WireRecord = {name: owner.name, type: type === typeA ? 'A' : type === typeAaaa ? 'AAAA' : type === typeCname ? 'CNAME' : 'SOA', class: 'IN', ttl, data};
			if (i < an) answers.push(record);
			else if (i < an + ns) authorities.push(record);
		}
	} catch (error) {
		if (error instanceof NameError) return general;
		throw error;
	}
	if (!same) return mismatch;
	return {kind: 'lean', reply: {rcode, flag_aa: (flags & 0x0400) !== 0, flag_tc: (flags & 0x0200) !== 0, flag_ad: (flags & 0x0020) !== 0, answers, authorities, canonical: true}};
}

/** ASCII lowercase of one byte (RFC 4343: only A–Z fold). */
function fold(byte: number): number {
	return byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte;
}

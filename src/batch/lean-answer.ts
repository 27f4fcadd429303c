// The batch's reply reader: a clean reply to its own question read from the bytes straight into a FamilyOutcome.
//
// Decision: the general path reads a reply into a Message (record objects, presentation text for each
// record, the SOA's text), walks the chain over those objects, collects the unused records and finds
// the SOA — all for an outcome that is written once and dropped. This reader takes only replies whose
// outcome it can prove equal to that path's (wire/lean-decode.ts readLean, transport/reply.ts
// answersQuestion, then resolve/family.ts judge): the question echoed byte for byte, NOERROR or
// NXDOMAIN without TC, answers that are only CNAMEs and records of the asked type, all of them on the
// chain from the question name (owners equal to it as strings), an authority section of SOA and NS
// records, additionals readLean reads. Anything else is null and the general path decides, so every
// error, follow-up and other record still comes from one place. lean-answer.test.ts holds the two
// paths to the same outcomes on generated, damaged and odd replies.
import {answeredOutcome, replyFlags} from '../resolve/family.js';
import {maxChainHops} from '../resolve/chain.js';
import type {AddressRecord, ChainLink, Family, FamilyOutcome, SoaRecord, Status} from '../resolve/types.js';
import type {Endpoint} from '../transport/endpoint.js';
import {formatIpv6} from '../wire/address-text.js';
import {ipOfBytes, type Ip} from '../select/policy.js';
import {Reader} from '../wire/lean-decode.js';
import {nameKey} from '../wire/name.js';
import {classIn, typeA, typeAaaa, typeCname, typeNs, typeOpt, typeSoa} from '../wire/rr-types.js';

/**
 * The answer section as read, in parallel arrays reused across replies (reading is synchronous and
 * never re-entered): an object per record was most of what a reply allocated.
 */
const owners: string[] = [];
const values: string[] = [];
const ttls: number[] = [];
const cnames: boolean[] = [];
/** Shared empty lists (an outcome's lists are read-only): most outcomes have no chain, a NODATA no addresses. */
const noLinks: readonly ChainLink[] = [];
const noAddresses: readonly AddressRecord[] = [];

/** One name reader for every reply (Reader.reuse). */
const reader = new Reader(Buffer.alloc(0));
/** Where each record's RDATA starts. */
const rdata: number[] = [];

/** The last header readHeader read: where it starts (TYPE), its TYPE, where its RDATA starts and ends. */
const header = {at: 0, type: 0, data: 0, end: 0};

/**
 * The owner name of the record at `offset` (its header then in `header`), or null where the name, the
 * fixed fields or the RDATA would run past `length`: readLean's framing.
 */
function readHeader(offset: number, length: number): string | null {
	const r = reader;
	const owner = r.name(offset);
	if (owner === null) return null;
	const at = r.end;
	if (at + 10 > length) return null;
	const data = at + 10;
	const end = data + r.u16(at + 8);
	if (end > length) return null;
	header.at = at;
	header.type = r.u16(at);
	header.data = data;
	header.end = end;
	return owner;
}

/**
 * The outcome of `family` for `qname` from `reply`, or null when the general path must read it. `wire`
 * is the question name as sent (lean-query.ts wireName); `server`, `rttMs` and `mismatched` are the
 * lane's, as they would reach judge(). The addresses' Ips (select/policy.ts ipOfBytes) are added to
 * `ips`, for the selection to take instead of parsing the text again (offerIps).
 */
export function readAnswer(reply: Buffer, qname: string, wire: Uint8Array, family: Family, server: Endpoint, rttMs: number, mismatched: number, ips: Ip[]): FamilyOutcome | null {
	const length = reply.length;
	if (length < 12) return null;
	const flags = (reply[2] as number) * 256 + (reply[3] as number);
	// A response (answersQuestion), not truncated, NOERROR or NXDOMAIN: the lean lane's own test, narrowed.
	if ((flags & 0x8000) === 0 || (flags & 0x0200) !== 0) return null;
	const rcode = flags & 0xf;
	if (rcode !== 0 && rcode !== 3) return null;
	const r = reader.reuse(reply);
	if (r.u16(4) !== 1) return null;
	const an = r.u16(6);
	const ns = r.u16(8);
	const ar = r.u16(10);
	if (5 + (an + ns + ar) * 11 > length - 12) return null;
	// The question: the bytes sent, so its name is qname's (answersQuestion's nameKey test holds).
	const size = wire.length;
	if (12 + size + 4 > length) return null;
	for (let i = 0; i < size; i++) if (reply[12 + i] !== wire[i]) return null;
	r.expect(12, qname);
	if (r.name(12) !== qname || r.end !== 12 + size) return null;
	const qtype = family === 'A' ? typeA : typeAaaa;
	if (r.u16(12 + size) !== qtype || r.u16(14 + size) !== classIn) return null;
	let offset = 16 + size;

	// Answers: CNAMEs and records of the asked type, of class IN, framed as readLean frames them.
	let count = 0;
	for (let i = 0; i < an; i++) {
		const owner = readHeader(offset, length);
		if (owner === null || r.u16(header.at + 2) !== classIn) return null;
		const {at, type, data, end} = header;
		let value: string;
		if (type === qtype) {
			if (end - data !== (qtype === typeA ? 4 : 16)) return null;
			value = qtype === typeA ? `${reply[data] as number}.${reply[data + 1] as number}.${reply[data + 2] as number}.${reply[data + 3] as number}` : formatIpv6(reply, data);
		} else if (type === typeCname) {
			const target = r.name(data);
			if (target === null || r.end !== end) return null;
			value = target;
		} else return null;
		owners[count] = owner;
		values[count] = value;
		ttls[count] = r.u32(at + 4);
		cnames[count] = type === typeCname;
		rdata[count] = data;
		count++;
		offset = end;
	}

	// Authority: the first SOA is the negative answer's (findSoa); NS is routine; anything else is evidence for the general path.
	let soa: SoaRecord | null = null;
	for (let i = 0; i < ns; i++) {
		const owner = readHeader(offset, length);
		if (owner === null) return null;
		const {at, type, data, end} = header;
		if (type === typeSoa) {
			const mname = r.name(data);
			if (mname === null) return null;
			const rname = r.name(r.end);
			if (rname === null) return null;
			const fixed = r.end;
			if (fixed + 20 !== end) return null;
			soa ??= {name: owner, ttl: r.u32(at + 4), mname, rname, serial: r.u32(fixed), refresh: r.u32(fixed + 4), retry: r.u32(fixed + 8), expire: r.u32(fixed + 12), minimum: r.u32(fixed + 16)};
		} else if (type === typeNs) {
			const target = r.name(data);
			if (target === null || r.end !== end) return null;
		} else return null;
		offset = end;
	}

	// Additionals: never judged, but readLean must take them (an empty OPT, addresses of the right size).
	for (let i = 0; i < ar; i++) {
		if (readHeader(offset, length) === null) return null;
		const {type, data, end} = header;
		const rdlength = end - data;
		if (type === typeOpt ? rdlength !== 0 : type === typeA ? rdlength !== 4 : type === typeAaaa ? rdlength !== 16 : true) return null;
		offset = end;
	}

	// walkChain, on owners equal as strings. Every record must be used (else otherRecords has some), a
	// tail must not hold both addresses and a CNAME (or two CNAMEs), and loops and over-long chains are
	// the general path's errors: then null.
	const before = ips.length;
	let chain: ChainLink[] | null = null;
	let addresses: AddressRecord[] | null = null;
	let used = 0;
	let tail = qname;
	for (;;) {
		let found = 0;
		let cname = -1;
		for (let i = 0; i < count; i++) {
			if (owners[i] !== tail) continue;
			if (cnames[i] === true) {
				if (cname >= 0) return null;
				cname = i;
			} else found++;
		}
		if (found > 0) {
			if (cname >= 0) return null;
			addresses = [];
			for (let i = 0; i < count; i++) {
				if (owners[i] !== tail || cnames[i] === true) continue;
				const address = values[i] as string;
				addresses.push({address, ttl: ttls[i] as number});
				ips.push(ipOfBytes(address, reply, rdata[i] as number, family === 'A' ? 4 : 6));
			}
			used += found;
			break;
		}
		if (cname < 0) break;
		chain ??= [];
		if (chain.length >= maxChainHops) return null;
		const target = values[cname] as string;
		const key = nameKey(target);
		if (key === nameKey(qname)) return null;
		for (const link of chain) if (nameKey(link.target) === key) return null;
		chain.push({name: owners[cname] as string, target, ttl: ttls[cname] as number});
		used++;
		tail = target;
	}
	if (used !== count) {
		ips.length = before;
		return null;
	}

	// judge()'s decision, in its order.
	let status: Status;
	if (rcode === 3) {
		status = 'NXDOMAIN';
		addresses = null;
		ips.length = before;
	} else if (addresses !== null) {
		status = 'NOERROR';
		soa = null;
	} else {
		// A chain that stopped without an SOA is a follow-up query: the general path's.
		if (soa === null && chain !== null) return null;
		status = 'NODATA';
	}
	return answeredOutcome(family, status, qname, chain ?? noLinks, addresses ?? noAddresses, soa, server, 'udp', rttMs, mismatched, replyFlags((flags & 0x20) !== 0, (flags & 0x400) !== 0));
}
